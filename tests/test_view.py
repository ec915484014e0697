import itertools
import types

import numpy as np
import pygame
import pytest

from digitpad import view
from digitpad.layout import Layout
from digitpad.recognition import EMPTY, DigitResult, Result
from digitpad.settings import WindowSettings

SIZES = [WindowSettings().initial_size, WindowSettings().min_size]
LONG_PATH = "/tmp/" + "/".join(f"folder{index:02d}" for index in range(24)) + "/missing.tflite"


@pytest.fixture(scope="module")
def fonts():
    pygame.font.init()
    return view.Fonts()


def panel_rect(size):
    return Layout.for_window(*size, WindowSettings().panel_width).panel


def digit(value, confidence=0.99, doubt=""):
    probabilities = np.full(10, (1 - confidence) / 9)
    probabilities[value] = confidence
    return DigitResult(value, confidence, tuple(probabilities), np.zeros((28, 28), np.float32), not doubt, doubt)


def state(result=EMPTY, model_state=view.READY, notice="", message="", selected=0, adaptation="", typed=None):
    return types.SimpleNamespace(result=result, model_state=model_state, selected=selected, brush=24.0,
                                 erasing=False, model_notice=notice, model_notice_is_error=bool(notice),
                                 message=message, message_is_error=False, adaptation_status=adaptation,
                                 correction_typed=typed)


def texts(lines):
    return [line.text for line in lines]


def placed_rects(plan):
    """Everything the plan draws, as rects (a model input with its 2-pixel frame)."""
    rects = [placed.rect for placed in plan.texts]
    for bar in plan.bars:
        rects += [bar.label.rect, bar.value.rect, bar.track]
    return rects + [square.inflate(4, 4) for square in plan.thumbnails]


def assert_laid_out(plan, rect):
    """Everything inside the panel and nothing on top of anything else."""
    rects = placed_rects(plan)
    assert all(rect.contains(placed) for placed in rects)
    overlapping = [(a, b) for a, b in itertools.combinations(rects, 2) if a.colliderect(b)]
    assert overlapping == []


# ----------------------------------------------------------------------------- wrapping
@pytest.mark.parametrize("width", [120, 169, 308])
def test_wrap_keeps_every_character_within_the_width(fonts, width):
    font = fonts.get(13)
    message = f"model file not found: {LONG_PATH}; using the bundled model."
    lines = view.wrap(message, font, width)
    assert all(font.size(line)[0] <= width for line in lines)
    assert "".join(lines).replace(" ", "") == message.replace(" ", "")


def test_long_paths_break_after_a_separator(fonts):
    font = fonts.get(13)
    for separator in "/\\":
        path = separator.join(["C:" if separator == "\\" else "", *[f"folder{index}" for index in range(20)], "x"])
        lines = view.wrap(path, font, 150)
        assert len(lines) > 1 and all(line.endswith(separator) for line in lines[:-1])


def test_file_names_break_after_a_dash(fonts):
    font = fonts.get(13)
    lines = view.wrap("drawing-20261125-170252-509229.png", font, font.size("drawing-20261125-17025")[0])
    assert lines == ["drawing-20261125-", "170252-509229.png"]


def test_a_word_without_separators_breaks_anywhere(fonts):
    font = fonts.get(13)
    word = "digitpad" * 20
    lines = view.wrap(word, font, 100)
    assert "".join(lines) == word and all(0 < font.size(line)[0] <= 100 for line in lines)


def test_fit_font_shrinks_to_the_width(fonts):
    for text in ("7", "11111111", "111111111111"):
        font = view.fit_font(fonts, text, 80, True, 169)
        assert font.size(text)[0] <= 169
    assert view.fit_font(fonts, "7", 80, True, 169) is fonts.get(80, True)  # a short number keeps its size


