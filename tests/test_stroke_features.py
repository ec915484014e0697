import dataclasses

import numpy as np
import pytest

from digitpad.drawing import Stroke
from digitpad.stroke_features import CHANNELS, SEQUENCE_LENGTH, digits_to_sequences, strokes_to_sequence
from training import pen_digits
from training.pen_render import PenAugmentSettings, mouse_samples

CANVAS = 560
PEN_UP = CHANNELS.index("pen_up")


def strokes(*paths, erase=False):
    return [Stroke(tuple(map(tuple, np.asarray(path, float))), 24.0, erase) for path in paths]


SEVEN = strokes([(100, 100), (300, 100), (180, 400)])
FOUR = strokes([(200, 100), (120, 300), (300, 300)], [(260, 180), (260, 420)])


@pytest.fixture(scope="module")
def sample(pen_digit_set):
    return pen_digit_set[::41][:100]  # many writers


@pytest.mark.parametrize("length", [SEQUENCE_LENGTH, 16, 2])
def test_shape_and_range(length):
    sequence = strokes_to_sequence(FOUR, length)
    assert sequence.shape == (length, len(CHANNELS)) and sequence.dtype == np.float32
    assert np.isfinite(sequence).all()
    assert np.abs(sequence[:, :2]).max() <= 0.5 + 1e-6
    assert sequence[0, 2:].tolist() == [0.0, 0.0, 0.0]


def test_many_digits_stack():
    assert digits_to_sequences([SEVEN, FOUR, SEVEN]).shape == (3, SEQUENCE_LENGTH, len(CHANNELS))


@pytest.mark.parametrize("scale, shift", [(3.0, (0, 0)), (0.25, (40, -70)), (1.0, (500, 12.5))])
def test_size_and_place_do_not_matter(scale, shift):
    moved = strokes(*[np.asarray(s.points) * scale + shift for s in FOUR])
    np.testing.assert_allclose(strokes_to_sequence(moved), strokes_to_sequence(FOUR), atol=1e-5)


def test_aspect_is_kept():
    narrow = strokes_to_sequence(strokes(*[np.asarray(s.points) * (0.5, 1.0) for s in SEVEN]))
    seven = strokes_to_sequence(SEVEN)  # 200 wide, 300 tall
    assert np.ptp(seven[:, 1]) == pytest.approx(1.0) and np.ptp(narrow[:, 1]) == pytest.approx(1.0)
    assert np.ptp(seven[:, 0]) == pytest.approx(2 / 3, abs=0.01)  # resampling may cut a corner a little
    assert np.ptp(narrow[:, 0]) == pytest.approx(1 / 3, abs=0.01)


def test_direction_and_order_matter():
    reversed_seven = strokes(np.asarray(SEVEN[0].points)[::-1])
    other_order = list(reversed(FOUR))
    assert np.abs(strokes_to_sequence(reversed_seven) - strokes_to_sequence(SEVEN)).max() > 0.5
    assert np.abs(strokes_to_sequence(other_order) - strokes_to_sequence(FOUR)).max() > 0.5


@pytest.mark.parametrize("gap", [0.1, 5.0, 200.0])
def test_every_pen_lift_is_flagged(gap):
    two = strokes([(100, 100), (100, 400)], [(100 + gap, 400), (300, 400)])
    flags = strokes_to_sequence(two)[:, PEN_UP]
    assert flags.sum() >= 1
    assert strokes_to_sequence(strokes([(100, 100), (100, 400), (300, 400)]))[:, PEN_UP].sum() == 0


def test_eraser_strokes_are_ignored():
    rubbed = FOUR + strokes([(0, 0), (500, 500)], erase=True)
    np.testing.assert_array_equal(strokes_to_sequence(rubbed), strokes_to_sequence(FOUR))
    with pytest.raises(ValueError, match="no ink"):
        strokes_to_sequence(strokes([(0, 0), (50, 50)], erase=True))


@pytest.mark.parametrize("bad", [[], "length"])
def test_bad_input_is_refused(bad):
    with pytest.raises(ValueError):
        strokes_to_sequence(FOUR, length=1) if bad == "length" else strokes_to_sequence(bad)


def test_a_dot_gives_a_finite_sequence():
    assert np.isfinite(strokes_to_sequence(strokes([(10, 10)]))).all()


def test_mouse_at_60_hz_reads_like_the_tablet(sample):
    """The same digit reported by a 60 Hz mouse (whole pixels, +-1 px jitter, uneven speed) and by
    the tablet: nearly the same sequence, far closer than two different digits."""
    mouse = dataclasses.replace(PenAugmentSettings(), mouse_rate_range=(60.0, 60.0))
    rng = np.random.default_rng(0)
    same, different = [], []
    tablet = [pen_digits.to_strokes(digit, pen_digits.CONDITIONS[0], CANVAS) for digit in sample]
    for row, digit in enumerate(tablet):
        mouse_drawn = [Stroke(tuple(map(tuple, mouse_samples(np.asarray(s.points), rng, mouse))), 24.0) for s in digit]
        sequence = strokes_to_sequence(digit)
        same.append(np.abs(strokes_to_sequence(mouse_drawn) - sequence).mean(axis=0))
        different.append(np.abs(strokes_to_sequence(tablet[row - 1]) - sequence).mean(axis=0))
    same, different = np.mean(same, axis=0), np.mean(different, axis=0)
    assert same[:2].max() < 0.01  # places: within 1 % of the digit's size on average
    assert (same[:4] < 0.1 * different[:4]).all()
