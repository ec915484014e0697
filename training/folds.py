"""Cross-writer folds of the pen digits (tests/data/pen_digits_dev.npz).

Every choice made with pen digits in training is judged on writers the model never saw: the
digits are split by `sources` (the collecting institution, hence its writers) into three
folds, each source wholly in one fold. A fold model trains on two folds and is scored on the
third (`train_model.py --hold-out-fold K`, `bench/folds.py`).
"""

import pathlib

import numpy as np

FOLDS = (
    ("apb",),  # 2,033 digits
    ("gmd", "aga", "art", "lou"),  # 1,727 digits
    ("app", "apa", "uqb", "imp"),  # 2,593 digits
)
FOLD_OF_SOURCE = {source: fold for fold, sources in enumerate(FOLDS) for source in sources}


def fold_of(source: str) -> int:
    """The fold (0, 1 or 2) of a digit from this UNIPEN source."""
    try:
        return FOLD_OF_SOURCE[str(source)]
    except KeyError:
        raise ValueError(f"pen-digit source {source!r} is in no fold (known: {sorted(FOLD_OF_SOURCE)})") from None


def check_fold(fold: int) -> int:
    if fold not in range(len(FOLDS)):
        raise ValueError(f"fold must be 0-{len(FOLDS) - 1}, got {fold}")
    return fold


def digit_folds(path: pathlib.Path | str) -> np.ndarray:
    """(N,) int: the fold of each digit of a pen_digits npz file, in file order."""
    return np.array([fold_of(source) for source in np.load(path)["sources"]], dtype=np.int64)


def fold_rows(path: pathlib.Path | str, fold: int) -> np.ndarray:
    """Indices (file order) of the digits in `fold`."""
    return np.flatnonzero(digit_folds(path) == check_fold(fold))
