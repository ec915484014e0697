import numpy as np
import pytest

from training.stroke_model import (
    StrokeTrainingSettings,
    augmented_pool,
    augmented_strokes,
    drawing_order_variant,
    training_digits,
    writing_variant,
)

ALWAYS = StrokeTrainingSettings(slashed_zero_probability=1.0, crossed_seven_probability=1.0,
                                flagged_one_probability=1.0)


@pytest.fixture(scope="module")
def sample(pen_digit_set):
    return pen_digit_set[::97][:40]


def test_pool_shapes_and_labels(sample):
    sequences, labels = augmented_pool(sample, StrokeTrainingSettings(copies=3))
    assert sequences.shape == (3 * len(sample), 64, 5) and sequences.dtype == np.float32
    assert labels.tolist() == [digit.label for digit in sample] * 3
    assert np.isfinite(sequences).all()


@pytest.mark.parametrize("share", [0.5, 1.0])
def test_outlier_exposure_adds_non_digit_paths_labelled_as_such(sample, share):
    from training.outliers import OUTLIER

    sequences, labels = augmented_pool(sample[:10], StrokeTrainingSettings(copies=2, outlier_share=share), 0)
    outliers = int(round(share * 20))
    assert sequences.shape == (20 + outliers, 64, 5) and np.isfinite(sequences).all()
    assert labels[:20].tolist() == [digit.label for digit in sample[:10]] * 2
    assert labels[20:].tolist() == [OUTLIER] * outliers
    assert np.abs(sequences[20:]).sum(axis=(1, 2)).min() > 0  # each one is a drawn path


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


@pytest.mark.parametrize("limit", [1, 300])
def test_a_limited_set_spreads_over_writers_of_the_kept_folds(limit):
    from tests.conftest import PEN_DIGITS

    kept = training_digits(PEN_DIGITS, hold_out_fold=0, limit=limit)
    sources = {digit.writer.split("/")[0] for digit in kept}
    assert len(kept) == limit and "apb" not in sources  # fold 0 is apb
    if limit > 1:
        assert len(sources) >= 7  # of the 8 sources in folds 1 and 2 (lou wrote few digits)


@pytest.mark.parametrize("label", [0, 7])
def test_a_slash_or_bar_is_a_stroke_of_its_own(sample, label):
    digit = next(d for d in sample if d.label == label)
    varied = writing_variant(digit, np.random.default_rng(0), ALWAYS)
    assert len(varied.strokes) == len(digit.strokes) + 1
    assert sum(any(np.array_equal(s, o) for o in digit.strokes) for s in varied.strokes) == len(digit.strokes)


def test_a_flag_reaches_down_left_from_the_top_of_a_one(pen_digit_set):
    for seed, digit in enumerate([d for d in pen_digit_set if d.label == 1][:20]):
        varied = writing_variant(digit, np.random.default_rng(seed), ALWAYS)
        old, new = np.concatenate(digit.strokes), np.concatenate(varied.strokes)
        top = old[np.argmin(old[:, 1])]
        assert new[:, 1].min() == pytest.approx(old[:, 1].min(), abs=0.05 * np.ptp(old[:, 1]))
        assert new[:, 0].min() < top[0] - 0.1 * np.ptp(old[:, 1])  # the flag's end, left of the top


@pytest.mark.parametrize("label", [2, 3, 4, 5, 6, 8, 9])
def test_other_digits_are_left_alone(pen_digit_set, label):
    digit = next(d for d in pen_digit_set if d.label == label)
    assert writing_variant(digit, np.random.default_rng(0), ALWAYS) is digit


def test_strokes_drawn_from_the_other_end_or_in_another_order(pen_digit_set):
    digit = next(d for d in pen_digit_set if len(d.strokes) == 3)
    backwards = drawing_order_variant(digit, np.random.default_rng(0), StrokeTrainingSettings(
        reversed_stroke_probability=1.0, shuffled_order_probability=0.0, loop_start_probability=0.0))
    assert all(np.array_equal(new, old[::-1]) for new, old in zip(backwards.strokes, digit.strokes, strict=True))
    shuffled = StrokeTrainingSettings(reversed_stroke_probability=0.0, shuffled_order_probability=1.0,
                                      loop_start_probability=0.0)
    orders = {tuple(id(s) for s in drawing_order_variant(digit, np.random.default_rng(seed), shuffled).strokes)
              for seed in range(20)}
    assert len(orders) > 1 and all(set(order) == {id(s) for s in digit.strokes} for order in orders)
    unchanged = StrokeTrainingSettings(reversed_stroke_probability=0.0, shuffled_order_probability=0.0,
                                       loop_start_probability=0.0)
    assert drawing_order_variant(digit, np.random.default_rng(0), unchanged).strokes == digit.strokes


def test_a_closed_stroke_may_start_elsewhere_on_its_loop():
    from training.stroke_model import _start_elsewhere

    angles = np.linspace(0, 2 * np.pi, 40)
    ring = np.column_stack([np.cos(angles), np.sin(angles)])
    moved = _start_elsewhere(ring, np.random.default_rng(0))
    assert len(moved) == len(ring) and not np.allclose(moved[0], ring[0])
    assert np.allclose(moved[0], moved[-1])  # still closed
    line = np.column_stack([np.linspace(0, 1, 10), np.zeros(10)])
    assert _start_elsewhere(line, np.random.default_rng(0)) is line


@pytest.mark.parametrize("members", [1, 2, 3])
def test_an_ensemble_gives_the_normalised_geometric_mean_of_its_members(members):
    from training.stroke_model import build_stroke_model, ensemble

    keras = pytest.importorskip("keras")
    keras.utils.set_random_seed(0)
    models = [build_stroke_model(widths=(4, 4, 4), hidden=8) for _ in range(members)]
    sequences = np.random.default_rng(0).normal(size=(5, 64, 5)).astype(np.float32)
    each = np.stack([model.predict(sequences, verbose=0) for model in models])
    mean = np.exp(np.log(each).mean(axis=0))
    together = ensemble(models).predict(sequences, verbose=0)
    assert np.allclose(together, mean / mean.sum(axis=1, keepdims=True), atol=1e-6)
    assert np.allclose(together.sum(axis=1), 1.0, atol=1e-6)


def test_an_ensemble_of_nothing_is_refused():
    from training.stroke_model import ensemble

    with pytest.raises(ValueError, match="at least one"):
        ensemble([])
