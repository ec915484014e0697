"""The files of the taught samples, as far as the window knows them: counted and forgotten
without reading the samples folder on the window's thread."""

import pathlib
import threading


class TaughtFiles:
    """Taught samples' files: those the samples folder held at start (found once, on the model
    loader's thread), plus those taught since, minus those taken back or forgotten."""

    def __init__(self):
        self._lock = threading.Lock()
        self._paths: list[pathlib.Path] = []
        self.known = False  # False until the samples folder has been read at start

    def found(self, paths) -> None:
        """The samples folder's readable samples, read at start."""
        with self._lock:
            self._paths = list(paths) + [path for path in self._paths if path not in paths]
            self.known = True

    def added(self, path: pathlib.Path) -> None:
        with self._lock:
            self._paths.append(pathlib.Path(path))

    def removed(self, path: pathlib.Path) -> None:
        with self._lock:
            self._paths = [known for known in self._paths if known != pathlib.Path(path)]

    @property
    def paths(self) -> tuple[pathlib.Path, ...]:
        with self._lock:
            return tuple(self._paths)

    def keep_existing(self) -> None:
        """Forget the files no longer there (after forgetting, which may stop halfway)."""
        with self._lock:
            self._paths = [path for path in self._paths if path.exists()]

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._paths)
