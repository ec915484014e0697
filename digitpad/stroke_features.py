"""Strokes of one digit -> a fixed-length pen path for the stroke model (numpy only, pure functions).

The 28x28 image forgets the order and direction of the strokes; this keeps them. The whole
pen path -- every ink stroke in drawing order, joined by the straight jumps the pen makes in
the air between them -- is resampled at even arc-length spacing, so a mouse reporting 60
times a second and a tablet reporting 200 times give nearly the same sequence. Before that,
points closer than `min_step` of the digit's size to the last point kept are dropped: a
mouse's whole-pixel rounding and jitter would otherwise lengthen a slowly drawn stroke and
crowd the samples there.

The digit is centred on its ink box and scaled by its longer side (its height, for nearly
every digit; the width only for ink wider than tall, such as a lone bar), aspect kept.

Eraser strokes are ignored: the sequence is the path the pen took for the ink. A digit
corrected with the eraser may then show ink that is gone from the picture; a caller that
combines this with the image model should trust the image alone for such a digit.
"""

import math

import numpy as np

SEQUENCE_LENGTH = 64  # samples along the pen path
CHANNELS = ("x", "y", "dx", "dy", "pen_up")  # the last axis of a sequence, in this order
MIN_STEP = 0.02  # points closer than this fraction of the digit's size to the last kept one are dropped


def ink_paths(strokes) -> list[np.ndarray]:
    """The ink strokes' points (eraser strokes left out): a list of (n, 2) float64 arrays, x, y."""
    return [np.asarray(stroke.points, np.float64).reshape(-1, 2) for stroke in strokes if not stroke.erase]


def _thin(points: np.ndarray, min_step: float) -> np.ndarray:
    """(n, 2) -> (m, 2), m <= n: the first point, then each point at least min_step from the last
    one kept, and the stroke's last point (it replaces a kept point closer than min_step to it).
    A plain loop over Python floats: each step depends on the last point kept, and numpy's
    per-call cost would be most of the time for a few dozen points."""
    listed = points.tolist()
    kept = [listed[0]]
    last_x, last_y = listed[0]
    for x, y in listed[1:]:
        if math.hypot(x - last_x, y - last_y) >= min_step:
            kept.append([x, y])
            last_x, last_y = x, y
    if len(listed) > 1 and kept[-1] != listed[-1]:
        if len(kept) > 1 and math.hypot(listed[-1][0] - last_x, listed[-1][1] - last_y) < min_step:
            kept[-1] = listed[-1]
        else:
            kept.append(listed[-1])
    return np.asarray(kept)


def strokes_to_sequence(strokes, length: int = SEQUENCE_LENGTH, min_step: float = MIN_STEP) -> np.ndarray:
    """Strokes of one digit (digitpad.drawing.Stroke, any units, in drawing order) ->
    (length, 5) float32, one row per sample along the pen path, channels CHANNELS:

    - x, y: the sample's place, centred on the ink box and divided by its longer side
      (so within [-0.5, 0.5]; y down, as on screen);
    - dx, dy: the step from the previous sample, in units of the even spacing (about 1 along
      a straight line, shorter across a corner); 0 for the first sample;
    - pen_up: 1 when the pen was lifted during that step (it crosses the jump between two
      strokes, however short the jump), else 0. Every pen lift flags at least one step.

    Raises ValueError when there is no ink stroke or length < 2."""
    if length < 2:
        raise ValueError(f"length must be at least 2, got {length}")
    paths = [path for path in ink_paths(strokes) if len(path)]
    if not paths:
        raise ValueError("no ink strokes to read (only eraser strokes, or none)")
    stacked = np.concatenate(paths)
    low, high = stacked.min(axis=0), stacked.max(axis=0)
    size = max(float((high - low).max()), 1e-9)
    paths = [_thin((path - (low + high) / 2) / size, min_step) for path in paths]

    # the pen path: vertices of every stroke; a segment is "up" when it joins two strokes
    vertices = np.concatenate(paths)
    up = np.concatenate([np.r_[np.zeros(len(path) - 1, bool), True] for path in paths])[:-1]  # per segment
    steps = np.hypot(*np.diff(vertices, axis=0).T) if len(vertices) > 1 else np.zeros(0)
    along = np.concatenate([[0.0], np.cumsum(steps)])  # arc length at each vertex
    total = along[-1]
    samples = np.linspace(0.0, total, length)
    if total > 0:
        # np.interp with repeated arc lengths (zero-length segments) picks one of the equal points
        points = np.column_stack([np.interp(samples, along, vertices[:, axis]) for axis in range(2)])
    else:
        points = np.repeat(vertices[:1], length, axis=0)

    sequence = np.zeros((length, len(CHANNELS)), np.float32)
    sequence[:, 0:2] = points
    spacing = total / (length - 1) if total > 0 else 1.0
    sequence[1:, 2:4] = np.diff(points, axis=0) / spacing
    # step j covers arc lengths (samples[j-1], samples[j]]; flag it if a jump overlaps it
    for segment in np.flatnonzero(up):
        start, end = along[segment], along[segment + 1]
        first = max(1, int(np.searchsorted(samples, start, side="left")))
        last = max(1, int(np.searchsorted(samples, end, side="left")))
        sequence[min(first, length - 1) : min(last, length - 1) + 1, 4] = 1.0
    return sequence


def digits_to_sequences(digits, length: int = SEQUENCE_LENGTH, min_step: float = MIN_STEP) -> np.ndarray:
    """A list of digits, each a list of Strokes -> (N, length, 5) float32 (see strokes_to_sequence)."""
    sequences = np.empty((len(digits), length, len(CHANNELS)), np.float32)
    for row, strokes in enumerate(digits):
        sequences[row] = strokes_to_sequence(strokes, length, min_step)
    return sequences
