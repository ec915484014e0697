"""The generated non-digits (training/nondigits.py) and what the not-a-digit reader trains on."""

import numpy as np
import pytest

from digitpad.drawing import Stroke
from tests.conftest import PEN_DIGITS
from training import nondigit_data, nondigits

DIGIT_LIKE = set("0123456789OolIiSsZzBbgqDdG|!?()[]{}")


@pytest.mark.parametrize("fold", range(nondigits.GROUPS))
def test_a_fold_reader_learns_every_family_but_its_groups(fold):
    held_out = {family.name for family in nondigits.held_out_families(fold)}
    learned = {family.name for family in nondigits.training_families(fold)}
    assert held_out and not held_out & learned and held_out | learned == set(nondigits.GENERATORS)
    # every kind the bars are on is scored on every fold
    assert {family.kind for family in nondigits.held_out_families(fold)} >= {"letters", "symbols"}


def test_the_shipped_reader_learns_every_family_and_every_family_is_held_out_once():
    assert nondigits.training_families(None) == nondigits.FAMILIES
    grouped = [family.name for fold in range(nondigits.GROUPS) for family in nondigits.held_out_families(fold)]
    assert sorted(grouped) == sorted(family.name for family in nondigits.FAMILIES if family.group is not None)
    # the sums' operators, the random glyphs and the random outlines are learned by every reader
    assert {family.name for family in nondigits.FAMILIES if family.group is None} == {
        "shapes/plus", "shapes/dash", "shapes/equals", "shapes/cross", *nondigits.RANDOM_FAMILIES}


@pytest.mark.parametrize("twins", [("shapes/box", "shapes/turned_box"), ("shapes/star", "shapes/turned_star"),
                                   ("letters/timesr", "signs/timesi"), ("letters/scripts", "signs/scriptc"),
                                   ("signs/mathlow", "signs/mathupp")])
def test_twins_of_one_design_share_a_group(twins):
    assert len({nondigits.family(name).group for name in twins}) == 1


def test_no_family_fold_beyond_the_groups():
    from training.folds import FOLDS

    # a family group beside each writer fold, every one of them used
    assert {family.group for family in nondigits.FAMILIES} - {None} == set(range(len(FOLDS)))
    with pytest.raises(ValueError, match="no family fold 3"):
        nondigits.held_out_families(3)


@pytest.mark.parametrize("font", sorted(nondigits.GLYPH_SETS))
def test_every_chosen_glyph_is_drawn_by_its_font(font):
    kind, characters = nondigits.GLYPH_SETS[font]
    assert kind in ("letters", "symbols") and len(set(characters)) == len(characters)
    assert len(nondigits.font_glyphs(font, characters)) == len(characters)


def test_a_shape_is_drawn_either_way_round():
    def clockwise(path):  # y down: the shoelace sum is positive for a clockwise path on screen
        x, y = path[:, 0], path[:, 1]
        return float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])) > 0

    rng = np.random.default_rng(0)
    turns = {clockwise(nondigits.draw_paths("shapes/diamond", rng)[0]) for _ in range(20)}
    assert turns == {True, False}


def test_no_glyph_a_person_reads_as_a_digit():
    assert not DIGIT_LIKE & set(nondigits.LETTERS + nondigits.FONT_SIGNS)
    assert "A" not in nondigits.MARKERS  # the markers font's circle: a 0


@pytest.mark.parametrize("name", sorted(nondigits.GENERATORS))
def test_every_family_draws_strokes_on_the_canvas(name):
    rng = np.random.default_rng(0)
    for _ in range(3):
        paths = nondigits.draw_paths(name, rng)
        assert paths and all(path.ndim == 2 and path.shape[1] == 2 and len(path) >= 2 for path in paths)
        assert all(np.isfinite(path).all() for path in paths)
        strokes = nondigits.mouse_drawing(paths, rng, 560, name)
        assert all(isinstance(stroke, Stroke) and stroke.width == 24.0 for stroke in strokes)
        points = np.concatenate([np.asarray(stroke.points) for stroke in strokes])
        assert points.min() >= -2 and points.max() <= 562  # on the canvas (a pixel of mouse jitter)


def test_unknown_family_is_named():
    with pytest.raises(ValueError, match="no non-digit family 'shapes/circle'"):
        nondigits.draw_paths("shapes/circle", np.random.default_rng(0))


