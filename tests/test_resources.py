"""Shipped files are found from source, frozen and installed; `pip install .` gives a working
`digitpad` command anywhere, with the model and assets as package data."""

import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

from digitpad import resources
from tests.conftest import REPO

# what the program needs at run time (build_exe.spec bundles the same), as repository paths
SHIPPED = [pathlib.Path("model", name) for name in ("digitpad.tflite", "digitpad.reference.npz",
                                                    "digitpad-strokes.tflite")]
SHIPPED += sorted(path.relative_to(REPO) for folder in ("fonts", "icons", "samples")
                  for path in (REPO / "assets" / folder).iterdir())


def test_from_source_the_checkouts_folders_are_used():
    assert resources.bundle_root() == REPO and not resources.INSTALLED_ROOT.exists()
    assert resources.model_path() == REPO / "model" / "digitpad.tflite" and resources.model_path().is_file()
    assert resources.asset_path("fonts", "DejaVuSans.ttf").is_file()


def test_frozen_the_bundles_folder_is_used(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.stroke_model_path() == tmp_path / "model" / "digitpad-strokes.tflite"


def test_installed_the_packages_shipped_folder_is_used(monkeypatch, tmp_path):
    monkeypatch.setattr(resources, "INSTALLED_ROOT", tmp_path)
    assert resources.asset_path("icons", "digitpad.png") == tmp_path / "assets" / "icons" / "digitpad.png"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel `pip install .` builds, from a copy of the files it is built from (an in-tree
    build would leave build/ and *.egg-info in the checkout)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "digitpad", "model", "assets"):
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy2
        copy(REPO / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                            if (REPO / name).is_dir() else {}))
    out = tmp_path_factory.mktemp("wheel")
    completed = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                                "--quiet", "--wheel-dir", str(out), str(source)],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (built,) = out.glob("digitpad-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_holds_the_model_and_assets_as_they_are_in_the_repository(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for path in SHIPPED:
            inside = f"digitpad/shipped/{path.as_posix()}"
            assert inside in names and archive.read(inside) == (REPO / path).read_bytes(), path
        shipped = {name for name in names if name.startswith("digitpad/shipped/")}
        entry_points = archive.read(next(name for name in names if name.endswith("entry_points.txt"))).decode()
    assert len(shipped) == len(SHIPPED)  # nothing else: no Keras model, reports or screenshot
    assert "digitpad = digitpad.__main__:main" in entry_points


@pytest.mark.slow
def test_the_installed_command_works_from_any_folder(wheel, tmp_path):
    """Installed into a fresh environment (which borrows the system's numpy, OpenCV, pygame
    and LiteRT), `digitpad` runs from a folder far from the checkout."""
    environment_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(environment_dir)],
                   check=True, timeout=120)
    python = environment_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    completed = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                                "--no-index", "--quiet", str(wheel)], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    command = python.with_name("digitpad.exe" if os.name == "nt" else "digitpad")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment["DIGITPAD_HOME"] = str(tmp_path / "home")

    def run(*arguments):
        return subprocess.run([str(command), *arguments], cwd=elsewhere, env=environment, capture_output=True,
                              text=True, timeout=120)

    self_test = run("--self-test")
    assert self_test.returncode == 0 and "self-test passed" in self_test.stdout, self_test.stdout + self_test.stderr
    installed = environment_dir.resolve()
    assert str(installed) in self_test.stdout and str(REPO) not in self_test.stdout  # the wheel's model, not ours
    predicted = run("predict", str(REPO / "assets" / "samples" / "sample-42.png"))
    assert predicted.returncode == 0 and ": 42 " in predicted.stdout, predicted.stderr
