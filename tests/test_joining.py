import numpy as np
import pytest

from digitpad import joining
from digitpad.join_prior import FEATURE_NAMES
from digitpad.preprocess import DigitInk
from digitpad.settings import RecognitionSettings

SETTINGS = RecognitionSettings()
EVEN = np.zeros(len(FEATURE_NAMES) + 1)  # a prior of even odds for every pair


def piece(left, width=40, top=0, height=100):
    return DigitInk(np.ones((height, width), np.uint8), (left, top, left + width, top + height))


def plan(pieces, gaps, log_join=None):
    count = len(pieces)
    log_join = np.log(0.5) * np.ones(count - 1) if log_join is None else np.asarray(log_join, float)
    runs = [(first, end) for first in range(count - 1) for end in range(first + 2, min(count, first + 3) + 1)]
    return joining.JoinPlan(runs, [piece(0)] * len(runs), [()] * len(runs), log_join,
                            np.log1p(-np.exp(log_join)), list(gaps))


@pytest.mark.parametrize("joined, expected", [(np.log(0.99), [(0, 2)]), (np.log(0.2), [(0, 1), (1, 2)])])
def test_the_likelier_reading_wins_at_even_odds(joined, expected):
    pieces = [piece(0, 80, 0, 60), piece(85, 20)]  # an "L" read unsurely and a stem beside it
    chosen = joining.choose_runs(plan(pieces, [0.05]), pieces, [np.log(0.5), 0.0], [joined], [0.0], SETTINGS)
    assert chosen == expected


@pytest.mark.parametrize("log_join, expected", [(np.log(0.999), [(0, 2)]), (np.log(0.001), [(0, 1), (1, 2)])])
def test_the_prior_decides_between_equal_readings(log_join, expected):
    pieces = [piece(0, 80, 0, 60), piece(85, 20)]
    chosen = joining.choose_runs(plan(pieces, [0.05], [log_join]), pieces, [np.log(0.9), 0.0], [np.log(0.9)],
                                 [0.0], SETTINGS)
    assert chosen == expected


@pytest.mark.parametrize("gap, share, expected", [(0.05, 0.0, [(0, 1), (1, 2)]), (-0.3, 0.0, [(0, 2)]),
                                                  (0.05, 1.0, [(0, 2)])])
def test_two_sure_pieces_of_a_size_join_only_overlapping_or_when_taught(gap, share, expected):
    pieces = [piece(0), piece(45)]
    chosen = joining.choose_runs(plan(pieces, [gap], [np.log(0.999)]), pieces, [0.0, 0.0], [0.0], [share], SETTINGS)
    assert chosen == expected


@pytest.mark.parametrize("first_alone, expected", [(np.log(0.3), [(0, 2)]), (0.0, [(0, 1), (1, 2)])])
def test_a_taught_join_across_a_digit_gap_needs_a_piece_that_is_no_sure_digit(first_alone, expected):
    """An "L" with its stem as far off as the next digit, taught as a 4, joins again; a sure 6
    and the 1 beside it do not, however much the taught 4 decides their joined ink."""
    pieces = [piece(0, 80), piece(120, 20)]
    gap = SETTINGS.max_join_gap + 0.1
    chosen = joining.choose_runs(plan(pieces, [gap], [np.log(0.001)]), pieces, [first_alone, 0.0], [0.0], [1.0],
                                 SETTINGS)
    assert chosen == expected


def test_runs_cover_every_piece_once_in_order():
    pieces = [piece(0), piece(50, 20), piece(75), piece(300)]
    built = plan(pieces, [0.1, 0.05, 2.0])
    rng = np.random.default_rng(0)
    singles, joined = np.log(rng.uniform(0.3, 1, 4)), np.log(rng.uniform(0.3, 1, len(built.runs)))
    chosen = joining.choose_runs(built, pieces, singles, joined, np.zeros(len(built.runs)), SETTINGS)
    assert [index for first, end in chosen for index in range(first, end)] == [0, 1, 2, 3]


