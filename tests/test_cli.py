import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest

from digitpad.drawing import Stroke
from digitpad.ink import render_mask
from tests.conftest import REPO

SEVEN = Stroke(((150, 130), (400, 130), (260, 460)), 28.0)
FOUR = [Stroke(((300, 110), (190, 330), (380, 330)), 28.0), Stroke(((330, 200), (330, 460)), 28.0)]


def run(*args, cwd=None):
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, env=environment, timeout=120)


def picture(strokes, dark_on_light):
    mask = render_mask(strokes, (560, 560))
    return np.where(mask > 0, 30, 240).astype(np.uint8) if dark_on_light else mask * 255


@pytest.fixture
def pictures(tmp_path):
    shifted = [Stroke(tuple((x + 560, y) for x, y in s.points), s.width) for s in FOUR]
    number = render_mask([SEVEN] + shifted, (1120, 560)) * 255
    paths = {
        "seven-light.png": picture([SEVEN], True),
        "seven-dark.jpg": picture([SEVEN], False),
        "number.png": number,
    }
    for name, pixels in paths.items():
        cv2.imwrite(str(tmp_path / name), pixels)
    (tmp_path / "notes.txt").write_text("not a picture")
    (tmp_path / "empty.png").write_bytes(b"")
    cv2.imwrite(str(tmp_path / "blank.png"), np.full((64, 64), 255, np.uint8))
    return tmp_path


def test_predict_reads_pictures_of_both_polarities_and_numbers(pictures):
    files = [pictures / "seven-light.png", pictures / "seven-dark.jpg", pictures / "number.png", pictures / "blank.png"]
    completed = run("predict", "--json", *map(str, files))
    assert completed.returncode == 0, completed.stderr
    results = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [r["text"] for r in results] == ["7", "7", "74", ""]
    assert all(0 <= r["confidence"] <= 1 for r in results)


def test_predict_plain_output(pictures):
    completed = run("predict", str(pictures / "seven-light.png"))
    assert completed.returncode == 0
    assert completed.stdout.strip().startswith(f"{pictures / 'seven-light.png'}: 7 ")


@pytest.mark.parametrize("name, reason", [("notes.txt", "not a picture"), ("empty.png", "empty"),
                                          ("missing.png", "cannot open")])
def test_predict_bad_files_exit_2_and_go_on(pictures, name, reason):
    completed = run("predict", str(pictures / name), str(pictures / "seven-light.png"))
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    error_lines = completed.stderr.strip().splitlines()
    assert len(error_lines) == 1 and name in error_lines[0] and reason in error_lines[0]
    assert ": 7 " in completed.stdout  # the good file is still read


def test_predict_refuses_a_decompression_bomb_from_its_header(pictures):
    """30000x30000 pixels in 150 kB: refused before decoding (see bench figures in the report)."""
    from tests.test_pictures import huge_png

    (pictures / "bomb.png").write_bytes(huge_png())
    completed = run("predict", str(pictures / "bomb.png"), str(pictures / "seven-light.png"))
    assert completed.returncode == 2
    error_lines = completed.stderr.strip().splitlines()
    assert len(error_lines) == 1 and "bomb.png: picture too large (30000x30000 pixels" in error_lines[0]
    assert ": 7 " in completed.stdout


