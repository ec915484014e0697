"""The inside view in the App: I, its button and Esc; what it shows; at every window size."""

import dataclasses
import itertools

import numpy as np
import pygame
import pytest

from digitpad.drawing import Stroke
from digitpad.inside_view import HEAT, dense_pixels, heat_grid
from digitpad.settings import WindowSettings
from tests.replay import draw_strokes, key_event, settle
from training import pen_digits

SIZES = [WindowSettings().initial_size, WindowSettings().min_size, (1600, 1000), (480, 900), (1400, 360)]
SCRIBBLE = [Stroke(tuple(map(tuple, np.random.default_rng(1).uniform(100, 460, (60, 2)))), 24.0)]


def resize(app, size):
    pygame.display.set_mode(size, pygame.RESIZABLE)
    app.handle_event(pygame.event.Event(pygame.VIDEORESIZE, w=size[0], h=size[1], size=size))


def click(app, position):
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        app.handle_event(pygame.event.Event(kind, pos=position, button=1, touch=False))


def shown(app):
    """Draw two frames (a new result is read on one, painted on the next); the inside view's
    plan (None when it is closed)."""
    app.draw()
    app.draw()
    return app.inside.plan if app.show_inside else None


def pen_digit(pen_digit_set, label):
    digit = next(d for d in pen_digit_set if d.label == label and len(d.strokes) == 2)
    return pen_digits.to_strokes(digit, pen_digits.CONDITION_BY_NAME["normal"], 560)


def test_i_opens_and_closes_the_view(app):
    panel = app.layout.panel
    app.handle_event(key_event(pygame.K_i))
    assert app.show_inside and app.layout.panel.width > panel.width  # wider, in the panel's place
    assert app.layout.canvas.right < app.layout.panel.left
    app.handle_event(key_event(pygame.K_i))
    assert not app.show_inside and app.layout.panel == panel


def test_the_button_opens_and_closes_the_view_and_does_not_draw(app):
    click(app, app.layout.control.center)
    assert app.show_inside
    click(app, app.layout.control.center)
    assert not app.show_inside and app.drawing.strokes == []


def test_esc_closes_the_view_before_it_quits(app):
    app.handle_event(key_event(pygame.K_i))
    app.handle_event(key_event(pygame.K_ESCAPE))
    assert not app.show_inside and app.running
    app.handle_event(key_event(pygame.K_ESCAPE))
    assert not app.running


def test_closed_it_reads_nothing(app):
    draw_strokes(app, [Stroke(((300, 100), (290, 460)), 24.0)])
    app.flush()
    app.draw()
    assert app.inside.key is None and app.inside.inside is None


def test_a_drawn_digit_shows_maps_pen_path_and_both_readings(app, pen_digit_set):
    app.handle_event(key_event(pygame.K_i))
    draw_strokes(app, pen_digit(pen_digit_set, 4))
    app.flush()
    plan = shown(app)
    inside, digit = app.inside.inside, app.result.digits[0]
    assert plan.fits and plan.kinds().count("stage") == 3 and "pen path" in plan.kinds() and "dense" in plan.kinds()
    assert plan.kinds().count("neighbour") == 5 and plan.kinds().count("chart") == 3
    text = plan.text()
    assert inside.verdict.split(", ")[0] in text and "pen path: " in text and "together: " in text
    assert inside.together == digit.probabilities and inside.pen == digit.stroke_probabilities != ()
    assert (inside.pen_path[:, 4] > 0).any()  # the pen lift between its two strokes


def test_updates_live_once_per_new_result(app, pen_digit_set):
    app.handle_event(key_event(pygame.K_i))
    strokes = pen_digit(pen_digit_set, 7)
    draw_strokes(app, strokes[:1])
    app.flush()
    shown(app)
    first = app.inside.inside
    shown(app)
    assert app.inside.inside is first  # the same result: nothing read again
    draw_strokes(app, strokes[1:])
    app.flush()
    shown(app)
    assert app.inside.inside is not first and app.inside.inside.together == app.result.digits[0].probabilities


def test_tab_picks_the_digit_shown(app):
    app.handle_event(key_event(pygame.K_i))
    draw_strokes(app, [Stroke(((150, 100), (150, 460)), 24.0), Stroke(((300, 130), (420, 130), (340, 460)), 24.0)])
    app.flush()
    assert "digit 1 of 2" in shown(app).text() and app.inside.inside.index == 0
    app.handle_event(key_event(pygame.K_TAB))
    assert "digit 2 of 2" in shown(app).text() and app.inside.inside.index == 1