@pytest.mark.parametrize("second_left, runs", [(45, [(0, 2)]), (200, None)])
def test_only_close_neighbours_are_read_joined(second_left, runs):
    pieces = [piece(0, 80, 0, 60), piece(second_left, 20)]
    built = joining.plan_joins(pieces, [(0,), (1,)], SETTINGS, EVEN, learned_joins=False)
    assert (built.runs if built else None) == runs


@pytest.mark.parametrize("second_left, learned, runs", [(100, False, None), (100, True, [(0, 2)]),
                                                        (200, True, None)])
def test_a_taught_join_reads_neighbours_joined_further_apart(second_left, learned, runs):
    """Gap 40 / 100 = 0.4 of the height: past max_join_gap, within learned_join_gap."""
    pieces = [piece(0, 60), piece(second_left, 20)]
    built = joining.plan_joins(pieces, [(0,), (1,)], SETTINGS, EVEN, learned_joins=learned)
    assert (built.runs if built else None) == runs


def test_the_prior_weighs_whole_parts_a_floating_flag_does_not_join_the_next_digit():
    # a prior that joins a much shorter piece to its neighbour and keeps pieces of one height apart
    prior = np.zeros(len(FEATURE_NAMES) + 1)
    prior[FEATURE_NAMES.index("height_ratio")], prior[-1] = -10.0, -3.0
    pieces = [piece(0, 60), piece(62, 30, 0, 30), piece(95, 60)]  # a 5's body, its flag, a 9
    built = joining.plan_joins(pieces, [(0,), (1,), (2,)], SETTINGS, prior, learned_joins=False)
    joined = {(0, 2): np.log(0.99), (1, 3): np.log(0.9), (0, 3): np.log(0.95)}  # readers overconfident
    singles = [np.log(0.5), np.log(0.01), 0.0]  # the body unsure, the flag no digit alone, a sure 9
    chosen = joining.choose_runs(built, pieces, singles, [joined[run] for run in built.runs],
                                 np.zeros(len(built.runs)), SETTINGS)
    assert sorted(built.runs) == [(0, 2), (0, 3), (1, 3)]
    assert chosen == [(0, 2), (2, 3)]


@pytest.mark.parametrize("chance, odds, expected", [(0.0, 0.0, [(0, 1), (1, 2)]),  # the reader has no say
                                                    (0.9999, 0.0, [(0, 2)]),  # the "L" is no digit alone
                                                    (0.9999, -4.6, [(0, 2)]),
                                                    (0.9, -4.6, [(0, 1), (1, 2)])])  # the reader unsure
def test_ink_that_is_no_digit_alone_joins_its_neighbour(chance, odds, expected):
    pieces = [piece(0, 80, 0, 60), piece(95, 20)]  # an open 4's "L" read unsurely, its stem apart from it
    built = plan(pieces, [0.15], [np.log(0.03)])  # the geometry says two digits
    single = np.add([np.log(0.6), 0.0], joining.log_a_digit([chance, 0.0], 1.0, odds))
    assert joining.choose_runs(built, pieces, single, [0.0], [0.0], SETTINGS) == expected


@pytest.mark.parametrize("chance, weight, expected", [(0.0, 1.0, 0.0), (0.5, 1.0, np.log(0.5)),
                                                      (0.5, 2.0, 2 * np.log(0.5)), (0.9, 0.0, 0.0),
                                                      (1.0, 1.0, np.log(joining.NOT_DIGIT_FLOOR))])
def test_log_a_digit_is_the_weighted_log_of_being_a_digit(chance, weight, expected):
    assert joining.log_a_digit([chance], weight) == pytest.approx([expected])


def test_shifted_odds_make_the_reader_less_sure():
    # log odds 0 shifted by log 1/4: q = 0.2
    assert joining.log_a_digit([0.5], 1.0, np.log(0.25)) == pytest.approx([np.log(0.8)])


