import json
import os

import cv2
import numpy as np
import pytest

from digitpad import storage
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
