"""Read MNIST's IDX files (gzip-compressed or not) into numpy arrays.

Written here rather than taken from a library: keras.datasets.mnist downloads (no network
here) and the format is twelve lines of struct parsing, so a dependency would not pay.
"""

import gzip
import pathlib
import struct

import numpy as np

IMAGES_MAGIC = 0x00000803  # uint8 data, 3 dimensions
LABELS_MAGIC = 0x00000801  # uint8 data, 1 dimension

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"


class MnistFileError(ValueError):
    """A MNIST file is missing, truncated or not what its name says."""


def _read_bytes(path: pathlib.Path) -> bytes:
    if not path.is_file():
        raise MnistFileError(f"{path}: file not found")
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
        opener = gzip.open if head == b"\x1f\x8b" else open
        with opener(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise MnistFileError(f"{path}: cannot read ({error})") from error


def read_idx(path: pathlib.Path | str, expected_magic: int) -> np.ndarray:
    """Return the array stored in one IDX file; uint8 of the shape the header gives."""
    path = pathlib.Path(path)
    data = _read_bytes(path)
    if len(data) < 8:
        raise MnistFileError(f"{path}: too short for an IDX header ({len(data)} bytes)")
    (magic,) = struct.unpack(">I", data[:4])
    if magic != expected_magic:
        raise MnistFileError(
            f"{path}: magic number 0x{magic:08x}, expected 0x{expected_magic:08x}"
        )
    dimensions = magic & 0xFF
    header_size = 4 + 4 * dimensions
    if len(data) < header_size:
        raise MnistFileError(f"{path}: truncated header")
    shape = struct.unpack(f">{dimensions}I", data[4:header_size])
    expected_size = int(np.prod(shape))
    payload = len(data) - header_size
    if payload != expected_size:
        raise MnistFileError(
            f"{path}: header says {expected_size} bytes of data for shape {shape}, "
            f"file has {payload} (truncated or corrupt)"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape)


def load_split(images_path, labels_path) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 28, 28) uint8 white ink on black, labels (N,) uint8 in 0-9."""
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise MnistFileError(f"{images_path}: images of shape {images.shape[1:]}, expected (28, 28)")
    if labels.shape[0] != images.shape[0]:
        raise MnistFileError(
            f"{labels_path}: {labels.shape[0]} labels for {images.shape[0]} images in {images_path}"
        )
    if labels.size and labels.max() > 9:
        raise MnistFileError(f"{labels_path}: label {int(labels.max())} outside 0-9")
    return images, labels


def load_mnist(directory) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((train_images, train_labels), (test_images, test_labels)) from a folder of IDX files."""
    directory = pathlib.Path(directory)
    train = load_split(directory / TRAIN_IMAGES, directory / TRAIN_LABELS)
    test = load_split(directory / TEST_IMAGES, directory / TEST_LABELS)
    return train, test
