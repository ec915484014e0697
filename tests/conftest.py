import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # headless: no screen needed
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pathlib  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parent.parent
DATA = pathlib.Path(__file__).resolve().parent / "data"
PEN_DIGITS = DATA / "pen_digits_dev.npz"
MNIST_DIR = REPO / "data" / "mnist"


@pytest.fixture(autouse=True)
def user_home(tmp_path, monkeypatch):
    """Every test gets its own empty user data folder."""
    home = tmp_path / "digitpad-home"
    monkeypatch.setenv("DIGITPAD_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def mnist_test():
    from training.mnist import TEST_IMAGES, TEST_LABELS, load_split

    return load_split(MNIST_DIR / TEST_IMAGES, MNIST_DIR / TEST_LABELS)


@pytest.fixture(scope="session")
def pen_digit_set():
    from training import pen_digits as module

    return module.load(PEN_DIGITS)


@pytest.fixture(scope="session")
def model():
    from digitpad.model import DigitModel
    from digitpad.resources import model_path

    return DigitModel(model_path())


@pytest.fixture(scope="session")
def recognizer(model):
    from digitpad.recognition import Recognizer

    return Recognizer(model)


@pytest.fixture
def app(user_home):
    from digitpad.app import App

    application = App(user_dir=user_home)
    application.flush()
    yield application
    application.close()


def balanced_sample(digits, per_class: int, seed: int = 0):
    """per_class pen digits of each label, picked at random but reproducibly."""
    rng = np.random.default_rng(seed)
    chosen = []
    for label in range(10):
        rows = [i for i, digit in enumerate(digits) if digit.label == label]
        chosen.extend(digits[i] for i in rng.choice(rows, per_class, replace=False))
    return chosen


def ellipse(centre_x, centre_y, radius_x, radius_y, points=40):
    """Points of an ellipse drawn clockwise from its top, canvas pixels."""
    angles = np.linspace(0, 2 * np.pi, points)
    return tuple((float(centre_x + radius_x * np.sin(a)), float(centre_y - radius_y * np.cos(a))) for a in angles)


def teach_a_misread_picture(folder: pathlib.Path, home: pathlib.Path):
    """Write a picture of a narrow 0 crossed by a bar reaching past both its sides (the bundled
    model reads it as 8; the test using this asserts that) to folder, and
    teach it as 0 in the user folder `home` as the window would (samples/0/*.png, the 28x28
    input). Returns (picture path, what the bundled model reads)."""
    import cv2

    from digitpad.cli import load_recognizer
    from digitpad.drawing import Stroke
    from digitpad.ink import render_mask
    from digitpad.storage import UserStore

    strokes = [Stroke(ellipse(280, 280, 70, 170), 24.0), Stroke(((170, 280), (390, 280)), 24.0)]
    picture = np.where(render_mask(strokes, (560, 560)) > 0, 20, 235).astype(np.uint8)
    path = folder / "crossed-zero.png"
    cv2.imwrite(str(path), picture)
    recognizer = load_recognizer(None)
    result = recognizer.recognise_picture(picture)
    recognizer.close()
    UserStore(home).save_sample(result.digits[0].image, 0)
    return path, result.text