@pytest.mark.parametrize("count, width, height", [(1, 308, 200), (8, 308, 120), (12, 169, 60), (12, 169, 200)])
def test_thumbnail_grid_fits_every_input(count, width, height):
    columns, side = view.thumbnail_grid(count, width, height, 56, 6)
    rows = -(-count // columns)
    assert side > 0 and columns * side + (columns - 1) * 6 <= width and rows * side + (rows - 1) * 6 <= height


# ----------------------------------------------------------------------------- what the panel says
def test_panel_lines_per_model_state():
    assert texts(view.panel_lines(state(model_state=view.LOADING)))[-1] == "loading…"
    failed = texts(view.panel_lines(state(model_state=view.FAILED, notice="model file not found: x. Reinstall.")))
    assert "cannot recognise" in failed and "loading…" not in failed
    assert "model file not found: x. Reinstall." in failed
    assert "Draw a digit" in texts(view.panel_lines(state()))


def test_sure_number_and_unsure_reasons():
    sure = texts(view.panel_lines(state(Result((digit(4), digit(2))))))
    assert sure[1:3] == ["42", "98% sure"] and "digit 1 of 2  (Tab: next)" in sure
    unsure = texts(view.panel_lines(state(Result((digit(4), digit(2, 0.6, "low confidence (60%)"))), selected=1)))
    assert unsure[1:4] == ["not sure", "best guess: 42  (59%)", "digit 2: low confidence (60%)"]
    dot = texts(view.panel_lines(state(Result((digit(0, 0.91, "just a dot"),)))))
    assert dot[1:4] == ["not sure", "closest digit: 0", "just a dot"]  # 91 % of a dot says nothing


@pytest.mark.parametrize("doubt, hinted", [("solid patch, not strokes", True), ("too much ink", True),
                                           ("just a dot", False), ("low confidence (60%)", False)])
def test_ink_too_thick_for_its_size_says_how_to_mend_it(doubt, hinted):
    lines = texts(view.panel_lines(state(Result((digit(9), digit(0, 0.6, doubt))))))
    assert ("write larger, or with a thinner brush ( [ )" in lines) == hinted


@pytest.mark.parametrize("first, second, hinted", [
    ("overlaps the digit beside it", "overlaps the digit beside it", True),
    ("not a digit", "not a digit", False),
    ("not a digit", "overlaps the digit beside it", False),
])
def test_digits_overlapping_say_to_leave_a_gap(first, second, hinted):
    lines = texts(view.panel_lines(state(Result((digit(1, 0.99, first), digit(0, 0.99, second))))))
    assert f"digit 1: {first}" in lines
    assert ("leave a gap between digits" in lines) == hinted  # a hint for the reason shown only


@pytest.mark.parametrize("confidence, shown", [(0.6799, "67%"), (0.29, "29%"), (0.999, "99%")])
def test_one_probability_shows_as_one_percentage(confidence, shown):
    lines = texts(view.panel_lines(state(Result((digit(9, confidence, f"low confidence ({shown})"),)))))
    assert f"best guess: 9  ({shown})" in lines and f"low confidence ({shown})" in lines


@pytest.mark.parametrize("digits, guess, reason", [
    ((digit(4, 1.0, "not a digit"),), "closest digit: 4", "not a digit"),
    ((digit(3), digit(4, 0.99, "not a digit"), digit(4)), "closest digits: 344", "digit 2: not a digit"),
])
def test_ink_that_is_not_a_digit_gets_no_percentage(digits, guess, reason):
    lines = texts(view.panel_lines(state(Result(digits))))
    assert lines[1:4] == ["not sure", guess, reason] and not any("%" in line for line in lines[1:4])


def test_too_many_digits_is_said_so():
    result = Result(tuple(digit(1) for _ in range(12)), True, "too many digits: at most 12")
    lines = texts(view.panel_lines(state(result)))
    assert lines[1:3] == ["not sure", "too many digits: at most 12"]
    assert "digit 1 of the first 12  (Tab: next)" in lines
    assert not any("best guess" in line or "too much ink" in line for line in lines)


def test_messages_and_notices_all_show():
    lines = texts(view.panel_lines(state(notice="using your fine-tuned model", message="Saved x.png")))
    assert lines[1:3] == ["using your fine-tuned model", "Saved x.png"]


def test_adaptation_is_said_when_there_is_some():
    assert "adapted to your writing: 3 samples" in texts(view.panel_lines(
        state(NUMBERS[1], adaptation="adapted to your writing: 3 samples")))
    assert not any("adapted" in line for line in texts(view.panel_lines(state(NUMBERS[1]))))


# ----------------------------------------------------------------------------- where it goes
NUMBERS = {count: Result(tuple(digit(1) for _ in range(count))) for count in (1, 8, 12)}
UNSURE_LONG = Result(tuple(digit(7, 0.5, "low confidence (50%)") for _ in range(12)))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", [
    state(model_state=view.FAILED, notice=f"model file not found: {LONG_PATH}; the bundled model: model file "
                                           f"not found: {LONG_PATH}. Reinstall digitpad."),
    state(model_state=view.LOADING, notice=f"Using your fine-tuned model: {LONG_PATH}"),
    state(NUMBERS[1]), state(NUMBERS[8], selected=7), state(NUMBERS[12], selected=11, adaptation="adapted to your "
                                                                            "writing: 12 samples"),
    state(UNSURE_LONG, notice=f"model file not found: {LONG_PATH}; using the bundled model.",
          message=f"Already saved as drawing-20260101-120000-000000.png in {LONG_PATH}"),
], ids=["failed model", "loading", "one digit", "eight digits", "twelve digits", "unsure with messages"])
def test_everything_fits_the_panel(fonts, size, case):
    rect = panel_rect(size)
    plan = view.plan_panel(case, fonts, rect)
    assert_laid_out(plan, rect)
    count = len(case.result.digits) if case.model_state == view.READY else 0
    assert len(plan.thumbnails) == count
    if case.message and size == SIZES[1]:  # two long paths in the smallest panel: the bars give way
        assert not plan.fits and plan.bars == ()
    else:
        assert plan.fits and len(plan.bars) == (10 if count else 0)
    shown = plan.text().replace("\n", "").replace(" ", "")
    for line in view.panel_lines(case):  # every line shows whole
        assert line.text.replace(" ", "") in shown


