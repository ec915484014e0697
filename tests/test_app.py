import json
import threading
import time

import numpy as np
import pygame
import pytest

import digitpad.storage
from digitpad import view
from digitpad.drawing import Stroke
from digitpad.settings import WindowSettings
from digitpad.status import folder_text
from tests.conftest import balanced_sample
from tests.replay import draw_strokes, key_event, settle, stroke_events
from training import pen_digits

CTRL = pygame.KMOD_LCTRL
SEVEN = [Stroke(((150, 130), (400, 130), (260, 460)), 24.0)]
ONE = [Stroke(((300, 100), (290, 460)), 24.0)]
DOT = [Stroke(((280, 280),), 24.0)]
SIZES = [WindowSettings().initial_size, WindowSettings().min_size]


def ones(count):
    """count upright 1s side by side across the canvas."""
    step = 520 / count
    middles = [20 + step * (index + 0.5) for index in range(count)]
    return [Stroke(((x, 150), (x - 5, 420)), 16.0) for x in middles]


def resize(app, size):
    pygame.display.set_mode(size, pygame.RESIZABLE)
    app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, w=size[0], h=size[1], size=size))


def pen_strokes(digit, condition="normal"):
    return pen_digits.to_strokes(digit, pen_digits.CONDITION_BY_NAME[condition], 560)


def test_starts_empty_with_hint(app):
    assert app.model_ready
    assert app.result.text == "" and app.result.digits == ()
    assert app.canvas_rect.size == (560, 560)


def test_draws_a_digit(app):
    draw_strokes(app, SEVEN)
    app.flush()
    assert app.result.text == "7"
    digit = app.result.digits[0]
    assert digit.digit == 7 and 0.5 < digit.confidence <= 1.0
    assert len(digit.probabilities) == 10 and sum(digit.probabilities) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("condition", [c.name for c in pen_digits.CONDITIONS])
def test_reads_real_pen_digits(app, pen_digit_set, condition):
    """Real handwriting replayed as mouse drags, 3 of each digit: nearly all read right."""
    right = 0
    sample = balanced_sample(pen_digit_set, 3, seed=1)
    for digit in sample:
        app.handle_event(key_event(pygame.K_DELETE))
        draw_strokes(app, pen_strokes(digit, condition))
        app.flush()
        right += app.result.text == str(digit.label)
    assert right >= len(sample) - 2


def test_reads_a_number(app, pen_digit_set):
    by_label = {d.label: d for d in pen_digit_set if len(d.strokes) == 1}
    strokes = []
    for position, label in enumerate([2, 0, 2, 6]):
        placed = pen_digits.place(by_label[label].strokes, 560, 0.3, (0.14 + position * 0.24, 0.5))
        strokes += [Stroke(tuple(map(tuple, s)), 16.0) for s in placed]
    draw_strokes(app, strokes)
    app.flush()
    assert app.result.text == "2026"
    assert len(app.result.digits) == 4


OPEN_FOUR = [Stroke(((290, 110), (190, 330), (325, 330)), 24.0), Stroke(((345, 180), (345, 470)), 24.0)]
FLOATING_FLAG_FIVE = [Stroke(((250, 130), (225, 290), (330, 290), (360, 380), (300, 460), (200, 440)), 24.0),
                      Stroke(((260, 120), (400, 110)), 24.0)]


@pytest.mark.parametrize("strokes, text", [
    (OPEN_FOUR, "4"),  # the stem does not touch the bar
    (FLOATING_FLAG_FIVE, "5"),
    # gap a fifth of the height: two digits
    ([Stroke(((200, 100), (200, 460)), 24.0), Stroke(((300, 100), (300, 460)), 24.0)], "11"),
])
def test_pieces_are_joined_only_when_they_nearly_touch(app, strokes, text):
    draw_strokes(app, strokes)
    app.flush()
    assert app.result.text == text