def test_predict_truncated_png_prints_only_digitpads_error(pictures):
    data = (pictures / "seven-light.png").read_bytes()
    (pictures / "cut.png").write_bytes(data[: len(data) // 2])
    completed = run("predict", str(pictures / "cut.png"))
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [f"digitpad: {pictures / 'cut.png'}: damaged or truncated PNG "
                                                     "file (chunk IDAT at byte 33 claims "
                                                     f"{int.from_bytes(data[33:37], 'big')} bytes, only "
                                                     f"{len(data) // 2 - 41} follow)"]


def test_predict_png_with_damaged_pixels_prints_only_digitpads_error(pictures):
    """Chunks in place, the compressed pixels inside garbled: libpng's own complaints stay silent."""
    data = bytearray((pictures / "seven-light.png").read_bytes())
    data[60:200] = bytes(140)
    (pictures / "garbled.png").write_bytes(bytes(data))
    completed = run("predict", str(pictures / "garbled.png"))
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == [f"digitpad: {pictures / 'garbled.png'}: cannot decode this PNG "
                                                     "picture (damaged, truncated, or a kind of PNG this build "
                                                     "cannot read)"]


def test_predict_json_reports_unreadable_files_too(pictures):
    files = [pictures / "notes.txt", pictures / "seven-light.png", pictures / "missing.png"]
    completed = run("predict", "--json", *map(str, files))
    assert completed.returncode == 2
    records = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [record["file"] for record in records] == list(map(str, files))
    assert "not a picture" in records[0]["error"] and "cannot open" in records[2]["error"]
    assert records[1]["text"] == "7" and "error" not in records[1]
    assert len(completed.stderr.strip().splitlines()) == 2


@pytest.mark.parametrize("before_command", [True, False])
def test_model_option_before_or_after_predict(pictures, tmp_path, before_command):
    model = ["--model", str(tmp_path / "none.tflite")]
    arguments = [*model, "predict"] if before_command else ["predict", *model]
    completed = run(*arguments, str(pictures / "seven-light.png"))
    assert completed.returncode == 2 and "model file not found" in completed.stderr
    assert "none.tflite" in completed.stderr and "Traceback" not in completed.stderr


def test_model_option_after_predict_is_used(pictures, tmp_path):
    from digitpad.resources import model_path

    copy = tmp_path / "copy.tflite"
    copy.write_bytes(model_path().read_bytes())
    completed = run("predict", "--model", str(copy), str(pictures / "seven-light.png"))
    assert completed.returncode == 0 and ": 7 " in completed.stdout


def test_window_without_a_display_exits_with_a_message(tmp_path):
    """No DISPLAY, WAYLAND_DISPLAY or SDL_VIDEODRIVER: SDL would run offscreen, invisibly, forever."""
    environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
                   "PYTHONPATH": str(REPO), "DIGITPAD_HOME": str(tmp_path / "home")}
    completed = subprocess.run([sys.executable, "-m", "digitpad"], capture_output=True, text=True, cwd=tmp_path,
                               env=environment, timeout=60)
    assert completed.returncode == 1
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("digitpad: no display found")
    assert "predict" in lines[0] and "--self-test" in lines[0]


@pytest.mark.parametrize("asked, opens", [("dummy", True), ("x11,dummy", True), (None, False), ("x11", False)])
def test_headless_drivers_only_when_asked_for(monkeypatch, asked, opens):
    """An SDL_VIDEODRIVER the user set that names the driver SDL ends up with is their choice
    (tests and benches run with dummy); SDL falling back to it by itself means no display."""
    import pygame

    from digitpad import cli

    monkeypatch.setattr(pygame.display, "init", lambda: None)
    monkeypatch.setattr(pygame.display, "get_driver", lambda: "dummy")
    monkeypatch.setattr(pygame.display, "quit", lambda: None)
    assert (cli.display_problem(asked) is None) == opens


def test_window_opens_with_an_explicit_dummy_driver(monkeypatch):
    from digitpad import app, cli

    opened = []

    class FakeApp:
        def __init__(self, model_file=None):
            opened.append(model_file)

        def run(self):
            return 0

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setattr(app, "App", FakeApp)
    assert cli.main([]) == 0 and opened == [None]


def test_predict_with_a_missing_model(pictures, tmp_path):
    completed = run("--model", str(tmp_path / "none.tflite"), "predict", str(pictures / "seven-light.png"))
    assert completed.returncode == 2 and "model file not found" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_self_test_passes_from_another_directory(tmp_path):
    completed = run("--self-test", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "self-test passed" in completed.stdout and "7/7 samples right" in completed.stdout
    assert "digitpad-strokes.tflite" in completed.stdout  # drawings are read with the stroke model too


def test_version():
    completed = run("--version")
    assert completed.returncode == 0 and completed.stdout.startswith("digitpad ")


def test_predict_reads_with_what_was_taught_in_the_window(tmp_path, user_home):
    from tests.conftest import teach_a_misread_picture

    path, bundled_reading = teach_a_misread_picture(tmp_path, user_home)
    assert bundled_reading != "0"  # the bundled model misreads this 0
    environment_home = {"DIGITPAD_HOME": str(user_home)}
    adapted = run_with_env(environment_home, "predict", "--json", str(path))
    alone = run_with_env(environment_home, "predict", "--json", "--no-adapt", str(path))
    assert json.loads(adapted.stdout)["text"] == "0"
    assert json.loads(alone.stdout)["text"] == bundled_reading


def run_with_env(extra, *args):
    environment = {**os.environ, "PYTHONPATH": str(REPO), **extra}
    return subprocess.run([sys.executable, "-m", "digitpad", *args], capture_output=True, text=True,
                          cwd=REPO, env=environment, timeout=120)


def test_a_png_whose_chunk_claims_two_gigabytes_is_one_line(pictures):
    """Issue 22: OpenCV would allocate the 2 GB first (peak memory and time: bench figures)."""
    from tests.test_pictures import LYING_PNGS

    (pictures / "lying.png").write_bytes(LYING_PNGS[0])
    completed = run("predict", str(pictures / "lying.png"), str(pictures / "seven-light.png"))
    assert completed.returncode == 2 and ": 7 " in completed.stdout
    assert completed.stderr.strip().splitlines() == [
        f"digitpad: {pictures / 'lying.png'}: damaged or truncated PNG file (chunk IDAT at byte 33 claims "
        "2147483647 bytes, only 100 follow)"]


@pytest.mark.parametrize("shade", [0, 128, 255])
def test_a_flat_picture_is_named_so(pictures, shade):
    path = pictures / f"flat-{shade}.png"
    cv2.imwrite(str(path), np.full((120, 200, 3), shade, np.uint8))
    completed = run("predict", str(path))
    assert completed.returncode == 0
    assert completed.stdout.strip() == f"{path}: no digits found (no contrast between paper and ink: the picture " \
                                       "is one flat shade)"
    record = json.loads(run("predict", "--json", str(path)).stdout)
    assert record["text"] == "" and record["doubt"].startswith("no contrast between paper and ink")


def test_a_blank_page_that_is_not_flat_is_just_empty(pictures):
    page = np.tile(np.linspace(180, 240, 200, dtype=np.uint8), (120, 1))  # paper in a gradient of light, no ink
    cv2.imwrite(str(pictures / "page.png"), page)
    assert run("predict", str(pictures / "page.png")).stdout.strip() == f"{pictures / 'page.png'}: no digits found"


@pytest.mark.parametrize("count", [12, 15])
def test_how_many_digits_were_found_is_said(pictures, count):
    sevens = [Stroke(tuple((x + 100 * i, y) for x, y in ((20, 20), (80, 20), (45, 110))), 10.0) for i in range(count)]
    path = pictures / f"sevens-{count}.png"
    cv2.imwrite(str(path), np.where(render_mask(sevens, (100 * count + 20, 140)) > 0, 30, 235).astype(np.uint8))
    text = run("predict", str(path)).stdout.strip()
    record = json.loads(run("predict", "--json", str(path)).stdout)
    assert record["found"] == count and record["text"] == "7" * 12
    if count > 12:
        assert text == f"{path}: {'7' * 12} (not sure: too many digits: {count} found, the first 12 read)"
        assert record["doubt"] == f"too many digits: {count} found, the first 12 read"
    else:
        assert text.startswith(f"{path}: {'7' * 12} ") and "not sure" not in text


def test_a_closed_pipe_ends_predict_quietly(pictures):
    """`predict ... | head -1`: the reader goes away; no traceback, the status of SIGPIPE."""
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    files = [str(pictures / "seven-light.png")] * 3
    process = subprocess.Popen([sys.executable, "-m", "digitpad", "predict", *files], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=REPO, env=environment)
    process.stdout.close()  # before digitpad has loaded: its first line meets a closed pipe
    _, errors = process.communicate(timeout=120)
    assert errors.decode() == "" and process.returncode == 128 + 13


@pytest.mark.parametrize("kind, reason", [("folder", "is a folder, not a file"),
                                          ("device", "is not a regular file")])
def test_a_model_option_that_is_not_a_file_says_what_it_is(pictures, tmp_path, kind, reason):
    model = str(tmp_path) if kind == "folder" else os.devnull
    completed = run("predict", "--model", model, str(pictures / "seven-light.png"))
    assert completed.returncode == 2 and ": 7 " in completed.stdout  # read by the bundled model, as in the window
    assert completed.stderr.strip().splitlines() == [f"digitpad: model file {model} {reason}"
                                                     + ("" if kind == "folder" else " (a device, a pipe or a socket)")
                                                     + "; using the bundled model."]


@pytest.mark.parametrize("works", [True, False])
def test_predict_chooses_the_model_as_the_window_does(pictures, user_home, works):
    from digitpad.model_choice import user_model_path
    from digitpad.resources import model_path

    path = user_model_path(user_home)
    path.parent.mkdir(parents=True)
    path.write_bytes(model_path().read_bytes() if works else b"broken")
    completed = run_with_env({"DIGITPAD_HOME": str(user_home)}, "predict", str(pictures / "seven-light.png"))
    assert completed.returncode == 0 and ": 7 " in completed.stdout
    (notice,) = completed.stderr.strip().splitlines()
    if works:
        assert notice == f"digitpad: Using your fine-tuned model: {path}"
    else:
        assert notice.startswith("digitpad: Your fine-tuned model was skipped (model file ")
        assert str(path) in notice and notice.endswith("; using the bundled one.")


def test_self_test_refuses_a_model_it_cannot_load(tmp_path):
    completed = run("--model", str(tmp_path / "none.tflite"), "--self-test")
    assert completed.returncode == 1 and "model file not found" in completed.stderr


@pytest.mark.parametrize("argv0, name", [
    ("/opt/digitpad/digitpad-cli", "digitpad-cli"), ("C:/digitpad/digitpad-cli.exe", "digitpad-cli"),
    ("/x/digitpad/__main__.py", "digitpad"), ("digitpad", "digitpad"),
])
def test_the_usage_line_names_the_program_started(monkeypatch, argv0, name):
    from digitpad import cli

    monkeypatch.setattr(sys, "argv", [argv0])
    assert cli.build_parser().format_usage().startswith(f"usage: {name} ")