@pytest.mark.parametrize("strokes, expected", [([], "Draw a digit"), (SCRIBBLE, "not sure: ")])
def test_empty_canvas_and_scribble_show_a_sensible_view(app, strokes, expected):
    app.handle_event(key_event(pygame.K_i))
    draw_strokes(app, strokes)
    app.flush()
    plan = shown(app)
    assert plan.fits and expected in plan.text()
    if strokes:
        assert plan.kinds().count("stage") == 3 and "pen path" in plan.kinds()
        assert "pen path:" not in app.inside.inside.verdict and f"not read: {app.result.doubt}" in plan.text()
    else:
        assert plan.boxes == ()


@pytest.mark.parametrize("size", SIZES)
def test_fits_any_window_size(app, pen_digit_set, size):
    resize(app, size)
    app.handle_event(key_event(pygame.K_i))
    draw_strokes(app, pen_digit(pen_digit_set, 5))
    app.flush()
    plan = shown(app)
    view_rect = app.layout.panel.move(-app.layout.panel.x, -app.layout.panel.y)
    assert plan.fits and all(view_rect.contains(box.rect) for box in plan.boxes)
    control = app.layout.control.move(-app.layout.panel.x, -app.layout.panel.y)
    assert not any(control.colliderect(placed.rect) for placed in plan.texts)  # nothing under the button
    pictures = [box.rect for box in plan.boxes] + [box.caption.rect for box in plan.boxes]
    for first, second in itertools.combinations(pictures + [placed.rect for placed in plan.texts], 2):
        assert not first.colliderect(second), (first, second)
    assert app.layout.canvas.width >= 100  # still room to draw


def test_heat_grid_tiles_maps_in_channel_order():
    maps = np.zeros((2, 3, 5), np.float32)
    maps[:, :, 4] = 2.0  # the strongest map: the last one
    maps[0, 0, 1] = 1.0
    grid = heat_grid(maps, columns=2)
    assert grid.shape == (3 * 3 - 1, 2 * 4 - 1, 3)
    assert (grid[6:8, 0:3] == HEAT[255]).all()  # map 4: row 2, column 0, at the top level
    assert (grid[0, 4] == HEAT[127]).all()  # map 1's one pixel, half the largest activation
    assert (grid[2, :] == HEAT[-1]).all()  # the gap between tile rows
    assert dense_pixels(np.arange(20, dtype=np.float32)).shape == (2, 16, 3)


def test_a_new_reading_keeps_the_last_scale_only_when_it_is_still_the_largest(app, pen_digit_set):
    from digitpad.inside_view import HINT_STEP, plan_inside

    app.handle_event(key_event(pygame.K_i))
    draw_strokes(app, pen_digit(pen_digit_set, 3))
    app.flush()
    rect = pygame.Rect((0, 0), app.layout.panel.size)
    searched = plan_inside(app.inside.read(app), app, app.inside.fonts, rect)
    hinted = plan_inside(app.inside.read(app), app, app.inside.fonts, rect, hint=searched)
    assert hinted.fits and hinted.scale == searched.scale
    too_small = dataclasses.replace(searched, scale=searched.scale / (HINT_STEP * 1.5))
    replanned = plan_inside(app.inside.read(app), app, app.inside.fonts, rect, hint=too_small)
    assert replanned.scale > too_small.scale * HINT_STEP and replanned.fits


@pytest.mark.parametrize("change", ["undo", "tab"])
def test_an_idle_window_paints_the_new_reading_without_another_event(app, change):
    """The view paints a new reading one frame after it reads it; the loop must draw that frame
    although no event comes (a user who pressed Ctrl+Z or Tab and waits)."""
    app.handle_event(key_event(pygame.K_i))
    draw_strokes(app, [Stroke(((150, 100), (150, 460)), 24.0), Stroke(((300, 130), (420, 130), (340, 460)), 24.0)])
    settle(app)
    assert "digit 1 of 2" in app.inside.plan.text()
    pygame.event.post(key_event(pygame.K_z, pygame.KMOD_CTRL) if change == "undo" else key_event(pygame.K_TAB))
    app.step()  # the key, as the window gets it
    settle(app, passes=5)  # the new result, if any, and the frames it wakes
    header = app.inside.plan.text().splitlines()[0]
    assert header == ("Inside" if change == "undo" else "Inside: digit 2 of 2 (Tab: next)")