def test_recognises_while_a_stroke_is_still_being_drawn(app):
    """Mid-stroke, recognition runs once live_interval_seconds have passed, not on every motion."""
    events = stroke_events(SEVEN[0], app.canvas_rect.topleft)
    for event in events[:-1]:  # the button is still held
        app.handle_event(event)
    app.update()
    submitted, drawn = app.submitted_version, app.drawing.version
    x, y = events[-2].pos
    app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(x + 3, y + 3), rel=(3, 3), buttons=(1, 0, 0)))
    app.update()
    assert app.drawing.version != drawn and app.submitted_version == submitted  # too soon for another run
    time.sleep(app.settings.recognition.live_interval_seconds * 1.2)
    app.update()
    app.worker.flush()
    assert app.result.text == "7" and app.drawing.strokes == []  # read before the stroke ended


def test_undo_redo_clear(app):
    draw_strokes(app, ONE)
    draw_strokes(app, [Stroke(((420, 100), (420, 460)), 24.0)])
    app.flush()
    assert app.result.text == "11"
    app.handle_event(key_event(pygame.K_z, CTRL))
    app.flush()
    assert app.result.text == "1"
    app.handle_event(key_event(pygame.K_y, CTRL))
    app.flush()
    assert app.result.text == "11"
    app.handle_event(key_event(pygame.K_z, CTRL))
    app.handle_event(key_event(pygame.K_z, CTRL | pygame.KMOD_LSHIFT))
    app.flush()
    assert app.result.text == "11"
    app.handle_event(key_event(pygame.K_c))
    app.flush()
    assert app.result.text == ""
    app.handle_event(key_event(pygame.K_z, CTRL))
    app.flush()
    assert app.result.text == "11"


def test_right_button_erases(app):
    draw_strokes(app, ONE + [Stroke(((420, 100), (420, 460)), 24.0)])
    draw_strokes(app, [Stroke(((420, 60), (420, 500)), 60.0, erase=True)])
    app.flush()
    assert app.result.text == "1"


def random_tangle(seed, count=60):
    return [tuple(map(tuple, np.random.default_rng(seed).uniform(60, 500, size=(count, 2))))]


SCRIBBLES = {
    "tangle": random_tangle(3),
    "thin tangle": random_tangle(4),
    "net": [((100, 100 + 40 * i), (460, 100 + 40 * i)) for i in range(10)]
    + [((100 + 40 * i, 100), (100 + 40 * i, 460)) for i in range(10)],
    "zigzag": [tuple((100 + 30 * (i % 2) + 12 * i, 100 + 360 * (i % 2)) for i in range(30))],
}


@pytest.mark.parametrize("name, brush", [("tangle", 24.0), ("thin tangle", 8.0), ("net", 12.0), ("zigzag", 40.0)])
def test_scribble_is_not_sure(app, name, brush):
    draw_strokes(app, [Stroke(points, brush) for points in SCRIBBLES[name]])
    app.flush()
    assert app.result.digits and not app.result.sure


def test_brush_keys_and_wheel(app):
    start = app.brush
    app.handle_event(key_event(pygame.K_RIGHTBRACKET))
    assert app.brush == start + app.settings.canvas.brush_step
    app.handle_event(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-2, flipped=False, precise_x=0.0, precise_y=-2.0))
    assert app.brush == start - app.settings.canvas.brush_step
    for _ in range(40):
        app.handle_event(key_event(pygame.K_LEFTBRACKET))
    assert app.brush == app.settings.canvas.min_brush


def test_escape_and_close_quit(app):
    app.handle_event(key_event(pygame.K_ESCAPE))
    assert not app.running
    app.running = True
    app.handle_event(pygame.event.Event(pygame.QUIT))
    assert not app.running


@pytest.mark.parametrize("answer, quits", [("close", True), (pygame.K_y, True), (pygame.K_n, False)])
def test_closing_the_window_asks_before_it_throws_a_drawing_away(app, answer, quits):
    draw_strokes(app, SEVEN)
    app.handle_event(pygame.event.Event(pygame.QUIT))
    assert app.running and app.message.startswith("Quit without saving this drawing?")
    app.handle_event(pygame.event.Event(pygame.QUIT) if answer == "close" else key_event(answer))
    assert app.running != quits and len(app.drawing.strokes) == 1


