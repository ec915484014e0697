"""Pen digits laid out as people write numbers: side by side at about one height, with gaps
from wide to touching. Used by the number benchmarks (bench/number_accuracy.py, bench/folds.py)
and to learn the grouping prior (training/grouping_prior.py). Not part of the app.
"""

import dataclasses

import numpy as np

from digitpad.drawing import Stroke


@dataclasses.dataclass(frozen=True)
class NumberLayout:
    gaps: tuple[float, float] = (0.15, 0.45)  # ink gap between neighbours, x the number's height
    # (uniform; < 0: their ink boxes overlap by that much)
    sizes: tuple[float, float] = (0.9, 1.1)  # each digit's height, x the number's height (uniform)
    jitter: float = 0.06  # each digit's middle is up to this x the height above or below the line


NATURAL = NumberLayout()  # the gaps people leave between digits
TIGHT = NumberLayout(gaps=(-0.08, 0.02))  # digits touching or overlapping a little


def compose(digits, rng, canvas_size, brush, layout: NumberLayout = NATURAL):
    """Strokes of the digits written left to right, digit after digit (see compose_digits)."""
    return [stroke for strokes in compose_digits(digits, rng, canvas_size, brush, layout) for stroke in strokes]


def compose_digits(digits, rng, canvas_size, brush, layout: NumberLayout = NATURAL):
    """PenDigits -> each digit's Strokes (canvas pixels, the given brush) in a list of its own,
    left to right: the digits at one height (layout.sizes, layout.jitter), the ink of neighbours
    layout.gaps x that height apart (the gap a reader sees, brush included); the number is made
    smaller until it fits 92 % of the canvas width."""
    boxes = [(np.concatenate(d.strokes).min(axis=0), np.concatenate(d.strokes).max(axis=0)) for d in digits]
    sizes = [rng.uniform(*layout.sizes) for _ in digits]
    gaps = [rng.uniform(*layout.gaps) for _ in digits[1:]]
    jitter = [rng.uniform(-layout.jitter, layout.jitter) for _ in digits]
    height = canvas_size * rng.uniform(0.25, 0.4)
    while True:
        scales = [min(height * size / max(high[1] - low[1], 1e-6), 1.5 * height / max(high[0] - low[0], 1e-6))
                  for size, (low, high) in zip(sizes, boxes, strict=True)]
        widths = [(high[0] - low[0]) * scale for scale, (low, high) in zip(scales, boxes, strict=True)]
        total = sum(widths) + sum(gap * height + brush for gap in gaps)
        if total <= 0.92 * canvas_size or height < 20:
            break
        height *= 0.95
    strokes, x = [], (canvas_size - total) / 2
    for index, (digit, scale, (low, high)) in enumerate(zip(digits, scales, boxes, strict=True)):
        middle_y = (low[1] + high[1]) / 2
        shift = np.array([x - low[0] * scale, canvas_size / 2 + jitter[index] * height - middle_y * scale])
        strokes.append([Stroke(tuple(map(tuple, s * scale + shift)), brush) for s in digit.strokes])
        if index < len(gaps):
            x += widths[index] + gaps[index] * height + brush
    return strokes
