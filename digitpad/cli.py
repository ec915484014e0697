"""Command line: open the window, read pictures (predict), or check the install (--self-test)."""

import argparse
import json
import os
import pathlib
import sys

from digitpad import __version__

MAX_FILE_BYTES = 50 * 1024 * 1024  # larger files are refused before decoding
MAX_PIXELS = 40_000_000  # larger pictures are refused after reading the header


class InputError(ValueError):
    """A picture that cannot be read; the message names the file."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digitpad", description="Draw digits and see them recognised live.")
    parser.add_argument("--version", action="version", version=f"digitpad {__version__}")
    parser.add_argument("--self-test", action="store_true", help="recognise the bundled sample drawings and exit")
    parser.add_argument("--model", type=pathlib.Path, help="use this .tflite model instead of the bundled one")
    commands = parser.add_subparsers(dest="command")
    predict = commands.add_parser("predict", help="print the number read in each picture")
    predict.add_argument("files", nargs="+", type=pathlib.Path, metavar="FILE")
    predict.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def read_picture(path: pathlib.Path):
    """(H, W) or (H, W, C) uint8 pixels of a picture file; InputError saying what is wrong."""
    import cv2
    import numpy as np

    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"{path}: cannot open ({error.strerror or error})") from error
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: file too large ({size / 1e6:.0f} MB, at most {MAX_FILE_BYTES / 1e6:.0f} MB)")
    try:
        data = np.fromfile(path, np.uint8)
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error})") from error
    os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_PIXELS))
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise InputError(f"{path}: not a picture digitpad can read (PNG, JPEG, BMP, TIFF, WebP…)")
    if image.shape[0] * image.shape[1] > MAX_PIXELS:
        raise InputError(f"{path}: picture too large ({image.shape[1]}x{image.shape[0]} pixels)")
    if image.dtype != np.uint8:
        image = cv2.normalize(image, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)
    return image


def load_recognizer(model_file):
    from digitpad.model import DigitModel
    from digitpad.recognition import Recognizer
    from digitpad.resources import model_path

    return Recognizer(DigitModel(model_file or model_path()))


def predict(files, as_json: bool, model_file=None) -> int:
    from digitpad.model import ModelError

    try:
        recognizer = load_recognizer(model_file)
    except ModelError as error:
        print(f"digitpad: {error}", file=sys.stderr)
        return 2
    status = 0
    for path in files:
        try:
            result = recognizer.recognise_picture(read_picture(path))
        except InputError as error:
            print(f"digitpad: {error}", file=sys.stderr)
            status = 2
            continue
        if as_json:
            print(json.dumps({"file": str(path), **result.to_json()}), flush=True)
        elif not result.digits:
            print(f"{path}: no digits found", flush=True)
        else:
            verdict = "" if result.sure else " (not sure)"
            print(f"{path}: {result.text} {result.confidence:.1%}{verdict}", flush=True)
    return status


def main(argv=None) -> int:
    arguments = build_parser().parse_args(argv)
    if arguments.command == "predict":
        return predict(arguments.files, arguments.json, arguments.model)
    if arguments.self_test:
        from digitpad.selftest import run_self_test

        return run_self_test(arguments.model)
    from digitpad.app import App

    try:
        return App(model_file=arguments.model).run()
    except KeyboardInterrupt:
        return 0
