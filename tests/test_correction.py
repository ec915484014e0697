"""Corrections: Return opens one, the digits are typed, Return applies it; the typed number is
fitted to the strokes, read so at once and learnt; a lone digit key never teaches."""

import numpy as np
import pygame
import pytest

from digitpad import correction, view
from digitpad.drawing import Stroke
from digitpad.ink import render_mask
from tests.replay import draw_strokes, key_event

CTRL = pygame.KMOD_LCTRL
DIGIT = {str(digit): getattr(pygame, f"K_{digit}") for digit in range(10)}


def open_four(dx=0.0, dy=0.0, gap=40.0):
    """An open 4 written as an "L" and then its stem, the stem apart from the bar's end."""
    return [Stroke(((200 + dx, 110 + dy), (190 + dx, 310 + dy), (300 + dx, 310 + dy)), 24.0),
            Stroke(((300 + gap + dx, 130 + dy), (300 + gap + dx, 480 + dy)), 24.0)]


@pytest.fixture
def app(user_home):
    """The app, its pieces joined by the hand-set rules: they split open_four, the case
    corrections are for (joining by reading, the default, reads it as one 4 at once)."""
    from digitpad.app import App
    from digitpad.settings import RecognitionSettings, Settings

    application = App(settings=Settings(recognition=RecognitionSettings(join_by_reading=False)), user_dir=user_home)
    application.flush()
    yield application
    application.close()


def read(app, strokes) -> str:
    press(app, pygame.K_DELETE)
    draw_strokes(app, strokes)
    app.flush()
    return app.result.text


def press(app, *keys, mod=0):
    for key in keys:
        app.handle_event(key_event(key, mod))
    app.flush()


def correct(app, typed: str):
    press(app, pygame.K_RETURN, *[DIGIT[digit] for digit in typed], pygame.K_RETURN)


def samples(user_home):
    return sorted((user_home / "samples").rglob("*.png"))


def test_a_split_four_corrected_reads_four_and_so_does_the_next(app, user_home):
    assert len(read(app, open_four())) == 2  # split in two: the case corrections are for
    correct(app, "4")
    assert app.result.text == "4" and app.result.sure  # read so at once
    assert app.message.startswith("Corrected to 4") and "go together" in app.message
    assert [path.parent.name for path in samples(user_home)] == ["4"]
    assert samples(user_home)[0].name.startswith(correction.JOINED_PREFIX)
    assert read(app, open_four(dx=25, dy=-15, gap=44)) == "4"  # the same writer's next one


def test_a_correction_that_does_not_change_the_reading_says_so(app, user_home):
    seven = [Stroke(((150, 130), (400, 130), (260, 460)), 24.0)]  # a 7 like most 7s
    assert read(app, seven) == "7"
    correct(app, "4")
    assert app.result.text == "7"  # a stray correction does not turn real digits into others
    assert app.message.startswith("Corrected to 4")
    assert "It still reads 7: it looks too much like most 7s" in app.message
    assert app.message.endswith(correction.UNDO_HINT)  # how to take it back comes last
    assert samples(user_home)  # taught all the same: a writer's next odd 4 may be read so
    read(app, open_four())
    correct(app, "4")
    assert app.result.text == "4" and "still reads" not in app.message


def test_a_drawing_saved_then_corrected_is_saved_again_with_its_new_reading(app, user_home):
    import json

    read(app, open_four())
    first = app.save()
    correct(app, "4")
    second = app.save()  # the same strokes, read otherwise now
    assert second != first and json.loads(second.with_suffix(".json").read_text())["result"]["text"] == "4"
    assert json.loads(first.with_suffix(".json").read_text())["result"]["text"] != "4"  # kept as it was
    assert app.save() == second and app.message.startswith("Already saved")


def test_a_four_whose_stem_stands_as_far_off_as_a_digit_is_joined_again(user_home):
    """Joining by reading (the default): an "L" and a stem a third of its height to the right
    read "21"; corrected to 4, the same drawing reads 4 again (test_joining: a sure 6 and a 1 as
    far apart stay two digits)."""
    from digitpad.app import App

    app = App(user_dir=user_home)
    try:
        app.flush()
        far_four = [Stroke(((149, 99), (110, 200), (71, 305), (160, 305), (255, 305)), 24.0),
                    Stroke(((366, 128), (366, 260), (366, 397)), 24.0)]
        assert read(app, far_four) == "21"
        correct(app, "4")
        assert app.message.startswith("Corrected to 4") and "go together" in app.message
        assert read(app, far_four) == "4" and app.result.sure
        picture = np.where(render_mask(far_four, (560, 560)) > 0, 30, 235).astype(np.uint8)
        assert app.recognizer.recognise_picture(picture).text == "4"  # predict reads the join as taught too
    finally:
        app.close()


def test_a_restart_remembers_how_strokes_go_together(app, user_home):
    from digitpad.app import App

    read(app, open_four())
    correct(app, "4")
    app.close()
    again = App(user_dir=user_home)
    try:
        again.flush()
        assert read(again, open_four(dx=-20, dy=20, gap=42)) == "4"
    finally:
        again.close()


