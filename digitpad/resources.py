"""Find files shipped with digitpad: from a source checkout, an installed wheel, or a PyInstaller bundle.

Every shipped file (model, fonts, icons, sample drawings) is looked up here and nowhere else.
The repository's top-level model/ and assets/ folders are their only copy: `pip install .`
puts them in the wheel as digitpad/shipped/model and digitpad/shipped/assets (pyproject.toml's
package-dir mapping), and build_exe.spec puts them in the bundle as model/ and assets/.
"""

import pathlib
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent
INSTALLED_ROOT = PACKAGE / "shipped"  # installed from a wheel: package data beside the code
SOURCE_ROOT = PACKAGE.parent  # a source checkout (or an editable install of one)


def bundle_root() -> pathlib.Path:
    """The folder holding model/ and assets/: PyInstaller's unpack dir when frozen, the
    package's shipped/ folder when installed, else the checkout."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return pathlib.Path(frozen_root)
    if INSTALLED_ROOT.is_dir():
        return INSTALLED_ROOT
    return SOURCE_ROOT


def resource_path(*parts: str) -> pathlib.Path:
    """Path of a shipped file, e.g. resource_path("model", "digitpad.tflite")."""
    return bundle_root().joinpath(*parts)


def model_path() -> pathlib.Path:
    """The image model: 28x28 pictures of digits."""
    return resource_path("model", "digitpad.tflite")


def stroke_model_path() -> pathlib.Path:
    """The stroke model: a drawn digit's pen path (digitpad/stroke_reader.py)."""
    return resource_path("model", "digitpad-strokes.tflite")


def grouping_prior_path() -> pathlib.Path:
    """The grouping prior: how likely neighbouring pieces are one digit (digitpad/join_prior.py)."""
    return resource_path("model", "grouping-prior.json")


def nondigit_path() -> pathlib.Path:
    """The not-a-digit reader of the bundled image model (digitpad/nondigit.py)."""
    return resource_path("model", "digitpad-nondigit.npz")


def asset_path(*parts: str) -> pathlib.Path:
    return resource_path("assets", *parts)