@pytest.mark.parametrize("second_left, limit, expected", [
    (45, 0.05, [False, False]),  # apart
    (40, 0.05, [False, False]),  # touching
    (36, 0.05, [False, False]),  # reaching in by 0.04 of the height
    (34, 0.05, [True, True]),  # by 0.06
    (10, float("inf"), [False, False]),  # never
])
def test_neighbours_reaching_into_each_other_by_more_than_the_limit_are_flagged(second_left, limit, expected):
    assert joining.overlapping([piece(0), piece(second_left)], limit) == expected


def test_only_the_overlapping_pair_is_flagged():
    pieces = [piece(0), piece(60), piece(90), piece(200)]  # the second and third overlap by 0.1
    assert joining.overlapping(pieces, 0.05) == [False, True, True, False]


def leaning(left, top, rows, step):
    """A piece of a 2 px wide stroke, one row after another, `step` px further right each row."""
    mask = np.zeros((rows, step * rows + 2), np.uint8)
    for row in range(rows):
        mask[row, step * row : step * row + 2] = 1
    return DigitInk(mask, (left, top, left + mask.shape[1], top + rows))


def test_boxes_overlapping_with_a_gap_on_every_row_are_not_flagged():
    first = leaning(0, 0, 100, 1)  # leaning right, from column 0 at the top to 100 at the bottom
    second = leaning(30, 0, 100, 1)  # the same shape 30 px further right: the boxes overlap by 0.7
    assert joining.overlapping([first, second], 0.05) == [False, False]


def test_pieces_without_a_row_in_common_are_not_flagged():
    above, below = piece(0, 100, 0, 40), piece(20, 100, 60, 40)  # columns overlap, rows do not
    assert joining.overlapping([above, below], 0.05) == [False, False]


def test_row_extents_are_in_canvas_pixels():
    mask = np.zeros((3, 5), np.uint8)
    mask[0, 1:3] = mask[2, 4] = 1
    assert joining.row_extents(DigitInk(mask, (10, 20, 15, 23))) == {20: (11, 13), 22: (14, 15)}


@pytest.mark.parametrize("gap_rows, near, flagged", [(20, 0.05, False), (4, 0.05, True), (4, 0.0, False)])
def test_pieces_whose_boxes_overlap_and_ink_nearly_touches_are_flagged(gap_rows, near, flagged):
    above, below = piece(0, 100, 0, 100), piece(20, 100, 100 + gap_rows, 100)  # columns overlap by 0.8
    assert joining.overlapping([above, below], 0.05, near) == [flagged, flagged]


def test_ink_gap_is_the_shortest_distance_between_the_inks():
    assert joining.ink_gap(piece(0, 10, 0, 10), piece(30, 10, 0, 10)) == pytest.approx(21, abs=0.5)
    assert joining.ink_gap(piece(0, 10), piece(5, 10)) == 0.0


def line(start, end, width=24.0):
    from digitpad.drawing import Stroke

    return Stroke((tuple(map(float, start)), tuple(map(float, end))), width)


@pytest.mark.parametrize("second_start, expected", [((100, 0), True),  # a V: its two strokes meet below
                                                    ((103, 5), True),  # within a quarter of the brush
                                                    ((140, 0), False)])  # two 1s a brush width apart
def test_pen_paths_that_meet_are_flagged(second_start, expected):
    first = [line((0, 0), (50, 200))]
    second = [line((50 + second_start[0] - 100, 200 + second_start[1]), (100 + second_start[0] - 100, 0))]
    assert joining.paths_meeting([first, second], 0.25) == [expected, expected]


def test_pen_paths_crossing_between_their_points_meet():
    """Two strokes of two points each that cross in their middles, far from every point drawn."""
    assert joining.paths_meeting([[line((0, 0), (100, 100))], [line((100, 0), (0, 100))]], 0.25) == [True, True]


def test_only_neighbours_whose_paths_meet_are_flagged_and_unknown_paths_never():
    groups = [[line((0, 0), (0, 100))], [line((100, 0), (100, 100))], [line((100, 100), (150, 0))], []]
    assert joining.paths_meeting(groups, 0.25) == [False, True, True, False]
    assert joining.paths_meeting(groups, 0.0) == [False] * 4