@pytest.mark.parametrize("modifier", [pygame.K_LCTRL, pygame.K_RSHIFT, pygame.K_LALT, pygame.K_LGUI])
def test_a_modifier_pressed_on_its_own_answers_nothing_and_cancels_nothing(app, modifier):
    draw_strokes(app, SEVEN)
    app.handle_event(key_event(pygame.K_ESCAPE))
    app.handle_event(key_event(modifier))
    assert app.question == "quit"
    app.handle_event(key_event(pygame.K_n))
    app.handle_event(key_event(pygame.K_RETURN))
    app.handle_event(key_event(modifier))
    app.handle_event(key_event(pygame.K_4))
    assert app.correction_typed == "4" and len(app.drawing.strokes) == 1


def test_closing_the_window_replaces_the_forget_question(app, user_home):
    draw_strokes(app, SEVEN)
    app.teach(7)
    app.handle_event(key_event(pygame.K_f))
    app.handle_event(pygame.event.Event(pygame.QUIT))
    app.handle_event(key_event(pygame.K_y))  # answers the question shown: quit
    assert not app.running and len(list((user_home / "samples").rglob("*.png"))) == 1


@pytest.mark.parametrize("answer, quits", [(pygame.K_y, True), (pygame.K_n, False), (pygame.K_ESCAPE, False),
                                           ("stroke", False)])
def test_escape_asks_before_it_throws_a_drawing_away(app, answer, quits):
    draw_strokes(app, SEVEN)
    app.handle_event(key_event(pygame.K_ESCAPE))
    assert app.running and app.message.startswith("Quit without saving this drawing?")
    if answer == "stroke":
        draw_strokes(app, ONE)
        app.handle_event(key_event(pygame.K_y))  # the question was dropped: Y is just a key
    else:
        app.handle_event(key_event(answer))
    assert app.running != quits and len(app.drawing.strokes) == (1 if answer != "stroke" else 2)


def test_saving_during_a_stroke_says_to_finish_it(app, user_home):
    events = stroke_events(SEVEN[0], app.canvas_rect.topleft, app.canvas_rect.width / app.settings.canvas.canvas_size)
    for event in events[:-1]:  # pressed and dragged, not let go
        app.handle_event(event)
    app.handle_event(key_event(pygame.K_s, CTRL))
    assert app.message.startswith("Finish the stroke first") and not list(user_home.rglob("drawing-*.png"))
    app.handle_event(events[-1])
    app.handle_event(key_event(pygame.K_s, CTRL))
    assert app.message.startswith("Saved ") and len(list(user_home.rglob("drawing-*.png"))) == 1


def test_escape_quits_at_once_when_the_drawing_is_saved(app):
    draw_strokes(app, SEVEN)
    app.save()
    app.handle_event(key_event(pygame.K_ESCAPE))
    assert not app.running


@pytest.mark.parametrize("button, erase", [(1, False), (3, True)])
def test_a_drag_begun_in_the_margin_draws_from_where_it_comes_in(app, button, erase):
    left, top = app.canvas_rect.topleft
    outside, inside = (left - 5, top + 100), [(left + 20 * step, top + 100) for step in range(1, 8)]
    held = (button == 1, False, button == 3)
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=outside, button=button, touch=False))
    for position in inside:
        app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=position, rel=(20, 0), buttons=held, touch=False))
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=inside[-1], button=button, touch=False))
    (stroke,) = app.drawing.strokes
    assert stroke.erase == erase and len(stroke.points) == len(inside) + 1  # from the edge, where it came in
    assert stroke.points[0] == pytest.approx((0, 100 * app.settings.canvas.canvas_size / app.canvas_rect.height))