@pytest.mark.parametrize("size", SIZES)
def test_the_number_is_drawn_large_when_there_is_room(fonts, size):
    rect = panel_rect(size)
    one = next(p for p in view.plan_panel(state(NUMBERS[1]), fonts, rect).texts if p.text == "1")
    twelve = next(p for p in view.plan_panel(state(NUMBERS[12]), fonts, rect).texts if p.text == "1" * 12)
    assert one.font.get_height() > twelve.font.get_height() and twelve.rect.width > rect.width * 0.6


def test_draw_panel_paints_only_inside_the_panel(fonts):
    screen = pygame.Surface(SIZES[1])
    screen.fill((1, 2, 3))
    rect = panel_rect(SIZES[1])
    view.draw_panel(screen, fonts, rect, state(NUMBERS[12]))
    pixels = pygame.surfarray.array3d(screen)
    outside = np.ones(pixels.shape[:2], bool)
    outside[rect.left : rect.right, rect.top : rect.bottom] = False
    assert (pixels[outside] == (1, 2, 3)).all()


@pytest.mark.parametrize("size, over_canvas", [(SIZES[0], True), (SIZES[1], False)])
def test_key_help_fits_without_overlapping(fonts, size, over_canvas):
    layout = Layout.for_window(*size, WindowSettings().panel_width)
    window = pygame.Rect((0, 0), size)
    area, placed = view.plan_help(fonts, layout.canvas, window)
    assert area == (layout.canvas if over_canvas else window)
    assert all(area.contains(text.rect) for text in placed)
    assert not any(a.rect.colliderect(b.rect) for a, b in itertools.combinations(placed, 2))
    assert min(text.font.get_height() for text in placed) >= 12
