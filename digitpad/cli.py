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
BROKEN_PIPE_STATUS = 128 + 13  # the status a shell reports for a process ended by SIGPIPE (13)


def program_name() -> str:
    """How the program was started, for its usage line: digitpad-cli when the built console
    program was; digitpad otherwise (also for python -m digitpad, whose argv[0] is __main__.py)."""
    name = pathlib.Path(sys.argv[0]).stem
    return name if name.startswith("digitpad") else "digitpad"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=program_name(), description="Draw digits and see them recognised live.")
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    parser.add_argument("--self-test", action="store_true", help="recognise the bundled sample drawings and exit")
    model_help = "use this .tflite model instead of the bundled one"
    parser.add_argument("--model", type=pathlib.Path, help=model_help)
    commands = parser.add_subparsers(dest="command")
    predict = commands.add_parser("predict", help="print the number read in each picture")
    predict.add_argument("files", nargs="+", type=pathlib.Path, metavar="FILE")
    predict.add_argument("--json", action="store_true", help="one JSON object per line, for errors too")
    predict.add_argument("--inside", action="store_true",
                         help="JSON as --json, and each digit's readings and nearest reference digits")
    predict.add_argument("--no-adapt", action="store_true",
                         help="read without what you taught in the window (the model is chosen as the window "
                              "chooses it)")
    # SUPPRESS: without --model here, the value given before `predict` is kept
    predict.add_argument("--model", type=pathlib.Path, default=argparse.SUPPRESS, help=model_help)
    return parser


def load_recognizer(model_file, user_dir: pathlib.Path | None = None, with_strokes: bool = False,
                    adapt: bool = True, strict: bool = True):
    """The Recognizer of the image model chosen as the window chooses it (model_choice:
    model_file, else with user_dir the user's fine-tuned model there, else the bundled one),
    its notice printed to stderr as the window shows it. With user_dir and adapt, it reads with
    what the user taught in the window (the samples in that folder), as the window does; with
    with_strokes, drawings also with the bundled stroke model, as the window does (pictures
    have no strokes). ModelError when no model can be loaded, and with `strict` when model_file
    cannot be (the self-test checks the model it is given); without, the bundled model takes
    its place and the notice says so, as in the window."""
    from digitpad.adaptation import AdaptedModel, learn_taught_samples
    from digitpad.model import ModelError
    from digitpad.model_choice import FALLBACK, choose_model
    from digitpad.nondigit import load_reader
    from digitpad.recognition import Recognizer
    from digitpad.resources import stroke_model_path
    from digitpad.stroke_reader import StrokeReader

    choice = choose_model(model_file, user_dir)
    if choice.model is None or (strict and choice.wanted_skipped):
        raise ModelError(choice.notice.removesuffix(FALLBACK))
    if choice.notice:
        print(f"digitpad: {choice.notice}", file=sys.stderr, flush=True)
    strokes = StrokeReader(stroke_model_path()) if with_strokes else None
    nondigit, notice = load_reader(choice.model)
    if notice:
        print(f"digitpad: {notice}", file=sys.stderr, flush=True)
    if user_dir is None or not adapt:
        return Recognizer(choice.model, strokes=strokes, nondigit=nondigit)
    from digitpad.storage import UserStore

    adapted = AdaptedModel(choice.model)
    note = learn_taught_samples(adapted, UserStore(user_dir).read_samples())
    if note:
        print(f"digitpad: {note}", file=sys.stderr, flush=True)
    return Recognizer(adapted, strokes=strokes, nondigit=nondigit)


def describe(path, picture, recognizer, inside: bool = False) -> tuple[str, dict]:
    """Read a picture (H, W[, C]) uint8: (the line predict prints, its JSON record). More
    digits than the recogniser reads are counted ("found"); a picture of one flat shade is
    named as such. With `inside`, each digit of the record also says what the inside view
    shows (digitpad/inside.py)."""
    from digitpad import preprocess
    from digitpad.recognition import percent_text

    result = recognizer.recognise_picture(picture)
    record = {"file": str(path), **result.to_json(), "found": len(result.digits)}
    if inside:
        record["digits"] = inside_json(result, recognizer)["digits"]
    limit = recognizer.settings.max_digits
    if result.scribble and len(result.digits) == limit:  # more pieces than that: count them (rare)
        found = len(preprocess.split_digits(preprocess.image_to_mask(picture), recognizer.settings.preprocess))
        if found > limit:
            record["found"] = found
            record["doubt"] = f"too many digits: {found} found, the first {limit} read"
    if not result.digits:
        reason = "no contrast between paper and ink: the picture is one flat shade" \
            if preprocess.is_flat(picture) else ""
        record["doubt"] = reason
        return f"{path}: no digits found" + (f" ({reason})" if reason else ""), record
    verdict = "" if result.sure else f" (not sure: {record['doubt']})"
    if not result.judged_by_confidence:  # as the panel: the digits' confidence says nothing of such ink
        return f"{path}: {result.text}{verdict}", record
    return f"{path}: {result.text} {percent_text(result.confidence)}{verdict}", record


def predict(files, as_json: bool, model_file=None, adapt: bool = True, inside: bool = False) -> int:
    """Read each picture; with `adapt`, with what the user taught in the window. The model is
    chosen as the window chooses it, from the user's folder, with or without `adapt`. With
    `inside` (and as_json), each digit also says what the inside view shows."""
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
                from digitpad.storage import default_user_dir  # (loads OpenCV: not for a refused file)

                recognizer = load_recognizer(model_file, default_user_dir(), adapt=adapt, strict=False)
            except ModelError as error:
                print(f"digitpad: {error}", file=sys.stderr)
                return 2
            if model_file and recognizer.model.path != pathlib.Path(model_file):
                status = 2  # the --model file was refused: the bundled model reads, as in the window
        text, record = describe(path, picture, recognizer, inside=as_json and inside)
        print(json.dumps(record) if as_json else text, flush=True)
    if recognizer is not None:
        recognizer.close()
    return status


def quietly_through_a_closed_pipe(command) -> int:
    """command()'s exit status; when the reader of its output goes away (`predict ... | head -1`),
    it stops there without a word, as Unix tools do, with the status of a process ended by
    SIGPIPE (141)."""
    try:
        return command()
    except BrokenPipeError:
        try:  # Python flushes stdout once more at exit: into nothing, rather than a second error
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return BROKEN_PIPE_STATUS

def inside_json(result, recognizer) -> dict:
    """result.to_json() with each digit's "inside": its readings and nearest reference digits."""
    from digitpad.inside import load_reference_digits, read_inside

    try:
        reference, note = load_reference_digits(recognizer.model.path), ""
    except ValueError as error:
        reference, note = None, str(error)
    data = result.to_json()
    for index, digit in enumerate(data["digits"]):
        digit["inside"] = read_inside(result, index, recognizer.model, reference, note).to_json()
    return data


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
        return quietly_through_a_closed_pipe(
            lambda: predict(arguments.files, arguments.json or arguments.inside, arguments.model,
                            adapt=not arguments.no_adapt, inside=arguments.inside))
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
