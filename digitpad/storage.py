"""The user's folder: saved drawings and taught samples, written atomically."""

import dataclasses
import datetime
import json
import os
import pathlib
import re
import secrets
import time

import cv2
import numpy as np

from digitpad.pictures import PictureError, read_picture

SAMPLE_SIDE = 28  # a taught sample is a (28, 28) picture, the model's input


def default_user_dir() -> pathlib.Path:
    """Platform-appropriate data folder (e.g. ~/.local/share/digitpad); DIGITPAD_HOME overrides it."""
    override = os.environ.get("DIGITPAD_HOME")
    if override:
        return pathlib.Path(override)
    import platformdirs

    return pathlib.Path(platformdirs.user_data_dir("digitpad", appauthor=False))


# Files are created with mode 0o666 and the operating system takes the user's umask off it, as
# for any file a program opens for writing (0o644 with the usual umask 022). tempfile.mkstemp
# would make them 0o600, private to the user unlike everything else in their folders, and
# takes no other mode: hence a temporary file of our own, opened with O_EXCL. Reading the
# umask to chmod afterwards is no better: os.umask can only be read by setting it, and it is
# process-wide, so a file another thread created in between would get the wrong mode.
NEW_FILE_MODE = 0o666
TEMP_NAME_ATTEMPTS = 100  # random temporary names tried before giving up (a clash is rare)


def _create_temp_file(folder: pathlib.Path, name: str) -> tuple[int, pathlib.Path]:
    """A new, empty file .<name>.<random>.tmp in folder, opened for writing: (descriptor, path).
    O_EXCL: never an existing file (nor a link planted under that name)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows only
    for _ in range(TEMP_NAME_ATTEMPTS):
        temp_path = folder / f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            return os.open(temp_path, flags, NEW_FILE_MODE), temp_path
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {name} in {folder}")


def _write_temp(path: pathlib.Path, data: bytes) -> pathlib.Path:
    """Write data, flushed to disk, to a new temporary file beside path; returns the temporary
    file's path (removed again if writing fails)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_path = _create_temp_file(path.parent, path.name)
    try:
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return temp_path


def atomic_write(path: pathlib.Path, data: bytes) -> pathlib.Path:
    """Write data to path via a temp file in the same folder and a rename: never a half file.
    The file gets the user's usual permissions (see NEW_FILE_MODE)."""
    return atomic_write_all([(pathlib.Path(path), data)])[0]


def atomic_write_all(files: list[tuple[pathlib.Path, bytes]]) -> list[pathlib.Path]:
    """Write several (path, data) files: all are written to temporary files first, then renamed
    in the order given, so the last file appears only once all the others are in place. A
    failure removes the temporary files and the new files this call already renamed into place
    (a file that existed before is never removed)."""
    temps, placed = [], []
    new = [not pathlib.Path(path).exists() for path, _ in files]
    try:
        for path, data in files:
            temps.append(_write_temp(pathlib.Path(path), data))
        for temp_path, (path, _) in zip(temps, files, strict=True):
            os.replace(temp_path, path)
            placed.append(pathlib.Path(path))
    except BaseException:
        for temp_path in temps:
            temp_path.unlink(missing_ok=True)
        for path, was_new in zip(placed, new, strict=False):
            if was_new:
                path.unlink(missing_ok=True)
        raise
    return [pathlib.Path(path) for path, _ in files]


