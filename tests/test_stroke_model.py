import numpy as np
import pytest

from training.stroke_model import StrokeTrainingSettings, augmented_pool, augmented_strokes, training_digits


@pytest.fixture(scope="module")
def sample(pen_digit_set):
    return pen_digit_set[::97][:40]


def test_pool_shapes_and_labels(sample):
    sequences, labels = augmented_pool(sample, StrokeTrainingSettings(copies=3))
    assert sequences.shape == (3 * len(sample), 64, 5) and sequences.dtype == np.float32
    assert labels.tolist() == [digit.label for digit in sample] * 3
    assert np.isfinite(sequences).all()


def test_pool_is_deterministic_given_a_seed(sample):
    first = augmented_pool(sample[:10], StrokeTrainingSettings(copies=2, seed=3))[0]
    again = augmented_pool(sample[:10], StrokeTrainingSettings(copies=2, seed=3))[0]
    other = augmented_pool(sample[:10], StrokeTrainingSettings(copies=2, seed=4))[0]
    assert np.array_equal(first, again) and not np.array_equal(first, other)


@pytest.mark.parametrize("as_written", [False, True])
def test_augmented_drawings_keep_the_strokes(sample, as_written):
    digit = max(sample, key=lambda d: len(d.strokes))
    drawn = augmented_strokes(digit, np.random.default_rng(0), as_written)
    assert len(drawn) == len(digit.strokes)
    if as_written:  # the tablet's points, slanted and turned: as many as written
        assert [len(s.points) for s in drawn] == [len(s) for s in digit.strokes]
    else:  # whole canvas pixels, as a mouse reports them
        points = np.concatenate([np.asarray(s.points) for s in drawn])
        assert np.array_equal(points, np.round(points))


@pytest.mark.parametrize("fold", [0, 1, 2])
def test_held_out_fold_is_left_out(fold):
    from tests.conftest import PEN_DIGITS
    from training.folds import digit_folds

    folds = digit_folds(PEN_DIGITS)
    everything, kept = training_digits(PEN_DIGITS), training_digits(PEN_DIGITS, hold_out_fold=fold)
    expected = [digit for digit, k in zip(everything, folds, strict=True) if k != fold]
    assert len(kept) == len(expected) == int((folds != fold).sum()) < len(everything)
    assert [d.writer for d in kept] == [d.writer for d in expected]
    with pytest.raises(ValueError, match="fold"):
        training_digits(PEN_DIGITS, hold_out_fold=3)