def test_a_drag_that_leaves_the_canvas_lifts_the_pen_at_its_edge(app):
    """Down, out through the bottom, across and back up: two bars, read as two (not one stroke
    joined by ink that cannot be seen)."""
    scale = app.canvas_rect.width / app.settings.canvas.canvas_size
    bottom = app.settings.canvas.canvas_size
    path = [(150, 100), (150, 300), (150, 500), (150, bottom + 40), (420, bottom + 40), (420, 500), (420, 300),
            (420, 100)]
    draw_strokes(app, [Stroke(tuple(path), 24.0)])
    app.flush()
    first, second = app.drawing.strokes
    assert first.points[-1] == pytest.approx((150, bottom)) and second.points[0] == pytest.approx((420, bottom))
    assert all(0 <= y <= bottom for stroke in (first, second) for _, y in stroke.points)
    assert app.result.text == "11" and scale > 0


def test_a_press_released_in_the_margin_draws_nothing_later(app):
    left, top = app.canvas_rect.topleft
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(left - 5, top + 100), button=1, touch=False))
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(left - 5, top + 100), button=1, touch=False))
    app.handle_event(pygame.event.Event(pygame.MOUSEMOTION, pos=(left + 50, top + 100), rel=(55, 0),
                                        buttons=(False, False, False), touch=False))
    assert app.drawing.strokes == [] and app.pointer is None


def test_help_overlay_toggles_and_blocks_drawing(app):
    app.handle_event(key_event(pygame.K_F1))
    assert app.show_help
    draw_strokes(app, SEVEN)
    app.flush()
    assert app.result.text == ""
    app.handle_event(key_event(pygame.K_ESCAPE))
    assert not app.show_help and app.running


def test_resized_window_scales_canvas(app):
    pygame.display.set_mode((1400, 900), pygame.RESIZABLE)
    app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, w=1400, h=900, size=(1400, 900)))
    assert app.canvas_rect.width > 560
    draw_strokes(app, SEVEN)  # canvas coordinates are scaled to the new size
    app.flush()
    assert app.result.text == "7"
    pygame.display.set_mode((500, 380), pygame.RESIZABLE)
    app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, w=500, h=380, size=(500, 380)))
    assert app.canvas_rect.width < 560 and app.canvas_rect.right < app.layout.panel.left
    app.draw()  # a small window still renders


def test_finger_events_draw(app):
    width, height = app.screen.get_size()
    rect = app.canvas_rect
    points = [(rect.x + 300, rect.y + 100), (rect.x + 295, rect.y + 280), (rect.x + 290, rect.y + 460)]

    def finger(kind, point):
        return pygame.event.Event(kind, finger_id=1, touch_id=1, x=point[0] / width, y=point[1] / height, dx=0, dy=0)

    app.handle_event(finger(pygame.FINGERDOWN, points[0]))
    app.handle_event(finger(pygame.FINGERMOTION, points[1]))
    app.handle_event(finger(pygame.FINGERUP, points[2]))
    app.flush()
    assert app.result.text == "1"


def test_save_writes_png_and_json(app, user_home):
    draw_strokes(app, SEVEN)
    app.handle_event(key_event(pygame.K_s, CTRL))
    saved = sorted((user_home / "drawings").iterdir())
    assert [p.suffix for p in saved] == [".json", ".png"]
    document = json.loads(saved[0].read_text())
    assert document["result"]["text"] == "7" and len(document["strokes"]) == 1
    assert "Saved" in app.message and not app.message_is_error


def test_save_failure_is_reported_and_leaves_nothing(app, user_home, monkeypatch):
    import os

    draw_strokes(app, SEVEN)
    monkeypatch.setattr(os, "replace", lambda *_: (_ for _ in ()).throw(OSError("disk full")))
    app.handle_event(key_event(pygame.K_s, CTRL))
    assert app.message_is_error and "disk full" in app.message
    assert not any(path.is_file() for path in (user_home / "drawings").glob("*"))


def test_saving_an_empty_canvas_says_so(app, user_home):
    app.handle_event(key_event(pygame.K_s, CTRL))
    assert "empty" in app.message and not (user_home / "drawings").exists()


