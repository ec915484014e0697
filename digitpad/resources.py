"""Find files shipped with digitpad, from a source checkout or a PyInstaller bundle.

Every shipped file (model, fonts, icons, sample drawings) is looked up here and nowhere else.
"""

import pathlib
import sys


def bundle_root() -> pathlib.Path:
    """The folder holding model/ and assets/: PyInstaller's unpack dir when frozen, else the repo."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return pathlib.Path(frozen_root)
    return pathlib.Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> pathlib.Path:
    """Path of a shipped file, e.g. resource_path("model", "digitpad.tflite")."""
    return bundle_root().joinpath(*parts)


def model_path() -> pathlib.Path:
    """The image model: 28x28 pictures of digits."""
    return resource_path("model", "digitpad.tflite")


def stroke_model_path() -> pathlib.Path:
    """The stroke model: a drawn digit's pen path (digitpad/stroke_reader.py)."""
    return resource_path("model", "digitpad-strokes.tflite")


def nondigit_path() -> pathlib.Path:
    """The not-a-digit reader of the bundled image model (digitpad/nondigit.py)."""
    return resource_path("model", "digitpad-nondigit.npz")


def asset_path(*parts: str) -> pathlib.Path:
    return resource_path("assets", *parts)