def test_ctrl_z_takes_the_whole_correction_back(app, user_home):
    one, seven = [Stroke(((150, 120), (150, 440)), 24.0)], [Stroke(((330, 120), (460, 120), (380, 440)), 24.0)]
    misread = read(app, open_four())
    correct(app, "4")
    press(app, pygame.K_z, mod=CTRL)
    assert app.result.text == misread and samples(user_home) == [] and app.adaptation_status == ""
    assert len(app.drawing.strokes) == 2  # the strokes stay
    assert read(app, open_four()) == misread  # and nothing of the join was kept
    read(app, one + seven)
    correct(app, "71")  # two digits taught at once ...
    assert len(samples(user_home)) == 2
    press(app, pygame.K_z, mod=CTRL)  # ... and taken back at once
    assert samples(user_home) == [] and app.result.text == "17"


@pytest.mark.parametrize("keys, typed", [
    ([pygame.K_RETURN], ""),
    ([pygame.K_RETURN, pygame.K_4, pygame.K_2], "42"),
    ([pygame.K_7], "7"),  # a digit key opens a correction with that digit typed
    ([pygame.K_KP7, pygame.K_KP1, pygame.K_BACKSPACE], "7"),
])
def test_the_panel_shows_what_is_typed(app, keys, typed):
    read(app, open_four())
    press(app, *keys)
    assert app.correction_typed == typed
    assert f"correct to: {typed}_" in [line.text for line in view.panel_lines(app)]


@pytest.mark.parametrize("cancel", ["escape", "stroke", "other key"])
def test_a_correction_is_cancelled_by_esc_a_stroke_or_another_key(app, user_home, cancel):
    misread = read(app, open_four())
    press(app, pygame.K_RETURN, pygame.K_4)
    if cancel == "escape":
        press(app, pygame.K_ESCAPE)
        assert app.running  # Esc closed the correction, not the window
    elif cancel == "stroke":
        draw_strokes(app, [Stroke(((480, 480), (500, 500)), 24.0)])
    else:
        press(app, pygame.K_TAB)
    press(app, pygame.K_RETURN)  # opens a new, empty correction; nothing was applied
    assert samples(user_home) == [] and app.correction_typed == "" and misread in (app.result.text, "11")


def test_random_keys_with_no_correction_open_teach_nothing(app, user_home):
    rng = np.random.default_rng(0)
    keys = list(DIGIT.values()) + [getattr(pygame, f"K_KP{digit}") for digit in range(10)] + [
        pygame.K_TAB, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_e, pygame.K_h, pygame.K_a, pygame.K_n, pygame.K_SPACE]
    for round_ in range(20):
        read(app, open_four(dx=round_))
        for key in rng.choice(keys, 30):
            app.handle_event(key_event(int(key)))
    app.flush()
    assert samples(user_home) == [] and app.adaptation_status == ""
    assert read(app, [Stroke(((300, 100), (290, 460)), 24.0)]) == "1"


def test_a_number_that_cannot_fit_the_strokes_says_so_and_teaches_nothing(app, user_home):
    read(app, [Stroke(((300, 100), (290, 460)), 24.0)])
    correct(app, "123")
    assert app.message_is_error and samples(user_home) == []
    assert app.message == "123 does not fit this drawing (1 digit read from 1 stroke): nothing taught."
    assert app.result.text == "1"


def test_more_digits_typed_than_read_split_the_strokes(app, user_home):
    one, leaning_one = Stroke(((200, 120), (200, 440)), 24.0), Stroke(((210, 120), (250, 440)), 24.0)
    assert read(app, [one, leaning_one]) == "1"  # two 1s touching, read as one digit
    correct(app, "11")
    assert app.result.text == "11" and len(app.result.digits) == 2


def test_clicking_a_probability_bar_corrects_the_picked_digit(app, user_home):
    flagged_one = [Stroke(((120, 150), (330, 100), (330, 470)), 24.0)]
    assert read(app, flagged_one) == "7"  # the bundled model misreads it
    app.draw()
    bar = app.panel.plan.bars[1]
    x, y = app.panel.origin
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(bar.track.centerx + x, bar.track.centery + y),
                                        button=1, touch=False))
    app.flush()
    assert app.result.text == "1" and [path.parent.name for path in samples(user_home)] == ["1"]


@pytest.mark.parametrize("scores, typed, runs", [
    ({(0, 1): [0, -5], (1, 2): [-5, 0], (0, 2): [-1, -9]}, (0, 1), [(0, 1), (1, 2)]),
    ({(0, 1): [0, -5], (1, 2): [-5, 0], (0, 2): [-1, -9]}, (0,), [(0, 2)]),
    ({(0, 1): [-9, 0], (1, 3): [0, -9], (0, 2): [-1, -1], (2, 3): [-1, -1]}, (1, 0), [(0, 1), (1, 3)]),
    ({(0, 1): [0, 0]}, (0, 0), None),  # more digits than units
])
def test_best_runs_maximise_the_typed_digits_probability(scores, typed, runs):
    count = max(end for _, end in scores)
    assert correction.best_runs({key: np.array(value) for key, value in scores.items()}, count, typed) == runs


def test_with_the_inside_view_open_a_click_where_the_bars_were_teaches_nothing(app, user_home):
    read(app, [Stroke(((300, 100), (290, 460)), 24.0)])
    app.draw()
    bar = app.panel.plan.bars[7]
    x, y = app.panel.origin
    press(app, pygame.K_i)
    app.draw()
    app.handle_event(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(bar.track.centerx + x, bar.track.centery + y),
                                        button=1, touch=False))
    app.flush()
    assert samples(user_home) == [] and app.result.text == "1"
