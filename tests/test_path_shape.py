"""How a pen path turns (digitpad/path_shape.py): corners, curves, lifts, closure."""

import numpy as np
import pytest

from digitpad.drawing import Stroke
from digitpad.path_shape import NAMES, path_shapes
from digitpad.stroke_features import strokes_to_sequence


def shapes_of(*paths):
    strokes = [Stroke(tuple(map(tuple, np.round(np.asarray(path, float)))), 24.0) for path in paths]
    return dict(zip(NAMES, path_shapes(strokes_to_sequence(strokes)[None])[0], strict=True))


def circle(points=80, radius=150):
    angles = np.linspace(0, 2 * np.pi, points)
    return np.column_stack([280 + radius * np.cos(angles), 280 + radius * np.sin(angles)])


def polyline(*corners, steps=20):
    corners = np.asarray(corners, float)
    sides = [np.linspace(a, b, steps, endpoint=False) for a, b in zip(corners[:-1], corners[1:], strict=True)]
    return np.vstack(sides + [corners[-1:]])


SQUARE = polyline((130, 130), (430, 130), (430, 430), (130, 430), (130, 130))
SHARP = [name for name in NAMES if name.startswith("turn3_") and float(name.split("_")[1].split("-")[0]) >= 45]
GENTLE = [name for name in NAMES if name.startswith("turn1_") and float(name.split("_")[1].split("-")[1]) <= 25]


def test_a_square_turns_at_corners_and_a_circle_all_along():
    square, round_ = shapes_of(SQUARE), shapes_of(circle())
    assert sum(square[name] for name in SHARP) > 0.1 > sum(round_[name] for name in SHARP)
    assert square["turn3_0-5"] > 0.6 and round_["turn3_0-5"] < 0.1  # straight sides; a curve bends all along
    assert sum(round_[name] for name in GENTLE) > 0.9
    assert square["closed"] < 0.05 and round_["closed"] < 0.05 and square["lifts"] == round_["lifts"] == 0


BAR, STEM = ((100, 280), (460, 280)), ((280, 100), (280, 460))
THREE_BARS = (((100, 200), (460, 200)), ((100, 300), (460, 300)), ((100, 400), (460, 400)))


@pytest.mark.parametrize("paths, lifts", [((BAR,), 0), ((BAR, STEM), 1), (THREE_BARS, 2)])
def test_lifts_closure_and_box(paths, lifts):
    measured = shapes_of(*paths)
    assert measured["lifts"] == pytest.approx(lifts / 4)
    assert max(measured["width"], measured["height"]) == pytest.approx(1.0, abs=0.05)
    assert sum(value for name, value in measured.items() if name.startswith("turn1_")) == pytest.approx(1.0)


def test_a_turn_across_a_pen_lift_is_not_a_corner():
    # two parallel strokes drawn the same way: the jump between them turns, the ink does not
    measured = shapes_of(((100, 200), (460, 200)), ((100, 400), (460, 400)))
    assert sum(measured[name] for name in SHARP) == 0


@pytest.mark.parametrize("shape", [(64, 5), (2, 64, 4), (2, 4, 5)])
def test_wrong_shapes_say_so(shape):
    with pytest.raises(ValueError, match="pen paths"):
        path_shapes(np.zeros(shape, np.float32))
