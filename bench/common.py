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


def new_app():
    """A headless App with a throw-away user folder, model loaded."""
    from digitpad.app import App

    app = App(user_dir=pathlib.Path(tempfile.mkdtemp(prefix="digitpad-bench-")))
    app.flush()
    return app


def clear(app):
    import pygame

    from digitpad.replay import key_event

    app.handle_event(key_event(pygame.K_DELETE))
