"""The UNIPEN pen digits (tests/data/pen_digits_dev.npz) as strokes on digitpad's canvas.

The digits were written with pens on tablets; here each one is scaled and placed on the
canvas under a drawing condition (small, large, thin or thick brush, off-centre), giving the
strokes a mouse user would have drawn. Training data (stage 2 and the stroke model, drawn
mouse-like by training/pen_render.py) and the measuring stick of tests and benchmarks, judged
across writers (training/folds.py). Not part of the app.
"""

import dataclasses
import pathlib

import numpy as np

from digitpad.drawing import Stroke


@dataclasses.dataclass(frozen=True)
class Condition:
    name: str  # short label used in reports
    height: float  # digit height as a fraction of the canvas side
    brush: float  # brush diameter in canvas pixels
    centre: tuple[float, float] = (0.5, 0.5)  # where the digit's box is centred, fractions of the canvas


CONDITIONS = (
    Condition("normal", 0.60, 24.0),
    Condition("small", 1 / 3, 24.0),
    Condition("large", 0.92, 24.0),
    Condition("thin", 0.60, 6.0),
    Condition("thick", 0.60, 48.0),
    Condition("off-centre", 0.45, 24.0, (0.30, 0.72)),
)
CONDITION_BY_NAME = {condition.name: condition for condition in CONDITIONS}


@dataclasses.dataclass(frozen=True)
class PenDigit:
    label: int  # the digit written
    writer: str  # UNIPEN segmentation file (a writer or session)
    strokes: tuple[np.ndarray, ...]  # each (n, 2) float64 x, y in tablet units, y down


def load(path: pathlib.Path | str) -> list[PenDigit]:
    """All digits of a pen_digits npz file (see tests/data/README.md for the format)."""
    data = np.load(path)
    labels, writers, stroke_counts = data["labels"], data["writers"], data["n_strokes"]
    point_counts, points = data["n_points"], data["points"].astype(np.float64)
    stroke_ends = np.cumsum(point_counts)
    stroke_starts = stroke_ends - point_counts
    digits, stroke = [], 0
    for label, writer, count in zip(labels, writers, stroke_counts, strict=True):
        strokes = tuple(points[stroke_starts[k] : stroke_ends[k]] for k in range(stroke, stroke + count))
        digits.append(PenDigit(int(label), str(writer), strokes))
        stroke += count
    return digits


def place(strokes, canvas_size: float, height: float, centre: tuple[float, float], max_width: float = 0.95):
    """Scale strokes (tablet units) so their box is `height` of the canvas tall (narrower than
    `max_width` of it), centred at `centre`; returns a list of (n, 2) arrays in canvas pixels."""
    stacked = np.concatenate(strokes)
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    size = np.maximum(high - low, 1e-6)
    room = min(max_width, 2 * min(centre[0], 1 - centre[0]))  # stay inside the canvas
    scale = min(height * canvas_size / size[1], room * canvas_size / size[0])
    middle = (low + high) / 2
    target = np.asarray(centre) * canvas_size
    return [(stroke - middle) * scale + target for stroke in strokes]


def to_strokes(digit: PenDigit, condition: Condition, canvas_size: float) -> list[Stroke]:
    """The digit as digitpad strokes drawn under a condition on a square canvas."""
    placed = place(digit.strokes, canvas_size, condition.height, condition.centre)
    return [Stroke(tuple(map(tuple, stroke)), condition.brush) for stroke in placed]
