"""The built executable, run as a user would: no PYTHONPATH, another directory, no network.

Skipped unless DIGITPAD_EXE names the built one-folder program (CI sets it after
`pyinstaller build_exe.spec`), absolute or relative to the folder pytest starts in; the restart
test also needs Xvfb, xdotool, xwininfo and xprop.
"""

import json
import os
import pathlib
import shutil
import subprocess
import time

import cv2
import numpy as np
import pytest

from tests.conftest import REPO
from tests.xserver import open_window, start_x_server, window_ids, x_client

# made absolute here: the tests run the program from temporary folders
EXE = os.path.abspath(os.environ["DIGITPAD_EXE"]) if os.environ.get("DIGITPAD_EXE") else None
pytestmark = pytest.mark.skipif(not EXE, reason="DIGITPAD_EXE not set: no built executable to test")


def user_environment(home: pathlib.Path, **extra) -> dict:
    """What a user's session has: a home, a PATH, no Python variables."""
    environment = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SDL_VIDEODRIVER": "dummy", "LANG": "C.UTF-8"}
    environment.update(extra)
    return environment


def run(arguments, home, cwd, timeout=120, **extra):
    return subprocess.run([EXE, *arguments], capture_output=True, text=True, cwd=cwd,
                          env=user_environment(home, **extra), timeout=timeout)


