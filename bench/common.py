"""Shared set-up for the benchmark scripts: headless SDL, repo on the path, output folder."""

import os
import pathlib
import sys
import tempfile

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
PEN_DIGITS = REPO / "tests" / "data" / "pen_digits_dev.npz"


def add_settings_flag(parser):
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override a RecognitionSettings field, e.g. --set recognition_brush=0")


def new_app(overrides=(), model_file=None):
    """A headless App with a throw-away user folder, model loaded; overrides are "name=value"
    strings for fields of RecognitionSettings; model_file is a LiteRT model to load instead of
    the app's own choice (None)."""
    import dataclasses

    from digitpad.app import App
    from digitpad.settings import RecognitionSettings, Settings

    defaults = RecognitionSettings()
    names = {field.name for field in dataclasses.fields(RecognitionSettings)}
    changes = {}
    for override in overrides:
        name, _, value = override.partition("=")
        if name not in names or not value:
            raise SystemExit(f"--set {override}: expected NAME=VALUE with NAME a RecognitionSettings field")
        changes[name] = type(getattr(defaults, name))(value)
    settings = Settings(recognition=dataclasses.replace(defaults, **changes))
    app = App(settings=settings, model_file=model_file,
              user_dir=pathlib.Path(tempfile.mkdtemp(prefix="digitpad-bench-")))
    app.flush()
    if model_file is not None and not app.model_ready:
        raise SystemExit(f"{model_file}: the app could not load this model ({app.message})")
    return app


def clear(app):
    import pygame

    from digitpad.replay import key_event

    app.handle_event(key_event(pygame.K_DELETE))


def read_pen_digit(app, digit, condition):
    """Clear the canvas, draw one pen digit under a drawing condition as mouse drags, wait for
    recognition; returns the app's Result."""
    from digitpad import pen_digits
    from digitpad.replay import draw_strokes

    clear(app)
    draw_strokes(app, pen_digits.to_strokes(digit, condition, app.settings.canvas.canvas_size))
    app.flush()
    return app.result
