"""The drawing as vectors: strokes of points, with per-stroke undo and redo. No pygame here."""

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class Stroke:
    points: tuple[tuple[float, float], ...]  # (x, y) in canvas pixels, in drawing order
    width: float  # brush diameter in canvas pixels
    erase: bool = False  # True for an eraser stroke

    def to_json(self) -> dict:
        points = [[round(x, 2), round(y, 2)] for x, y in self.points]
        return {"points": points, "width": self.width, "erase": self.erase}

    @classmethod
    def from_json(cls, data: dict) -> "Stroke":
        try:
            points = tuple((float(x), float(y)) for x, y in data["points"])
            width = float(data["width"])
            erase = bool(data.get("erase", False))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a stroke: {error}") from error
        if not points:
            raise ValueError("a stroke needs at least one point")
        if not width > 0:
            raise ValueError(f"stroke width must be positive, got {width}")
        return cls(points, width, erase)


def edge_point(inside, outside, size: float) -> tuple[float, float]:
    """Where the segment from `inside` (a point of the size x size canvas) to `outside` (a point
    beyond it) crosses the canvas edge: the last point of a stroke that leaves the canvas, or
    the first of one that comes in. Points are (x, y) canvas pixels."""
    (x, y), (to_x, to_y) = map(float, inside), map(float, outside)
    if not (0 <= x <= size and 0 <= y <= size):
        raise ValueError(f"{inside} is not on the {size:g} x {size:g} canvas")
    share = 1.0
    for start, end in ((x, to_x), (y, to_y)):
        if end > size:
            share = min(share, (size - start) / (end - start))
        elif end < 0:
            share = min(share, start / (start - end))
    return x + share * (to_x - x), y + share * (to_y - y)


class Drawing:
    """Finished strokes, the stroke being drawn, and the undo/redo history."""

    def __init__(self, max_history: int = 200):
        if max_history < 1:
            raise ValueError(f"max_history must be at least 1, got {max_history}")
        self.max_history = max_history  # undo steps kept; older ones are forgotten
        self.strokes: list[Stroke] = []  # finished strokes, oldest first
        self.redo_stack: list[list[Stroke]] = []  # undone states, most recent last
        self.undo_stack: list[list[Stroke]] = []  # earlier states, for clear to be undoable
        self.current: list[tuple[float, float]] | None = None  # points of the stroke in progress
        self.current_width = 0.0
        self.current_erase = False
        self.version = 0  # bumps on every change, so views know when to redraw

    @property
    def is_empty(self) -> bool:
        return not self.strokes and not self.current

    def begin(self, point, width: float, erase: bool = False) -> None:
        if not width > 0:
            raise ValueError(f"brush width must be positive, got {width}")
        self.current = [tuple(map(float, point))]
        self.current_width = float(width)
        self.current_erase = erase
        self.version += 1

    def extend(self, point) -> None:
        if self.current is None:
            return
        point = tuple(map(float, point))
        if point != self.current[-1]:
            self.current.append(point)
            self.version += 1

    def end(self) -> Stroke | None:
        """Finish the stroke in progress; returns it, or None if there was none."""
        if self.current is None:
            return None
        stroke = Stroke(tuple(self.current), self.current_width, self.current_erase)
        self.current = None
        self._commit(self.strokes + [stroke])
        return stroke

    def all_strokes(self) -> list[Stroke]:
        """Finished strokes plus the one in progress, in drawing order."""
        if self.current is None:
            return list(self.strokes)
        return self.strokes + [Stroke(tuple(self.current), self.current_width, self.current_erase)]

    def clear(self) -> None:
        self.current = None
        if self.strokes:
            self._commit([])

    def replace(self, strokes: list[Stroke]) -> None:
        """Load strokes (from a file) as one undoable change."""
        self.current = None
        self._commit(list(strokes))

    def undo(self) -> bool:
        if not self.undo_stack or self.current is not None:
            return False
        self.redo_stack.append(self.strokes)
        self.strokes = self.undo_stack.pop()
        self.version += 1
        return True

    def redo(self) -> bool:
        if not self.redo_stack or self.current is not None:
            return False
        self.undo_stack.append(self.strokes)
        self.strokes = self.redo_stack.pop()
        self.version += 1
        return True

    def _commit(self, strokes: list[Stroke]) -> None:
        self.undo_stack.append(self.strokes)
        del self.undo_stack[: -self.max_history]  # bounded: a long session keeps flat memory
        self.strokes = strokes
        self.redo_stack.clear()
        self.version += 1


def bounds(strokes: list[Stroke]) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of the ink strokes' points, or None when there are none."""
    points = [np.asarray(stroke.points) for stroke in strokes if not stroke.erase]
    if not points:
        return None
    stacked = np.concatenate(points)
    return (*stacked.min(axis=0), *stacked.max(axis=0))