def test_self_test(tmp_path):
    completed = run(["--self-test"], tmp_path, tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "self-test passed" in completed.stdout and "digitpad-strokes.tflite" in completed.stdout  # bundled


def test_predict_sample_png(tmp_path):
    completed = run(["predict", str(REPO / "assets" / "samples" / "sample-42.png")], tmp_path, tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert ": 42 " in completed.stdout


def test_predict_bad_file(tmp_path):
    (tmp_path / "x.png").write_text("no")
    completed = run(["predict", str(tmp_path / "x.png")], tmp_path, tmp_path)
    assert completed.returncode == 2 and "Traceback" not in completed.stderr


def test_frozen_agrees_with_source_on_pen_digits(tmp_path):
    """Pictures of all 6,353 pen digits: the executable reads each exactly as the source does."""
    from digitpad.cli import load_recognizer
    from digitpad.ink import render_mask
    from training import pen_digits

    recognizer = load_recognizer(None)
    files, expected = [], []
    for index, digit in enumerate(pen_digits.load(REPO / "tests" / "data" / "pen_digits_dev.npz")):
        mask = render_mask(pen_digits.to_strokes(digit, pen_digits.CONDITIONS[0], 560), (280, 280), 0.5)
        path = tmp_path / f"pen-{index:04d}.png"
        cv2.imwrite(str(path), mask * 255)
        files.append(str(path))
        expected.append(recognizer.recognise_picture(mask * 255).to_json())
    completed = run(["predict", "--json", *files], tmp_path, tmp_path, timeout=600)
    frozen = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(frozen) == len(expected) == 6353
    assert [f["text"] for f in frozen] == [e["text"] for e in expected]
    assert np.allclose([f["confidence"] for f in frozen], [e["confidence"] for e in expected], atol=1e-4)


def test_frozen_predict_adapts_to_what_was_taught(tmp_path):
    """The executable reads with the user's taught samples, with numpy and LiteRT only."""
    from tests.conftest import teach_a_misread_picture

    home = tmp_path / "digitpad-home"
    path, bundled_reading = teach_a_misread_picture(tmp_path, home)
    assert bundled_reading != "0"
    adapted = run(["predict", "--json", str(path)], tmp_path, tmp_path, DIGITPAD_HOME=str(home))
    alone = run(["predict", "--json", "--no-adapt", str(path)], tmp_path, tmp_path, DIGITPAD_HOME=str(home))
    assert adapted.returncode == 0 and alone.returncode == 0, adapted.stderr + alone.stderr
    assert json.loads(adapted.stdout)["text"] == "0"
    assert json.loads(alone.stdout)["text"] == bundled_reading


def test_no_build_machine_paths_in_the_bundle():
    """Nothing in the bundle names the folder it was built from."""
    build_folder = str(REPO).encode()
    leaking = [path for path in pathlib.Path(EXE).parent.rglob("*")
               if path.is_file() and not path.is_symlink() and build_folder in path.read_bytes()]
    assert not leaking, leaking[:10]


def test_missing_model_gives_a_message(tmp_path):
    bundle = pathlib.Path(EXE).parent
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy, symlinks=True)
    next(copy.rglob("digitpad.tflite")).write_bytes(b"broken")
    completed = subprocess.run([str(copy / pathlib.Path(EXE).name), "--self-test"], capture_output=True, text=True,
                               cwd=tmp_path, env=user_environment(tmp_path), timeout=120)
    assert completed.returncode == 1 and "damaged" in completed.stderr and "Traceback" not in completed.stderr


def find_window(environment) -> str:
    """The id of the window titled digitpad (xdotool's search misses it without a window manager)."""
    ids = window_ids(environment, "digitpad")
    assert ids, "no digitpad window on the screen"
    return str(int(ids[0], 16))


@pytest.mark.skipif(not all(map(shutil.which, ("Xvfb", "xdotool", "xwininfo", "xprop"))),
                    reason="needs Xvfb, xdotool, xwininfo, xprop")
def test_saved_work_survives_a_restart(tmp_path):
    """Draw, correct and save in the real window; quit; start again: the files are still there.
    The window's class is digitpad (not the program's file name)."""
    gui = str(pathlib.Path(EXE).with_name("digitpad"))
    server, display = start_x_server(tmp_path / "xvfb.log")
    try:
        environment = user_environment(tmp_path, DISPLAY=display)
        del environment["SDL_VIDEODRIVER"]
        data = tmp_path / ".local" / "share" / "digitpad"
        for attempt in range(2):
            app, _ = open_window([gui], environment, tmp_path)
            time.sleep(2.0)  # the model loaded

            def xdotool(*arguments):
                x_client(["xdotool", *arguments], environment, check=True)

            if attempt == 0:
                window = find_window(environment)
                classes = x_client(["xprop", "-id", window, "WM_CLASS"], environment)
                assert classes.strip() == 'WM_CLASS(STRING) = "digitpad", "digitpad"'
                xdotool("windowfocus", "--sync", window)
                xdotool("mousemove", "--window", window, "300", "100", "mousedown", "1")
                for y in range(100, 500, 20):
                    xdotool("mousemove", "--window", window, "300", str(y))
                xdotool("mouseup", "1")
                time.sleep(0.5)
                xdotool("key", "--window", window, "Return", "1", "Return")  # a correction: this is a 1
                xdotool("key", "--window", window, "ctrl+s")
                time.sleep(0.5)
            else:
                assert len(list((data / "drawings").glob("*.png"))) == 1
                assert len(list((data / "samples" / "1").glob("*.png"))) == 1
            x_client(["xdotool", "key", "--window", find_window(environment), "Escape"], environment)
            assert app.wait(timeout=20) == 0, app.stderr.read()
        assert len(list((data / "drawings").glob("*.json"))) == 1
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_predict_inside_reads_as_the_source(tmp_path):
    """The executable carries the feature maps and the reference digits: predict --inside gives
    the source's readings and nearest reference digits."""
    from digitpad.cli import inside_json, load_recognizer
    from digitpad.pictures import read_picture

    sample = REPO / "assets" / "samples" / "sample-42.png"
    completed = run(["predict", "--inside", "--no-adapt", str(sample)], tmp_path, tmp_path)
    assert completed.returncode == 0, completed.stderr
    frozen = json.loads(completed.stdout)["digits"]
    recognizer = load_recognizer(None)
    expected = inside_json(recognizer.recognise_picture(read_picture(sample)), recognizer)["digits"]
    recognizer.close()
    assert [digit["inside"]["verdict"] for digit in frozen] == [digit["inside"]["verdict"] for digit in expected]
    assert [[n["label"] for n in digit["inside"]["nearest"]] for digit in frozen] == \
        [[n["label"] for n in digit["inside"]["nearest"]] for digit in expected]
    assert all(len(digit["inside"]["nearest"]) == 5 for digit in frozen)


@pytest.mark.skipif(not all(map(shutil.which, ("Xvfb", "xdotool", "xwininfo"))), reason="needs Xvfb, xdotool, xwininfo")
def test_the_window_shows_the_inside_view(tmp_path):
    """I opens the inside view in the real window and it follows a drawing; the first Esc
    closes it (the program keeps running), the second asks whether to quit without saving the
    drawing (it keeps running) and Y quits."""
    gui = str(pathlib.Path(EXE).with_name("digitpad"))
    display = ":58"
    server = subprocess.Popen(["Xvfb", display, "-screen", "0", "1024x768x24"], stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        environment = user_environment(tmp_path, DISPLAY=display)
        del environment["SDL_VIDEODRIVER"]
        app = subprocess.Popen([gui], cwd=tmp_path, env=environment, stderr=subprocess.PIPE, text=True)
        time.sleep(3.0)

        def xdotool(*arguments):
            subprocess.run(["xdotool", *arguments], env=environment, check=True, timeout=10)

        window = find_window(environment)
        xdotool("windowfocus", "--sync", window)
        xdotool("key", "--window", window, "i")
        xdotool("mousemove", "--window", window, "150", "100", "mousedown", "1")
        for y in range(100, 400, 20):
            xdotool("mousemove", "--window", window, "150", str(y))
        xdotool("mouseup", "1")
        time.sleep(1.0)
        xdotool("key", "--window", window, "Escape")  # closes the view
        time.sleep(1.0)
        assert app.poll() is None, app.stderr.read()
        xdotool("key", "--window", window, "Escape")  # asks: the drawing is not saved
        time.sleep(1.0)
        assert app.poll() is None, app.stderr.read()
        xdotool("key", "--window", window, "y")  # quits
        assert app.wait(timeout=20) == 0, app.stderr.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
