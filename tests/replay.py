"""Replay strokes as the mouse events a person would make: for tests and benchmarks (bench/
imports it as tests.replay). Not part of the app."""

import pygame

from digitpad.drawing import Stroke


def stroke_events(stroke: Stroke, origin: tuple[int, int], scale: float = 1.0,
                  button: int = 1) -> list[pygame.event.Event]:
    """Press, drag through every point, release; positions in window pixels (rounded like a mouse)."""
    positions = [(int(round(origin[0] + x * scale)), int(round(origin[1] + y * scale))) for x, y in stroke.points]
    held = (button == 1, False, button == 3)
    events = [pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=positions[0], button=button, touch=False)]
    previous = positions[0]
    for position in positions[1:]:
        rel = (position[0] - previous[0], position[1] - previous[1])
        events.append(pygame.event.Event(pygame.MOUSEMOTION, pos=position, rel=rel, buttons=held, touch=False))
        previous = position
    events.append(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=positions[-1], button=button, touch=False))
    return events


def draw_strokes(app, strokes: list[Stroke]) -> None:
    """Draw strokes (canvas pixels) into an App through handle_event, with each stroke's brush."""
    scale = app.canvas_rect.width / app.settings.canvas.canvas_size
    for stroke in strokes:
        app.brush = stroke.width / (app.settings.canvas.eraser_factor if stroke.erase else 1.0)
        for event in stroke_events(stroke, app.canvas_rect.topleft, scale, button=3 if stroke.erase else 1):
            app.handle_event(event)


def key_event(key: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0)


def settle(app, passes: int = 100) -> None:
    """Run the App's loop until a pass draws nothing: the model loaded, the start's events and
    wake-ups used up. RuntimeError if it is still drawing after `passes` passes."""
    app.model_loader.join(timeout=30)
    app.flush()
    for _ in range(passes):
        if not app.step():
            return
    raise RuntimeError(f"the loop was still drawing after {passes} passes")
