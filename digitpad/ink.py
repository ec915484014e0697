"""Rasterise strokes with OpenCV: the same pixels for recognition, display and saved PNGs."""

import cv2
import numpy as np

from digitpad.drawing import Stroke


def draw_stroke(image: np.ndarray, stroke: Stroke, scale: float = 1.0, ink=1, background=0,
                line_type=cv2.LINE_8) -> None:
    """Draw one stroke into image (H, W) or (H, W, C) in place, coordinates multiplied by scale.

    Consecutive points are joined by thick lines with round caps, so fast mouse moves leave
    no gaps or beads.
    """
    thickness = max(1, int(round(stroke.width * scale)))
    colour = background if stroke.erase else ink
    points = np.round(np.asarray(stroke.points, dtype=np.float64) * scale).astype(np.int32)
    if len(points) == 1 or (points == points[0]).all():
        radius = max(0, thickness // 2)
        cv2.circle(image, tuple(int(v) for v in points[0]), radius, colour, -1, line_type)
        return
    cv2.polylines(image, [points.reshape(-1, 1, 2)], False, colour, thickness, line_type)


def render_mask(strokes: list[Stroke], size: tuple[int, int], scale: float = 1.0) -> np.ndarray:
    """Ink mask (H, W) uint8, 1 = ink, of strokes drawn in order (erasers clear); size is (W, H)."""
    width, height = size
    if width < 1 or height < 1:
        raise ValueError(f"mask size must be positive, got {size}")
    mask = np.zeros((height, width), np.uint8)
    for stroke in strokes:
        draw_stroke(mask, stroke, scale)
    return mask
