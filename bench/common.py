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


def new_app(overrides=(), model_file=None, stroke_model_file=None, changes=None):
    """A headless App with a throw-away user folder, model loaded; overrides are "name=value"
    strings for fields of RecognitionSettings (a bool: 1/0, true/false), `changes` a dict of
    more of them as values; model_file is a LiteRT model to load instead of the app's own
    choice (None), stroke_model_file a stroke model instead of the bundled one."""
    import dataclasses

    from digitpad.app import App
    from digitpad.settings import RecognitionSettings, Settings
    from training.overrides import replaced

    try:  # the overrides win over `changes`
        recognition = replaced(dataclasses.replace(RecognitionSettings(), **dict(changes or {})), overrides)
    except ValueError as error:
        raise SystemExit(f"--set {error} (a RecognitionSettings field)") from None
    settings = Settings(recognition=recognition)
    app = App(settings=settings, model_file=model_file, stroke_model_file=stroke_model_file,
              user_dir=pathlib.Path(tempfile.mkdtemp(prefix="digitpad-bench-")))
    app.flush()
    if model_file is not None and not app.model_ready:
        raise SystemExit(f"{model_file}: the app could not load this model ({app.message})")
    if app.stroke_notice:
        raise SystemExit(app.stroke_notice)
    return app


def fold_app(overrides, fold_dir, changes=None):
    """new_app reading with a fold run's models (train_model.py --hold-out-fold K --output-dir
    fold_dir): fold_dir/digitpad.tflite and, when there, fold_dir/digitpad-strokes.tflite. A fold
    run without a stroke model reads pictures alone (stroke_weight=0): the bundled stroke model
    trained on every fold. `changes`: as for new_app. Returns (app, what reads: "image" or "image +
    strokes")."""
    fold_dir = pathlib.Path(fold_dir)
    image, strokes = fold_dir / "digitpad.tflite", fold_dir / "digitpad-strokes.tflite"
    if not image.is_file():
        raise SystemExit(f"{image}: no such model (train it with train_model.py --hold-out-fold K)")
    if strokes.is_file():
        return new_app(overrides, model_file=image, stroke_model_file=strokes, changes=changes), "image + strokes"
    return new_app(list(overrides) + ["stroke_weight=0"], model_file=image, changes=changes), "image"


def clear(app):
    import pygame

    from tests.replay import key_event

    app.handle_event(key_event(pygame.K_DELETE))


def read_pen_digit(app, digit, condition):
    """Clear the canvas, draw one pen digit under a drawing condition as mouse drags, wait for
    recognition; returns the app's Result."""
    from tests.replay import draw_strokes
    from training import pen_digits

    clear(app)
    draw_strokes(app, pen_digits.to_strokes(digit, condition, app.settings.canvas.canvas_size))
    app.flush()
    return app.result
