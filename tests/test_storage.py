import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import cv2
import numpy as np
import pytest

from digitpad import storage
from tests.conftest import REPO
from tests.test_pictures import LYING_PNGS, encoded, huge_png


def test_atomic_write_replaces_whole(tmp_path):
    path = tmp_path / "a" / "file.bin"
    storage.atomic_write(path, b"one")
    storage.atomic_write(path, b"two")
    assert path.read_bytes() == b"two"
    assert [p.name for p in path.parent.iterdir()] == ["file.bin"]


def test_failed_write_leaves_no_partial_file(tmp_path, monkeypatch):
    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        storage.atomic_write(tmp_path / "file.bin", b"x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_save_drawing_writes_png_and_json(tmp_path):
    store = storage.UserStore(tmp_path)
    picture = np.zeros((20, 30), np.uint8)
    picture[5:10, 5:25] = 255
    png = store.save_drawing(picture, [{"points": [[1, 2]], "width": 3, "erase": False}], {"text": "1"})
    assert (cv2.imread(str(png), cv2.IMREAD_GRAYSCALE) == picture).all()
    document = json.loads(png.with_suffix(".json").read_text())
    assert document["result"] == {"text": "1"} and document["strokes"][0]["width"] == 3


def test_samples_round_trip(tmp_path):
    store = storage.UserStore(tmp_path)
    image = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    store.save_sample(image, 7)
    store.save_sample(image, 3)
    (tmp_path / "samples" / "3" / "junk.png").write_bytes(b"not a png")
    images, labels = store.load_samples()
    assert labels.tolist() == [3, 7]
    assert np.abs(images[0] / 255 - image).max() <= 1 / 255


@pytest.mark.parametrize("name, content", [
    ("lying.png", LYING_PNGS[0]),  # 141 bytes whose IDAT chunk says 2 GB
    ("huge.png", huge_png()),  # 30000x30000 pixels in 150 kB
    ("big.png", encoded(".png", np.zeros((64, 64), np.uint8))),  # a real picture, not 28x28
    ("sample.jpg", encoded(".jpg", np.zeros((28, 28), np.uint8))),
])
def test_files_that_are_not_samples_are_named_and_never_decoded(tmp_path, monkeypatch, capfd, name, content):
    store = storage.UserStore(tmp_path)
    store.save_sample(np.zeros((28, 28), np.float32), 7)
    (tmp_path / "samples" / "7" / name).write_bytes(content)
    decode, decoded = cv2.imdecode, []

    def counting(data, flags):
        decoded.append(len(data))
        return decode(data, flags)

    monkeypatch.setattr(cv2, "imdecode", counting)
    samples = store.read_samples()
    assert samples.skipped == (f"7/{name}",) and samples.labels.tolist() == [7]
    assert len(decoded) == 1  # the real sample only
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("label, shape", [(10, (28, 28)), (-1, (28, 28)), (3, (27, 28))])
def test_bad_samples_refused(tmp_path, label, shape):
    with pytest.raises(ValueError):
        storage.UserStore(tmp_path).save_sample(np.zeros(shape, np.float32), label)


def test_user_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITPAD_HOME", str(tmp_path))
    assert storage.default_user_dir() == tmp_path
    monkeypatch.delenv("DIGITPAD_HOME")
    assert storage.default_user_dir().name == "digitpad"


@pytest.fixture
def umask():
    """Set the process's umask for one test; the old one comes back afterwards."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664), (0o077, 0o600)])
def test_saved_files_get_the_users_usual_permissions(tmp_path, umask, mask, mode):
    umask(mask)
    store = storage.UserStore(tmp_path)
    png = store.save_drawing(np.zeros((8, 8), np.uint8), [], {"text": ""})
    sample = store.save_sample(np.zeros((28, 28), np.float32), 4)
    replaced = storage.atomic_write(tmp_path / "again.bin", b"one")
    storage.atomic_write(replaced, b"two")
    for path in (png, png.with_suffix(".json"), sample, replaced):
        assert path.stat().st_mode & 0o777 == mode, path.name


def test_temporary_names_never_reuse_an_existing_file(tmp_path, monkeypatch):
    names = iter(["taken", "taken", "free"])
    monkeypatch.setattr(storage.secrets, "token_hex", lambda _: next(names))
    (tmp_path / ".file.bin.taken.tmp").write_bytes(b"someone else's")
    storage.atomic_write(tmp_path / "file.bin", b"mine")
    assert (tmp_path / ".file.bin.taken.tmp").read_bytes() == b"someone else's"
    assert (tmp_path / "file.bin").read_bytes() == b"mine"


def test_a_drawing_is_renamed_into_place_json_first_png_last(tmp_path, monkeypatch):
    renamed = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda source, target: (renamed.append(target), real_replace(source, target)))
    png = storage.UserStore(tmp_path).save_drawing(np.zeros((8, 8), np.uint8), [], {"text": ""})
    assert [pathlib.Path(path).suffix for path in renamed] == [".json", ".png"] and png == renamed[-1]


@pytest.mark.parametrize("failing_rename", [1, 2])
def test_a_failed_save_leaves_neither_file(tmp_path, monkeypatch, failing_rename):
    calls = []
    real_replace = os.replace

    def replace(source, target):
        calls.append(target)
        if len(calls) == failing_rename:
            raise OSError("disk full")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError, match="disk full"):
        storage.UserStore(tmp_path).save_drawing(np.zeros((8, 8), np.uint8), [], {"text": ""})
    assert list((tmp_path / "drawings").iterdir()) == []


KILLED_SAVE = """
import os, pathlib, signal, sys
import numpy as np
from digitpad import storage
real_replace, renames = os.replace, []
def replace(source, target):
    renames.append(target)
    if len(renames) == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(source, target)
os.replace = replace
storage.UserStore(pathlib.Path(sys.argv[1])).save_drawing(np.zeros((8, 8), np.uint8), [], {"text": ""})
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
@pytest.mark.parametrize("killed_at_rename", [1, 2])
def test_a_save_killed_midway_is_cleaned_to_nothing_at_the_next_start(tmp_path, killed_at_rename):
    completed = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(tmp_path), str(killed_at_rename)],
                               cwd=REPO, capture_output=True, timeout=60)
    assert completed.returncode == -signal.SIGKILL, completed.stderr
    drawings = tmp_path / "drawings"
    left = sorted(path.name for path in drawings.iterdir())
    assert any(name.endswith(".tmp") for name in left) and not any(name.endswith(".png") for name in left)
    store = storage.UserStore(tmp_path)
    assert store.clean_up() == []  # too young: it could be another digitpad's save in progress
    store.clean_up(now=time.time() + storage.STALE_TEMP_SECONDS)
    assert list(drawings.iterdir()) == []


