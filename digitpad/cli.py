"""Command line: open the window, read pictures (predict), or check the install (--self-test)."""

import argparse
import json
import os
import pathlib
import sys

from digitpad import __version__
from digitpad.pictures import MAX_PIXELS

# OpenCV reads its own size limit once, when its library loads, so it is set before anything
# imports cv2; digitpad.pictures refuses oversized pictures from their header before that.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_PIXELS))

NO_DISPLAY_DRIVERS = ("offscreen", "dummy")  # SDL's video drivers that show nothing


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitpad", description="Draw digits and see them recognised live.")
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    parser.add_argument("--self-test", action="store_true", help="recognise the bundled sample drawings and exit")
    model_help = "use this .tflite model instead of the bundled one"
    parser.add_argument("--model", type=pathlib.Path, help=model_help)
    commands = parser.add_subparsers(dest="command")
    predict = commands.add_parser("predict", help="print the number read in each picture")
    predict.add_argument("files", nargs="+", type=pathlib.Path, metavar="FILE")
    predict.add_argument("--json", action="store_true", help="one JSON object per line, for errors too")
    predict.add_argument("--no-adapt", action="store_true",
                         help="read with the model alone, not with what you taught in the window")
    # SUPPRESS: without --model here, the value given before `predict` is kept
    predict.add_argument("--model", type=pathlib.Path, default=argparse.SUPPRESS, help=model_help)
    return parser


def load_recognizer(model_file, user_dir: pathlib.Path | None = None, with_strokes: bool = False):
    """The Recognizer of `model_file` (None: the bundled model). With user_dir, it reads with
    what the user taught in the window (the samples in that folder), as the window does; with
    with_strokes, drawings also with the bundled stroke model, as the window does (pictures
    have no strokes). ModelError when a model cannot be loaded."""
    from digitpad.adaptation import AdaptedModel, learn_taught_samples
    from digitpad.model import DigitModel
    from digitpad.nondigit import load_reader
    from digitpad.recognition import Recognizer
    from digitpad.resources import model_path, stroke_model_path
    from digitpad.stroke_reader import StrokeReader

    model = DigitModel(model_file or model_path())
    strokes = StrokeReader(stroke_model_path()) if with_strokes else None
    nondigit, notice = load_reader(model)
    if notice:
        print(f"digitpad: {notice}", file=sys.stderr, flush=True)
    if user_dir is None:
        return Recognizer(model, strokes=strokes, nondigit=nondigit)
    from digitpad.storage import UserStore

    adapted = AdaptedModel(model)
    note = learn_taught_samples(adapted, UserStore(user_dir).read_samples())
    if note:
        print(f"digitpad: {note}", file=sys.stderr, flush=True)
    return Recognizer(adapted, strokes=strokes, nondigit=nondigit)


def predict(files, as_json: bool, model_file=None, adapt: bool = True) -> int:
    """Read each picture; with `adapt`, with what the user taught in the window."""
    from digitpad.model import ModelError
    from digitpad.pictures import PictureError, read_picture

    recognizer = None  # loaded at the first readable picture: refusing a file needs no model
    status = 0
    for path in files:
        try:
            picture = read_picture(path)
        except PictureError as error:
            print(f"digitpad: {error}", file=sys.stderr, flush=True)
            if as_json:  # scripts see every file, the unreadable ones too
                reason = str(error).removeprefix(f"{path}: ")
                print(json.dumps({"file": str(path), "error": reason}), flush=True)
            status = 2
            continue
        if recognizer is None:
            try:
                from digitpad.storage import default_user_dir

                recognizer = load_recognizer(model_file, default_user_dir() if adapt else None)
            except ModelError as error:
                print(f"digitpad: {error}", file=sys.stderr)
                return 2
        result = recognizer.recognise_picture(picture)
        if as_json:
            print(json.dumps({"file": str(path), **result.to_json()}), flush=True)
        elif not result.digits:
            print(f"{path}: no digits found", flush=True)
        else:
            verdict = "" if result.sure else f" (not sure: {result.doubt})"
            print(f"{path}: {result.text} {result.confidence:.1%}{verdict}", flush=True)
    if recognizer is not None:
        recognizer.close()
    return status


def display_problem(user_video_driver: str | None) -> str | None:
    """Why the window cannot be shown, or None. With no display (no X or Wayland server) SDL
    falls back to its offscreen driver: the window would run invisibly and never end. That
    driver, or the dummy one, is accepted only when the user asked for it in SDL_VIDEODRIVER
    (as the tests and benches do)."""
    import pygame

    from digitpad.model import quiet_native_stderr

    try:
        with quiet_native_stderr():  # SDL's Wayland back end prints its own complaint first
            pygame.display.init()
    except pygame.error as error:
        return f"no display found ({error})"
    driver = pygame.display.get_driver()
    asked = [name.strip().lower() for name in (user_video_driver or "").split(",") if name.strip()]
    if driver in NO_DISPLAY_DRIVERS and driver not in asked:
        pygame.display.quit()
        return "no display found (DISPLAY and WAYLAND_DISPLAY are unset, or no display server answers)"
    return None


def main(argv=None) -> int:
    user_video_driver = os.environ.get("SDL_VIDEODRIVER")  # as the user set it, before anything else
    arguments = build_parser().parse_args(argv)
    if arguments.command == "predict":
        return predict(arguments.files, arguments.json, arguments.model, adapt=not arguments.no_adapt)
    if arguments.self_test:
        from digitpad.selftest import run_self_test

        return run_self_test(arguments.model)
    problem = display_problem(user_video_driver)
    if problem is not None:
        print(f"digitpad: {problem}; the window needs one. `digitpad predict FILE...` and "
              "`digitpad --self-test` work without a display.", file=sys.stderr)
        return 1
    from digitpad.app import App

    try:
        return App(model_file=arguments.model).run()
    except KeyboardInterrupt:
        return 0
