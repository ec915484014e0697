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


def test_predict_refuses_huge_pictures(pictures, monkeypatch):
    from digitpad import cli

    monkeypatch.setattr(cli, "MAX_PIXELS", 100)
    with pytest.raises(cli.InputError, match="too large"):
        cli.read_picture(pictures / "seven-light.png")


def test_predict_with_a_missing_model(pictures, tmp_path):
    completed = run("--model", str(tmp_path / "none.tflite"), "predict", str(pictures / "seven-light.png"))
    assert completed.returncode == 2 and "model file not found" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_self_test_passes_from_another_directory(tmp_path):
    completed = run("--self-test", cwd=tmp_path)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "self-test passed" in completed.stdout and "7/7 samples right" in completed.stdout


def test_version():
    completed = run("--version")
    assert completed.returncode == 0 and completed.stdout.startswith("digitpad ")