def test_a_correction_stores_labelled_samples(app, user_home):
    draw_strokes(app, ONE + [Stroke(((420, 100), (420, 460)), 24.0)])
    for key in (pygame.K_RETURN, pygame.K_7, pygame.K_KP4, pygame.K_KP_ENTER):
        app.handle_event(key_event(key))
    assert len(list((user_home / "samples" / "7").glob("*.png"))) == 1
    assert len(list((user_home / "samples" / "4").glob("*.png"))) == 1
    assert app.message.startswith("Corrected to 74")


@pytest.mark.parametrize("key", [pygame.K_3, pygame.K_RETURN])
def test_correcting_an_empty_canvas_asks_for_a_drawing(app, user_home, key):
    app.handle_event(key_event(key))
    assert not (user_home / "samples").exists() and "Draw" in app.message and app.correction_typed is None


def test_frame_renders_every_state(app):
    for keys in ([], [pygame.K_F1]):
        for key in keys:
            app.handle_event(key_event(key))
        app.draw()
    draw_strokes(app, SEVEN)
    app.flush()
    app.update()
    app.draw()
    assert app.screen.get_at(app.canvas_rect.move(260, 130).topleft)[:3] != (0, 0, 0)


def long_path(folder):
    """A model path far longer than the panel is wide."""
    return folder.joinpath(*[f"a-folder-with-a-long-name-{index}" for index in range(6)], "missing.tflite")


def warned_and_still_reads(application, capsys) -> str:
    """The panel's model notice, once checked that it is a warning, that it went to stderr too,
    and that a 7 drawn afterwards is still read."""
    notice = application.model_notice
    assert application.model_notice_is_error and notice in capsys.readouterr().err
    draw_strokes(application, SEVEN)
    application.flush()
    assert application.result.text == "7"
    return notice


@pytest.mark.parametrize("content, problem", [(None, "model file not found"), (b"", "is damaged"),
                                              (b"not a model at all", "is damaged")])
def test_a_bad_model_file_falls_back_to_the_bundled_model(user_home, tmp_path, capsys, content, problem):
    from digitpad.app import App
    from digitpad.resources import model_path

    path = long_path(tmp_path)
    if content is not None:
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
    application = App(model_file=path, user_dir=user_home)
    try:
        application.flush()
        assert application.model_state == view.READY and application.recognizer.model.path == model_path()
        notice = warned_and_still_reads(application, capsys)
        assert problem in notice and str(path) in notice
        assert notice.endswith("using the bundled model.") and "Reinstall" not in notice
    finally:
        application.close()


@pytest.mark.parametrize("requested", [True, False])
def test_without_a_usable_model_the_window_says_it_cannot_recognise(user_home, tmp_path, capsys, monkeypatch,
                                                                     requested):
    import digitpad.app
    from digitpad.app import App

    bundled = tmp_path / "bundled" / "digitpad.tflite"
    monkeypatch.setattr(digitpad.app, "model_path", lambda: bundled)
    path = long_path(tmp_path)
    application = App(model_file=path if requested else None, user_dir=user_home)
    try:
        application.flush()
        assert application.model_state == view.FAILED and not application.model_ready
        notice = application.model_notice
        assert f"model file not found: {bundled}" in notice and notice.endswith("Reinstall digitpad.")
        assert (str(path) in notice) is requested
        assert notice in capsys.readouterr().err
        lines = [line.text for line in view.panel_lines(application)]
        assert "cannot recognise" in lines and "loading…" not in lines and notice in lines
        draw_strokes(application, SEVEN)
        application.flush()
        application.draw()
        assert application.result.text == "" and len(application.drawing.strokes) == 1
        application.handle_event(key_event(pygame.K_RETURN))
        assert application.message_is_error and "without a model" in application.message
        for size in SIZES:
            resize(application, size)
            plan = view.plan_panel(application, application.fonts, application.layout.panel)
            assert plan.fits and all(application.layout.panel.contains(text.rect) for text in plan.texts)
            assert notice.replace(" ", "") in plan.text().replace("\n", "").replace(" ", "")  # whole
    finally:
        application.close()