def write(path, data=b"x", age=0.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    moment = time.time() - age
    os.utime(path, (moment, moment))
    return path


OLD = storage.STALE_TEMP_SECONDS + 1  # seconds: a temporary file this old is stale
STEM = "drawing-20261201-120000-000001"
CLEANING = {  # name: (files, each (path, age in seconds), and the paths that must be gone afterwards)
    "stale temporary files": ([(f"drawings/.{STEM}.png.0123456789ab.tmp", OLD),
                               ("samples/3/.sample-20261201-120000-000001.png.0123456789ab.tmp", OLD)],
                              {f"drawings/.{STEM}.png.0123456789ab.tmp",
                               "samples/3/.sample-20261201-120000-000001.png.0123456789ab.tmp", "samples/3"}),
    "a young temporary file stays": ([(f"drawings/.{STEM}.png.0123456789ab.tmp", 1.0)], set()),
    "files not named as digitpad names them stay": ([("drawings/.notes.tmp", OLD), ("drawings/.a.b.tmp", OLD),
                                                     ("samples/x/.s.png.0123456789ab.tmp", OLD),
                                                     ("drawings/.b.0123456789AB.tmp", OLD)], set()),
    "a JSON whose PNG never came": ([(f"drawings/{STEM}.json", OLD), (f"drawings/.{STEM}.png.0123456789ab.tmp", OLD)],
                                    {f"drawings/{STEM}.json", f"drawings/.{STEM}.png.0123456789ab.tmp"}),
    "a PNG whose JSON never came": ([(f"drawings/{STEM}.png", OLD), (f"drawings/.{STEM}.json.0123456789ab.tmp", OLD)],
                                    {f"drawings/{STEM}.png", f"drawings/.{STEM}.json.0123456789ab.tmp"}),
    "a whole pair stays": ([(f"drawings/{STEM}.png", OLD), (f"drawings/{STEM}.json", OLD),
                            (f"drawings/.{STEM}.png.0123456789ab.tmp", OLD)],
                           {f"drawings/.{STEM}.png.0123456789ab.tmp"}),
    "a half the user left stays": ([(f"drawings/{STEM}.json", OLD), (f"drawings/{STEM[:-1]}2.png", OLD)], set()),
    "taught samples stay": ([("samples/4/sample-20261201-120000-000001.png", OLD),
                             ("samples/4/.sample-20261201-120000-000002.png.0123456789ab.tmp", OLD)],
                            {"samples/4/.sample-20261201-120000-000002.png.0123456789ab.tmp"}),
}


@pytest.mark.parametrize("case", list(CLEANING))
def test_clean_up_removes_only_what_a_dead_save_left(tmp_path, case):
    files, gone = CLEANING[case]
    for name, age in files:
        write(tmp_path / name, age=age)
    before = {str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*")}
    removed = storage.UserStore(tmp_path).clean_up()
    after = {str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*")}
    assert before - after == gone
    assert sorted(str(path.relative_to(tmp_path)) for path in removed) == sorted(gone)


def test_undoing_the_last_teach_of_a_digit_removes_its_folder(tmp_path):
    store = storage.UserStore(tmp_path)
    first = store.save_sample(np.zeros((28, 28), np.float32), 5)
    second = store.save_sample(np.ones((28, 28), np.float32), 5)
    store.delete_sample(second)
    assert first.parent.is_dir()
    store.delete_sample(first)
    assert not first.parent.exists() and store.samples_dir.is_dir()


def test_forgetting_removes_the_known_samples_and_the_folders_left_empty(tmp_path):
    store = storage.UserStore(tmp_path)
    samples = [store.save_sample(np.zeros((28, 28), np.float32), label) for label in (1, 1, 2)]
    mine = write(store.samples_dir / "2" / "notes.txt")
    assert store.forget_samples(samples) == 3
    assert not (store.samples_dir / "1").exists() and sorted(store.samples_dir.rglob("*")) == [mine.parent, mine]
