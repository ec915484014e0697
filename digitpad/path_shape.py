"""How a pen path bends: a few numbers the not-a-digit reader adds to the models' readings.
Pure functions, numpy only.

A person tells a diamond, a hexagon or a house from a 0 by its corners: handwritten digits
are drawn in curves, shapes in straight sides that meet in sharp turns. At 28x28 the image
model hardly sees the difference, and the stroke model was trained on digits alone. So the
reader also gets how the pen path the stroke model reads turns
(digitpad.stroke_features.strokes_to_sequence: 64 samples evenly spaced along the path, pen
lifts flagged): the share of its turns in each band of TURN_BANDS degrees, measured between
successive steps and again over SPAN steps (a corner that falls across two samples, a curve's
steady bend), then

    lifts         pen lifts / 4, at most 1
    closed        distance from the path's start to its end (units of the ink's longer side)
    width, height the ink box, in units of its longer side (one of the two is 1)

A turn is measured within one stroke (not across a pen lift), between steps at least
MIN_STEP of the even spacing long (a step shortened by a corner still counts).
"""

import numpy as np

TURN_BANDS = (0.0, 5.0, 12.0, 25.0, 45.0, 70.0, 100.0, 180.01)  # degrees: band edges
SPAN = 3  # the second measure: the turn over this many steps
MIN_STEP = 0.2  # steps shorter than this x the even spacing carry no direction
BANDS = tuple(zip(TURN_BANDS[:-1], TURN_BANDS[1:], strict=True))  # (low, high) degrees of each band
NAMES = tuple(f"turn{span}_{low:g}-{high:g}" for span in (1, SPAN) for low, high in BANDS) \
    + ("lifts", "closed", "width", "height")


def path_shapes(sequences: np.ndarray) -> np.ndarray:
    """(N, L, 5) float32 pen paths (strokes_to_sequence's channels x, y, dx, dy, pen_up) ->
    (N, len(NAMES)) float32, the numbers above for each path."""
    sequences = np.asarray(sequences, np.float32)
    if sequences.ndim != 3 or sequences.shape[2] != 5 or sequences.shape[1] < SPAN + 2:
        raise ValueError(f"expected (N, L, 5) pen paths with L >= {SPAN + 2}, got {sequences.shape}")
    steps = sequences[:, 1:, 2:4].astype(np.float64)  # (N, L-1, 2)
    up = sequences[:, 1:, 4] > 0.5  # (N, L-1)
    usable = ~up & (np.hypot(steps[..., 0], steps[..., 1]) >= MIN_STEP)
    heading = np.arctan2(steps[..., 1], steps[..., 0])
    bands = [_band_shares(heading, usable, up, span) for span in (1, SPAN)]
    points = sequences[:, :, 0:2].astype(np.float64)
    return np.column_stack(bands + [
        np.minimum(_lifts(up) / 4.0, 1.0),
        np.hypot(*(points[:, -1] - points[:, 0]).T),
        np.ptp(points[:, :, 0], axis=1),
        np.ptp(points[:, :, 1], axis=1),
    ]).astype(np.float32)


def _band_shares(heading, usable, up, span) -> np.ndarray:
    """(N, S) step headings (radians), which steps carry one, which are pen lifts -> (N, bands)
    share of the turns over `span` steps (no lift between) falling in each band."""
    turn = np.abs(np.degrees(np.angle(np.exp(1j * (heading[:, span:] - heading[:, :-span])))))
    valid = usable[:, span:] & usable[:, :-span]
    lifted = np.cumsum(up, axis=1)
    valid &= lifted[:, span:] - lifted[:, :-span] == 0  # no lift in between
    counted = np.maximum(valid.sum(axis=1), 1)
    index = np.clip(np.searchsorted(TURN_BANDS, turn, side="right") - 1, 0, len(TURN_BANDS) - 2)
    return np.stack([((index == band) & valid).sum(axis=1) / counted for band in range(len(TURN_BANDS) - 1)], axis=1)


def _lifts(up: np.ndarray) -> np.ndarray:
    """(N, S) bool, steps with the pen up -> (N,) the number of lifts (runs of up steps)."""
    starts = up[:, 1:] & ~up[:, :-1]
    return up[:, 0].astype(np.int64) + starts.sum(axis=1)