@pytest.mark.parametrize("content, problem", [(None, "stroke model file not found"), (b"junk", "is damaged")])
def test_without_the_stroke_model_drawings_are_read_from_their_picture(user_home, tmp_path, capsys, content, problem):
    from digitpad.app import App

    path = tmp_path / "digitpad-strokes.tflite"
    if content is not None:
        path.write_bytes(content)
    application = App(user_dir=user_home, stroke_model_file=path)
    try:
        application.flush()
        assert application.model_ready and application.recognizer.strokes is None
        notice = warned_and_still_reads(application, capsys)
        assert problem in notice and "picture alone" in notice
    finally:
        application.close()


def test_the_window_reads_drawings_with_the_bundled_stroke_model_too(app):
    from digitpad.resources import stroke_model_path

    assert app.recognizer.strokes.path == stroke_model_path() and not app.model_notice


def test_the_panel_says_loading_until_the_model_is_there(app):
    app.model_loaded.clear()
    try:
        assert app.model_state == view.LOADING
        assert [line.text for line in view.panel_lines(app)][-1] == "loading…"
    finally:
        app.model_loaded.set()


@pytest.mark.parametrize("user_model_works", [True, False])
def test_users_fine_tuned_model_is_preferred(user_home, user_model_works):
    from digitpad.app import App
    from digitpad.resources import model_path

    user_model = user_home / "model" / "digitpad.tflite"
    user_model.parent.mkdir(parents=True)
    user_model.write_bytes(model_path().read_bytes() if user_model_works else b"broken")
    application = App(user_dir=user_home)
    try:
        application.flush()
        assert application.model_ready
        assert application.recognizer.model.path == (user_model if user_model_works else model_path())
        assert "fine-tuned" in application.model_notice
        assert application.model_notice_is_error is (not user_model_works)
    finally:
        application.close()


def panel_texts(app):
    return [line.text for line in view.panel_lines(app)]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("count", [8, 12])
def test_long_numbers_and_all_their_inputs_fit_the_panel(app, size, count):
    resize(app, size)
    draw_strokes(app, ones(count))
    app.flush()
    assert app.result.text == "1" * count and app.result.sure
    panel = app.layout.panel
    plan = view.plan_panel(app, app.fonts, panel)
    number = next(text for text in plan.texts if text.text == "1" * count)
    assert plan.fits and panel.contains(number.rect)
    assert len(plan.thumbnails) == count and all(panel.contains(square) for square in plan.thumbnails)
    app.handle_event(key_event(pygame.K_LEFT))  # the last digit's input is highlighted
    assert view.plan_panel(app, app.fonts, panel).selected == count - 1
    app.draw()


def test_more_than_twelve_digits_says_too_many_digits(app):
    draw_strokes(app, ones(13))
    app.flush()
    limit = app.settings.recognition.max_digits
    assert app.result.doubt == f"too many digits: at most {limit}" and not app.result.sure
    texts = panel_texts(app)
    assert f"too many digits: at most {limit}" in texts and not any("too much ink" in text for text in texts)
    assert f"digit 1 of the first {limit}  (Tab: next)" in texts


def test_a_dot_is_not_sure_and_says_why(app):
    draw_strokes(app, DOT)
    app.flush()
    assert not app.result.sure and app.result.digits[0].doubt == "just a dot"
    assert panel_texts(app)[1:4] == ["not sure", f"closest digit: {app.result.text}", "just a dot"]


def test_an_unsure_digit_always_says_why(app):
    draw_strokes(app, [Stroke(points, 24.0) for points in SCRIBBLES["tangle"]])
    app.flush()
    assert not app.result.sure and app.result.doubt
    assert app.result.doubt in panel_texts(app)


def count_files(folder):
    return len(list(folder.glob("drawing-*"))) if folder.exists() else 0


