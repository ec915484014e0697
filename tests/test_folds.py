import pathlib

import numpy as np
import pytest

from training.folds import FOLDS, digit_folds, fold_of, fold_rows

PEN_DIGITS = pathlib.Path(__file__).resolve().parent / "data" / "pen_digits_dev.npz"


def test_each_source_in_exactly_one_fold():
    sources = [source for fold in FOLDS for source in fold]
    assert len(sources) == len(set(sources))
    assert set(np.load(PEN_DIGITS)["sources"]) == set(sources)


@pytest.mark.parametrize("fold, count", [(0, 2033), (1, 1727), (2, 2593)])
def test_fold_sizes(fold, count):
    assert len(fold_rows(PEN_DIGITS, fold)) == count


def test_folds_cover_every_digit_once():
    folds = digit_folds(PEN_DIGITS)
    rows = np.sort(np.concatenate([fold_rows(PEN_DIGITS, fold) for fold in range(len(FOLDS))]))
    assert np.array_equal(rows, np.arange(len(folds)))


def test_writers_never_span_folds():
    data = np.load(PEN_DIGITS)
    folds = digit_folds(PEN_DIGITS)
    for writer in set(data["writers"]):
        assert len(set(folds[data["writers"] == writer])) == 1


@pytest.mark.parametrize("source, fold", [("apb", 0), ("lou", 1), ("imp", 2)])
def test_fold_of(source, fold):
    assert fold_of(source) == fold


def test_unknown_source_and_fold_say_so():
    with pytest.raises(ValueError, match="in no fold"):
        fold_of("xyz")
    with pytest.raises(ValueError, match="fold must be"):
        fold_rows(PEN_DIGITS, 3)
