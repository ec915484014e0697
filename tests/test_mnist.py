import gzip
import shutil

import numpy as np
import pytest

from tests.conftest import MNIST_DIR
from training.mnist import (
    IMAGES_MAGIC,
    LABELS_MAGIC,
    TEST_IMAGES,
    TEST_LABELS,
    MnistFileError,
    load_mnist,
    load_split,
    read_idx,
)


def test_loads_the_shipped_copy():
    (train_images, train_labels), (test_images, test_labels) = load_mnist(MNIST_DIR)
    assert train_images.shape == (60000, 28, 28) and train_images.dtype == np.uint8
    assert test_images.shape == (10000, 28, 28)
    assert train_labels[:5].tolist() == [5, 0, 4, 1, 9]  # MNIST's well-known first labels
    assert test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(train_labels).min() > 5000


def test_reads_uncompressed_files(tmp_path):
    plain = tmp_path / "labels-idx1-ubyte"
    plain.write_bytes(gzip.decompress((MNIST_DIR / TEST_LABELS).read_bytes()))
    assert read_idx(plain, LABELS_MAGIC)[:3].tolist() == [7, 2, 1]


def _broken_copy(tmp_path, name, edit):
    data = bytearray(gzip.decompress((MNIST_DIR / name).read_bytes()))
    path = tmp_path / name
    path.write_bytes(gzip.compress(bytes(edit(data))))
    return path


@pytest.mark.parametrize(
    "name, edit, message",
    [
        (TEST_LABELS, lambda d: d[:-10], "truncated"),
        (TEST_LABELS, lambda d: d + b"\0", "corrupt"),
        (TEST_LABELS, lambda d: b"\0\0\x08\x03" + d[4:], "magic"),
        (TEST_LABELS, lambda d: d[:3], "too short"),
        (TEST_LABELS, lambda d: d[:8] + bytes([12]) + d[9:], "outside 0-9"),
        (TEST_IMAGES, lambda d: d[:-1], "truncated"),
    ],
)
def test_broken_files_raise_naming_the_file(tmp_path, name, edit, message):
    path = _broken_copy(tmp_path, name, edit)
    images = path if name == TEST_IMAGES else MNIST_DIR / TEST_IMAGES
    labels = path if name == TEST_LABELS else MNIST_DIR / TEST_LABELS
    if name == TEST_LABELS and message == "outside 0-9":
        images = tmp_path / "images.gz"
        images.write_bytes(gzip.compress(gzip.decompress((MNIST_DIR / TEST_IMAGES).read_bytes())))
    with pytest.raises(MnistFileError, match=message) as caught:
        load_split(images, labels)
    assert str(tmp_path) in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(MnistFileError, match="not found"):
        read_idx(tmp_path / "nothing.gz", IMAGES_MAGIC)


def test_not_gzip_but_garbage(tmp_path):
    path = tmp_path / "garbage.gz"
    path.write_bytes(b"\x1f\x8b" + b"not really gzip" * 10)
    with pytest.raises(MnistFileError, match="cannot read"):
        read_idx(path, IMAGES_MAGIC)


def test_label_count_must_match_images(tmp_path):
    shutil.copy(MNIST_DIR / TEST_IMAGES, tmp_path / TEST_IMAGES)
    labels = _broken_copy(tmp_path, TEST_LABELS, lambda d: d[:4] + (9999).to_bytes(4, "big") + d[8 : 8 + 9999])
    with pytest.raises(MnistFileError, match="9999 labels for 10000 images"):
        load_split(tmp_path / TEST_IMAGES, labels)