CHANGES = {  # each leaves a drawing to save; "clear and undo" brings the same strokes back
    "stroke": [ONE],
    "undo": [key_event(pygame.K_z, CTRL)],
    "clear and undo": [key_event(pygame.K_c), key_event(pygame.K_z, CTRL)],
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_saving_an_unchanged_drawing_again_writes_nothing(app, user_home, change):
    drawings = user_home / "drawings"
    draw_strokes(app, SEVEN + [Stroke(((450, 100), (450, 460)), 24.0)])
    first = app.save()
    assert count_files(drawings) == 2
    app.handle_event(key_event(pygame.K_s, CTRL))
    assert count_files(drawings) == 2 and not app.message_is_error
    assert app.message == f"Already saved as {first.name} in {folder_text(first.parent)}"
    for step in CHANGES[change]:
        if isinstance(step, list):
            draw_strokes(app, step)
        else:
            app.handle_event(step)
    second = app.save()
    assert second != first and count_files(drawings) == 4 and app.message.startswith("Saved")


# ---------------------------------------------------------------- the loop sleeps when idle
def counting_draws(app, monkeypatch) -> list:
    drawn = []
    real_draw = app.draw
    monkeypatch.setattr(app, "draw", lambda: (drawn.append(1), real_draw()))
    return drawn


def test_an_idle_window_draws_nothing(app, monkeypatch):
    settle(app)
    drawn = counting_draws(app, monkeypatch)
    assert not any(app.step() for _ in range(5)) and drawn == []


@pytest.mark.parametrize("cause", ["mouse over the canvas", "key", "result", "loaded"])
def test_the_loop_draws_when_something_changed(app, monkeypatch, cause):
    settle(app)
    drawn = counting_draws(app, monkeypatch)
    centre = app.canvas_rect.center
    if cause == "mouse over the canvas":
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=centre, rel=(1, 0), buttons=(0, 0, 0)))
    elif cause == "key":
        pygame.event.post(key_event(pygame.K_F1))
    elif cause == "result":  # drawn through handle_event, not the queue: only the result wakes the loop
        draw_strokes(app, SEVEN)
        app.flush()
    else:
        app.model_loaded.clear()
        loader = threading.Thread(target=app._load_model, args=(None,))
        loader.start()
        loader.join(timeout=30)
    assert app.step() and drawn == [1]
    assert not app.step()


def test_live_recognition_goes_on_while_the_pointer_rests_mid_stroke(app):
    settle(app)
    events = stroke_events(SEVEN[0], app.canvas_rect.topleft)
    for event in events[:-1]:
        app.handle_event(event)
    submitted = app.worker.submitted
    app.last_submit = time.perf_counter() - app.settings.recognition.live_interval_seconds
    app.step()  # no event: the pass still submits the stroke so far
    assert app.worker.submitted == submitted + 1


# ---------------------------------------------------------------- messages that stay true
ERASER = [Stroke(((150, 130), (400, 130)), 24.0, erase=True)]
STAYING_TRUE = {  # what was said -> (how, changes after which it must be gone)
    "saved": (lambda app: app.save(), {"stroke": ONE, "erase": ERASER, "undo": "undo"}),
    "already saved": (lambda app: (app.save(), app.save()), {"stroke": ONE, "erase": ERASER}),
    "correction taken back": (lambda app: (app.teach(7), app.untaught()), {"undo": "undo"}),
    "taught": (lambda app: app.teach(7), {"stroke": ONE}),
    "nothing to forget": (lambda app: app.handle_event(key_event(pygame.K_f)), {"stroke": ONE}),
    "kept the drawing": (lambda app: (app.handle_event(key_event(pygame.K_ESCAPE)),
                                      app.handle_event(key_event(pygame.K_n))), {"stroke": ONE}),
}


@pytest.mark.parametrize("said, change", [(said, change) for said, (_, changes) in STAYING_TRUE.items()
                                          for change in changes])