def encode_png(image: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise ValueError(f"cannot encode an image of shape {image.shape} as PNG")
    return encoded.tobytes()


def timestamp() -> str:
    return datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")


class UserStore:
    """Saved drawings under <root>/drawings, taught samples under <root>/samples/<digit>/."""

    def __init__(self, root: pathlib.Path):
        self.root = pathlib.Path(root)

    @property
    def drawings_dir(self) -> pathlib.Path:
        return self.root / "drawings"

    @property
    def samples_dir(self) -> pathlib.Path:
        return self.root / "samples"

    def save_drawing(self, picture: np.ndarray, strokes_json: list, result_json: dict) -> pathlib.Path:
        """Write drawing-<time>.json and drawing-<time>.png; returns the PNG's path.

        Both are written to temporary files first, then the JSON is renamed into place and the
        PNG last: a drawing's PNG never exists without its JSON. If the process dies between the
        two renames, a JSON is left with the PNG's temporary file beside it, and clean_up()
        removes that half pair at the next start.
        """
        stem = f"drawing-{timestamp()}"
        document = {"format": "digitpad-drawing", "version": 1, "strokes": strokes_json, "result": result_json}
        _, png = atomic_write_all([(self.drawings_dir / f"{stem}.json", json.dumps(document, indent=1).encode()),
                                   (self.drawings_dir / f"{stem}.png", encode_png(picture))])
        return png

    def save_sample(self, image: np.ndarray, label: int, prefix: str = "sample-") -> pathlib.Path:
        """Store a (28, 28) float32 model input as an 8-bit PNG under samples/<label>/, named
        <prefix><time>.png (adaptation.JOINED_PREFIX marks a digit joined by a correction)."""
        if not (isinstance(label, int) and 0 <= label <= 9):
            raise ValueError(f"label must be a digit 0-9, got {label!r}")
        if image.shape != (28, 28):
            raise ValueError(f"a sample is a (28, 28) image, got {image.shape}")
        pixels = np.clip(np.round(image * 255), 0, 255).astype(np.uint8)
        return atomic_write(self.samples_dir / str(label) / f"{prefix}{timestamp()}.png", encode_png(pixels))

    def load_samples(self) -> tuple[np.ndarray, np.ndarray]:
        """All taught samples: images (N, 28, 28) uint8, labels (N,) uint8."""
        return load_samples(self.samples_dir)

    def read_samples(self) -> "TaughtSamples":
        """All taught samples with their files, and the files in the samples folder that are
        not samples digitpad can read (named, so the app can say which it skipped)."""
        return read_samples(self.samples_dir)

    def delete_sample(self, path: pathlib.Path) -> None:
        """Remove one taught sample (undoing a teach), and its digit's folder if that is left
        empty; a file already gone is no error."""
        path = pathlib.Path(path)
        if self.samples_dir.resolve() not in path.resolve().parents:
            raise ValueError(f"{path} is not a taught sample in {self.samples_dir}")
        path.unlink(missing_ok=True)
        _remove_if_empty(path.parent)

    def forget_samples(self, paths) -> int:
        """Remove the taught samples at `paths` (the ones digitpad knows it stored or read;
        other files in the samples folder stay), and the digit folders left empty. Nothing is
        read: this runs on the window's thread. Returns how many were removed."""
        removed = 0
        for path in paths:
            self.delete_sample(path)
            removed += 1
        return removed

    def clean_up(self, now: float | None = None) -> list[pathlib.Path]:
        """At start: remove what an interrupted save left behind, and return what was removed.

        That is digitpad's own temporary files (.<name>.<12 hex digits>.tmp) in the drawings
        folder and in the digit folders of the samples folder, once they are STALE_TEMP_SECONDS
        old (a younger one may be another running digitpad's save in progress); half a
        drawing's pair whose other file never replaced its temporary file (the JSON whose PNG
        never came, see save_drawing; or a PNG whose JSON never came, from digitpads that wrote
        the PNG first); and digit folders left empty. A drawing saved completely, a half pair
        with no temporary file beside it (the user deleted the other half), and any file not
        named as digitpad names its own are never touched. Files that cannot be removed stay.
        """
        now = time.time() if now is None else now
        removed = []
        folders = [self.drawings_dir] + [self.samples_dir / str(digit) for digit in range(10)]
        for folder in folders:
            for temp_path in _stale_temp_files(folder, now):
                target = folder / TEMP_NAME.fullmatch(temp_path.name).group("name")
                pair = DRAWING_FILE.fullmatch(target.name) if folder == self.drawings_dir else None
                if pair and not os.path.lexists(target):
                    other = target.with_suffix(".json" if pair.group("suffix") == "png" else ".png")
                    _remove_file(other, removed)
                _remove_file(temp_path, removed)
        removed += [folder for folder in folders[1:] if _remove_if_empty(folder)]
        return removed


STALE_TEMP_SECONDS = 60.0  # a temporary file older than this is left by a save that died: a save
# writes, flushes and renames its few-kilobyte files in milliseconds
TEMP_NAME = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{12}\.tmp")  # _create_temp_file's names
DRAWING_FILE = re.compile(r"drawing-\d{8}-\d{6}-\d{6}\.(?P<suffix>png|json)")  # save_drawing's pairs


def _stale_temp_files(folder: pathlib.Path, now: float) -> list[pathlib.Path]:
    """digitpad's own temporary files in folder at least STALE_TEMP_SECONDS old."""
    stale = []
    try:
        entries = list(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return []
    for entry in entries:
        if not TEMP_NAME.fullmatch(entry.name):
            continue
        try:
            if entry.is_file() and not entry.is_symlink() and now - entry.stat().st_mtime >= STALE_TEMP_SECONDS:
                stale.append(entry)
        except OSError:
            continue  # gone meanwhile
    return sorted(stale)


def _remove_file(path: pathlib.Path, removed: list[pathlib.Path]) -> None:
    """Remove path if it is a file, and add it to removed; one that cannot be removed stays."""
    try:
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    except OSError:
        pass


def _remove_if_empty(folder: pathlib.Path) -> bool:
    """Remove folder if it is empty; True if it was removed."""
    try:
        folder.rmdir()
        return True
    except OSError:  # not empty, not there, or not ours to remove
        return False


@dataclasses.dataclass(frozen=True)
class TaughtSamples:
    images: np.ndarray  # (N, 28, 28) uint8, white ink on black
    labels: np.ndarray  # (N,) uint8, the digit each was taught as
    paths: tuple[pathlib.Path, ...]  # the file of each, in the same order
    skipped: tuple[str, ...]  # files and folders in the samples folder that are not readable samples


def read_samples(folder: pathlib.Path) -> TaughtSamples:
    """Read <folder>/<digit>/*.png (28x28 grayscale). Anything else in the folder -- a damaged
    or foreign file, a picture of another size, a folder not named 0-9 -- is listed in
    `skipped`, never raised. Hidden files (a temporary file left by a crash) are ignored."""
    folder = pathlib.Path(folder)
    images, labels, paths, skipped = [], [], [], []
    try:
        entries = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError as error:
        return TaughtSamples(np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8), (), (f"{folder} ({error})",))
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if not (entry.is_dir() and entry.name in {str(digit) for digit in range(10)}):
            skipped.append(entry.name)
            continue
        for path in sorted(entry.iterdir()):
            if path.name.startswith("."):
                continue
            image = _read_sample(path)
            if image is None:
                skipped.append(f"{entry.name}/{path.name}")
                continue
            images.append(image)
            labels.append(int(entry.name))
            paths.append(path)
    if not images:
        return TaughtSamples(np.zeros((0, 28, 28), np.uint8), np.zeros((0,), np.uint8), (), tuple(skipped))
    return TaughtSamples(np.stack(images), np.array(labels, np.uint8), tuple(paths), tuple(skipped))


def _read_sample(path: pathlib.Path) -> np.ndarray | None:
    """A taught sample's (28, 28) uint8 pixels, or None when path is not one: read as predict
    reads pictures (digitpad.pictures: the file's size, header and chunks checked before it is
    decoded, so a damaged file costs no more than its size), and a picture whose header gives
    more pixels than 28x28 is not decoded at all."""
    if path.suffix.lower() != ".png" or not path.is_file():
        return None
    try:
        image = read_picture(path, max_pixels=SAMPLE_SIDE * SAMPLE_SIDE, grey=True)
    except PictureError:
        return None
    return image if image.shape == (SAMPLE_SIDE, SAMPLE_SIDE) else None


def load_samples(folder: pathlib.Path) -> tuple[np.ndarray, np.ndarray]:
    """Read <folder>/<digit>/*.png (28x28 grayscale, white ink on black); unreadable files are skipped."""
    samples = read_samples(folder)
    return samples.images, samples.labels
