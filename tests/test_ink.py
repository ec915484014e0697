import cv2
import numpy as np
import pytest

from digitpad.drawing import Stroke
from digitpad.ink import render_mask


@pytest.mark.parametrize("width", [2, 8, 30])
def test_fast_moves_leave_no_gaps(width):
    """Two far-apart motion points are joined by one solid line of the brush's width."""
    mask = render_mask([Stroke(((20, 20), (400, 300), (60, 380)), width)], (450, 450))
    count, _ = cv2.connectedComponents(mask)
    assert count == 2  # background + one piece of ink
    middle = mask[:250, 210]  # crosses only the first segment
    assert abs(int(middle.sum()) - width * 1.25) <= width * 0.5 + 2  # a slanted line crosses a column a bit wider


def test_round_caps_and_single_clicks():
    mask = render_mask([Stroke(((50, 50),), 20)], (100, 100))
    assert mask[50, 50] == 1 and mask[50, 59] == 1 and mask[50, 62] == 0
    assert abs(int(mask.sum()) - np.pi * 10**2) < 40


def test_eraser_clears_in_order():
    ink = Stroke(((10, 50), (90, 50)), 10)
    eraser = Stroke(((50, 0), (50, 100)), 20, erase=True)
    mask = render_mask([ink, eraser], (100, 100))
    assert mask[50, 20] == 1 and mask[50, 50] == 0
    assert render_mask([eraser, ink], (100, 100))[50, 50] == 1


def test_scale_and_validation():
    mask = render_mask([Stroke(((100, 100), (200, 100)), 10)], (150, 150), scale=0.5)
    assert mask[50, 75] == 1 and mask.shape == (150, 150)
    with pytest.raises(ValueError, match="size"):
        render_mask([], (0, 10))