def test_a_message_about_the_drawing_goes_when_the_drawing_changes(app, said, change):
    draw_strokes(app, SEVEN)
    app.flush()
    STAYING_TRUE[said][0](app)
    message = app.message
    app.handle_event(key_event(pygame.K_TAB))  # picking a digit changes no drawing
    assert app.message == message and message and not app.message_is_error
    step = STAYING_TRUE[said][1][change]
    if step == "undo":
        app.handle_event(key_event(pygame.K_z, CTRL))
    else:
        draw_strokes(app, step)
    assert app.message == "" and "".join(line.text for line in view.panel_lines(app)).count(message) == 0


def test_a_message_about_what_was_taught_stays_while_drawing(app):
    draw_strokes(app, SEVEN)
    app.teach(7)
    app.handle_event(key_event(pygame.K_f))
    app.handle_event(key_event(pygame.K_y))
    forgot = app.message
    draw_strokes(app, ONE)
    assert forgot.startswith("Forgot 1 taught sample") and app.message == forgot


# ---------------------------------------------------------------- taught samples' folders
def test_forgetting_never_reads_the_samples_folder_on_the_windows_thread(app, user_home, monkeypatch):
    draw_strokes(app, ONE + [Stroke(((420, 100), (420, 460)), 24.0)])
    app.teach(1)
    app.teach(4)
    monkeypatch.setattr(app.store, "read_samples", lambda: pytest.fail("the samples folder was read"))
    monkeypatch.setattr(digitpad.storage, "read_samples", lambda folder: pytest.fail("the samples folder was read"))
    app.handle_event(key_event(pygame.K_f))
    assert "all 2 taught samples" in app.message
    app.handle_event(key_event(pygame.K_y))
    assert app.message.startswith("Forgot 2 taught samples") and list((user_home / "samples").iterdir()) == []


def test_samples_found_at_start_are_counted_and_forgotten(user_home):
    from digitpad.app import App
    from digitpad.storage import UserStore

    store = UserStore(user_home)
    for label in (3, 3, 5):
        store.save_sample(np.zeros((28, 28), np.float32), label)
    (store.samples_dir / "5" / "notes.txt").write_text("mine")
    application = App(user_dir=user_home)
    try:
        application.flush()
        application.handle_event(key_event(pygame.K_f))
        assert "all 3 taught samples" in application.message
        application.handle_event(key_event(pygame.K_y))
        assert sorted(path.name for path in store.samples_dir.rglob("*")) == ["5", "notes.txt"]
    finally:
        application.close()


def test_taking_back_the_only_teach_of_a_digit_removes_its_folder(app, user_home):
    draw_strokes(app, SEVEN)
    app.teach(7)
    folder = user_home / "samples" / "7"
    assert len(list(folder.glob("*.png"))) == 1
    app.handle_event(key_event(pygame.K_z, CTRL))
    assert app.message == "Correction taken back." and not folder.exists()


def test_the_start_cleans_what_a_killed_save_left(user_home):
    import os

    from digitpad.app import App
    from digitpad.storage import STALE_TEMP_SECONDS

    drawings = user_home / "drawings"
    drawings.mkdir(parents=True)
    stem = "drawing-20261201-120000-000001"
    left = [drawings / f"{stem}.json", drawings / f".{stem}.png.0123456789ab.tmp"]
    kept = [drawings / "drawing-20261201-120000-000002.json", drawings / "drawing-20261201-120000-000002.png"]
    for path in left + kept:
        path.write_bytes(b"x")
        os.utime(path, (time.time() - STALE_TEMP_SECONDS - 1,) * 2)
    application = App(user_dir=user_home)
    try:
        application.model_loader.join(timeout=30)  # it cleans once the model is loaded
        assert sorted(drawings.iterdir()) == kept
    finally:
        application.close()


def test_the_window_is_classed_digitpad(app):
    import os

    from digitpad.desktop import CLASS_VARIABLES

    assert all(os.environ[variable] == "digitpad" for variable in CLASS_VARIABLES)
