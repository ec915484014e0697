import numpy as np
import pytest

from training import pen_digits


def test_loads_every_digit(pen_digit_set):
    assert len(pen_digit_set) == 6353
    assert {d.label for d in pen_digit_set} == set(range(10))
    assert all(len(d.strokes) >= 1 and all(len(s) >= 1 for s in d.strokes) for d in pen_digit_set)


@pytest.mark.parametrize("condition", pen_digits.CONDITIONS, ids=lambda c: c.name)
def test_conditions_fit_the_canvas(pen_digit_set, condition):
    for digit in pen_digit_set[::97]:
        strokes = pen_digits.to_strokes(digit, condition, 560)
        points = np.concatenate([np.asarray(s.points) for s in strokes])
        height = np.ptp(points[:, 1])
        assert height <= condition.height * 560 + 1e-6
        assert points.min() >= -1 and points.max() <= 561
        assert all(s.width == condition.brush for s in strokes)
