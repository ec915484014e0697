import numpy as np
import pytest

from digitpad.drawing import Stroke
from digitpad.grouping import PROPOSAL, GroupingSettings, group_strokes


def ink(*points, width=24.0):
    return Stroke(tuple(points), width)


def eraser(*points, width=60.0):
    return Stroke(tuple(points), width, erase=True)


def ellipse(centre_x, centre_y, radius_x, radius_y):
    angles = np.linspace(0, 2 * np.pi, 40)
    return ink(*zip(centre_x + radius_x * np.cos(angles), centre_y + radius_y * np.sin(angles), strict=True))


def shifted(stroke, dx):
    return Stroke(tuple((x + dx, y) for x, y in stroke.points), stroke.width, stroke.erase)


def one(x):
    return ink((x, 150), (x - 5, 420))


SEVEN = ink((100, 150), (220, 150), (150, 420))  # without its bar
SEVEN_BAR = ink((120, 290), (200, 290))  # crosses the stem
ZERO, ZERO_SLASH = ellipse(160, 285, 60, 130), ink((90, 420), (230, 150))
FOUR_ANGLE, FOUR_STEM = ink((200, 150), (150, 320), (280, 320)), ink((250, 200), (250, 430))
SLANTED_FOUR = [ink((190, 140), (150, 260), (250, 300)), ink((330, 100), (220, 450))]  # stem starts beside it
FIVE_BODY = ink((160, 160), (150, 280), (230, 280), (250, 360), (200, 420), (140, 400))
FLOATING_FLAG, FLAG_OFF_TO_THE_RIGHT = ink((170, 130), (260, 125)), ink((240, 128), (330, 122))
TWO_AT_RIGHT = ink((300, 150), (400, 150), (400, 280), (300, 420), (420, 420))

CASES = {
    # name: (strokes in drawing order, groups left to right)
    "7 with its bar after the next digit": ([SEVEN, one(350), SEVEN_BAR], [[0, 2], [1]]),
    "0 with its slash after the next digit": ([ZERO, one(350), ZERO_SLASH], [[0, 2], [1]]),
    "4 in two strokes": ([FOUR_ANGLE, FOUR_STEM], [[0, 1]]),
    "4 whose stem starts beside it": (SLANTED_FOUR, [[0, 1]]),
    "4 with its stem drawn first": ([FOUR_STEM, FOUR_ANGLE], [[0, 1]]),
    "5 with a floating flag": ([FIVE_BODY, FLOATING_FLAG], [[0, 1]]),
    "5 whose flag floats off to the right": ([FIVE_BODY, FLAG_OFF_TO_THE_RIGHT], [[0, 1]]),
    "a tall stroke touching the digit before it": ([one(200), ink((205, 150), (300, 420))], [[0, 1]]),
    "11 as two strokes side by side": ([ink((200, 100), (200, 460)), ink((300, 100), (300, 460))], [[0], [1]]),
    "12 written right to left": ([TWO_AT_RIGHT, one(180)], [[1], [0]]),
    # 7 at the left, a 4 in two strokes in the middle, a 1 at the right; the 7's bar comes last
    "741 with the 7's bar after the whole number": (
        [SEVEN, shifted(FOUR_ANGLE, 130), shifted(FOUR_STEM, 130), one(480), SEVEN_BAR], [[0, 4], [1, 2], [3]]),
    "a stroke erased entirely": ([one(200), one(400), eraser((395, 100), (395, 470), width=80)], [[0]]),
    "ink drawn over an erased place": ([eraser((200, 100), (200, 470)), one(200)], [[1]]),
    "an underline erased all but under the first 1": (
        [one(200), one(400), ink((180, 500), (420, 500)), eraser((250, 500), (460, 500), width=50)], [[0, 2], [1]]),
    "the same underline, not erased, lies within neither": (
        [one(200), one(400), ink((180, 500), (420, 500))], [[0], [2], [1]]),
    "nothing": ([], []),
    "only erasers": ([eraser((100, 100), (300, 300))], []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_strokes_are_grouped_into_digits(name):
    strokes, groups = CASES[name]
    assert group_strokes(strokes) == groups


@pytest.mark.parametrize("name", ["7 with its bar after the next digit", "0 with its slash after the next digit"])
def test_a_late_stroke_needs_to_lie_within_the_digit(name):
    strokes, _ = CASES[name]
    far_away = shifted(strokes[2], 330)  # now over the 1's right, beyond it
    assert group_strokes([*strokes[:2], far_away]) == [[0], [1], [2]]


def test_a_tall_stroke_beside_a_digit_starts_the_next_one_even_when_close():
    strokes = [FIVE_BODY, ink((290, 150), (290, 420))]  # a 1 a few pixels right of the 5
    assert group_strokes(strokes) == [[0], [1]]


def test_parts_join_only_when_close():
    strokes = [FIVE_BODY, FLOATING_FLAG]
    assert group_strokes(strokes, GroupingSettings(part_gap=0.0, continue_gap=0.0, within_columns=1.1,
                                                        touching_columns=1.1)) == [
        [0], [1]]


def test_too_many_strokes_are_one_group():
    strokes = [one(20 + 10 * index) for index in range(6)]
    assert group_strokes(strokes, GroupingSettings(max_strokes=5)) == [list(range(6))]


def test_only_strokes_are_accepted():
    with pytest.raises(TypeError, match="Stroke"):
        group_strokes([((0, 0), (1, 1))])


def test_strokes_far_off_the_canvas_cost_no_more():
    far = [ink((1e9, 1e9), (1e9 + 10, 1e9 + 300)), ink((-1e9, -1e9), (-1e9, -1e9 + 300))]
    assert sorted(map(sorted, group_strokes([*far, eraser((0, 0), (1e9, 1e9))]))) == [[0], [1]]


@pytest.mark.parametrize("split_touching, groups", [(True, [[0], [1]]), (False, [[0, 1]])])
def test_a_digit_written_touching_the_one_before_starts_a_new_piece(split_touching, groups):
    # a 0, then another whose ink touches it: as tall as a digit, standing beside it
    strokes = [ellipse(160, 285, 60, 130), ellipse(290, 285, 60, 130)]
    assert group_strokes(strokes, GroupingSettings(split_touching=split_touching)) == groups


@pytest.mark.parametrize("strokes, groups", [
    ([ellipse(160, 285, 60, 130), ellipse(290, 285, 60, 130)], [[0], [1]]),  # two 0s touching
    ([SEVEN, one(350), SEVEN_BAR], [[0, 2], [1]]),  # a stroke over a digit still goes with it
    ([FOUR_ANGLE, FOUR_STEM], [[0, 1]]),
])
def test_the_pieces_joining_by_reading_starts_from_are_finer(strokes, groups):
    assert group_strokes(strokes, PROPOSAL) == groups


@pytest.mark.parametrize("name, stroke", [
    ("the first stroke of a 4, under half as tall, touching the 0 before it", ink((235, 200), (225, 300), (300, 300))),
    ("a 1 over a third of whose columns the 0 before it reaches", ink((240, 150), (234, 420))),
])
def test_a_stroke_standing_beside_the_digit_it_touches_starts_a_piece(name, stroke):
    strokes = [ellipse(160, 285, 60, 130), stroke]
    assert group_strokes(strokes, PROPOSAL) == [[0], [1]]
    assert group_strokes(strokes) == [[0, 1]]  # the hand-set rules keep touching ink together