def test_training_drawings_leave_the_folds_families_out(monkeypatch):
    asked = []
    drawn = nondigits.drawings

    def recording(names, count, seed, canvas_size=560):
        asked.extend(names)
        return drawn(names, count, seed, canvas_size)

    monkeypatch.setattr(nondigits, "drawings", recording)
    mnist = np.zeros((50, 28, 28), np.uint8)
    drawings = nondigit_data.training_drawings(PEN_DIGITS, mnist, np.zeros(50, np.int64), hold_out_fold=1,
                                               nondigit_count=40, mnist_count=10, pen_limit=20, glyph_count=5,
                                               outline_count=3)
    assert set(asked) == {family.name for family in nondigits.training_families(1)}
    assert not set(asked) & {family.name for family in nondigits.held_out_families(1)}
    assert set(drawings.family[drawings.not_digit]) <= set(asked)
    assert drawings.images.shape == (10 + 20 + 40 + 5 + 3, 28, 28) and drawings.sequences.shape[1:] == (64, 5)
    assert drawings.not_digit.sum() == 48 and not drawings.has_strokes[:10].any() and drawings.has_strokes[10:].all()
    assert np.sum(drawings.family == nondigits.GLYPHS) == 5  # drawn apart, not in the round robin
    assert np.sum(drawings.family == nondigits.OUTLINES) == 3


def _ellipse(width, height, corners=0):
    t = np.linspace(0, 2 * np.pi, 60, endpoint=False)
    return np.column_stack([width * np.cos(t), height * np.sin(t)])


@pytest.mark.parametrize(("name", "path", "no_zero"), [
    ("circle", _ellipse(1, 1), False),
    ("upright oval", _ellipse(0.6, 1), False),
    ("octagon", _ellipse(1, 1)[::-1][::-1][::60 // 8], False),
    ("sliver", _ellipse(1, 0.2), False),
    ("square", np.array([(0, 0), (1, 0), (1, 1), (0, 1)], float), True),
    ("triangle", np.array([(0, 0), (1, 0), (0.5, 0.9)], float), True),
    ("cloud", _ellipse(1, 1) * (1 + 0.35 * np.abs(np.sin(3 * np.linspace(0, 2 * np.pi, 60, endpoint=False))))[:, None],
     True),
])
def test_an_outline_a_person_takes_for_a_zero_is_not_drawn(name, path, no_zero):
    assert nondigits.outline_is_no_zero(path) is no_zero, name


@pytest.mark.parametrize("seed", range(10))
def test_a_random_outline_is_closed_and_no_zero(seed):
    (path,) = nondigits.outline(np.random.default_rng(seed))
    assert np.allclose(path[0], path[-1]) and nondigits.outline_is_no_zero(path)


@pytest.mark.parametrize("seed", range(20))
def test_a_random_glyph_is_never_a_lone_line_or_arc(seed):
    paths = nondigits.glyph(np.random.default_rng(seed))
    assert len(paths) >= 2 or len(paths[0]) >= 1 + 3 * nondigits.GLYPH_PIECE_POINTS  # two strokes, or three pieces


def test_pieces_of_digits_are_shorter_than_the_digit(pen_digit_set):
    digit = pen_digit_set[0]
    piece = nondigits.cut_piece(digit, np.random.default_rng(0))

    def length(strokes):
        return sum(np.linalg.norm(np.diff(stroke, axis=0), axis=1).sum() for stroke in strokes)

    assert piece and 0 < length(piece) < 0.75 * length(digit.strokes)


def test_a_sum_puts_the_operator_between_the_digits(pen_digit_set):
    three, four = pen_digit_set[:2]
    rng = np.random.default_rng(0)
    plus = nondigits.plus(rng)
    strokes = nondigits.compose_sum([three], plus, [four], rng, 560)
    assert len(strokes) == len(three.strokes) + len(plus) + len(four.strokes)
    middle = [np.asarray(stroke.points) for stroke in strokes[len(three.strokes) : -len(four.strokes)]]
    left, right = np.asarray(strokes[0].points), np.asarray(strokes[-1].points)
    assert left[:, 0].max() < min(path[:, 0].min() for path in middle)
    assert max(path[:, 0].max() for path in middle) < right[:, 0].min()
