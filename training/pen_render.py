"""Pen digits as training images: strokes drawn as a mouse user would, through digitpad's path.

Each UNIPEN digit (tablet samples) is slanted, rotated and stretched a little, given a size
(digit height 0.2-0.95 of the canvas) and a place on the 560-pixel canvas, then re-sampled as
a mouse would report it: the pen moves along its path at an uneven speed (slow at the ends of
a stroke, varying in between), the mouse reports its position 60-125 times a second, rounded
to whole window pixels, each report off by up to a pixel. The strokes then take the app's own
path to the model: the recognition raster (Recognizer.strokes_to_mask: the recognition brush
and scale of RecognitionSettings) and preprocess.digit_to_mnist on the whole digit's ink.
"""

import dataclasses

import numpy as np

from digitpad import preprocess
from digitpad.drawing import Stroke
from digitpad.recognition import Recognizer
from digitpad.settings import CanvasSettings, RecognitionSettings
from training import pen_digits


@dataclasses.dataclass(frozen=True)
class PenAugmentSettings:
    height_range: tuple[float, float] = (0.2, 0.95)  # digit height as a fraction of the canvas side
    max_width: float = 0.95  # the digit is made smaller if wider than this fraction of the canvas
    rotation_degrees: float = 12.0  # uniform in +-this
    shear: float = 0.3  # horizontal shear (slant), uniform in +-this
    aspect_range: tuple[float, float] = (0.85, 1.15)  # extra horizontal stretch factor
    mouse_rate_range: tuple[float, float] = (60.0, 125.0)  # mouse reports per second
    speed_range: tuple[float, float] = (300.0, 2000.0)  # mean pen speed, canvas pixels per second
    # (log-uniform: a 0.6-canvas-tall digit written in about 2 s down to 0.3 s)
    speed_wobble: float = 0.4  # log-amplitude of the slow speed changes along a stroke
    end_slowdown: float = 0.7  # how much slower the pen starts and ends a stroke (0: not at all)
    jitter_pixels: int = 1  # each reported position is off by up to this many pixels per axis


def random_linear(rng: np.random.Generator, settings: PenAugmentSettings) -> np.ndarray:
    """A (2, 2) float64 matrix: rotation x shear x horizontal stretch (y down, as on screen)."""
    angle = np.deg2rad(rng.uniform(-settings.rotation_degrees, settings.rotation_degrees))
    shear = rng.uniform(-settings.shear, settings.shear)
    aspect = rng.uniform(*settings.aspect_range)
    cosine, sine = np.cos(angle), np.sin(angle)
    return np.array([[cosine, -sine], [sine, cosine]]) @ np.array([[aspect, shear], [0.0, 1.0]])


def place_randomly(strokes, rng: np.random.Generator, settings: PenAugmentSettings, canvas_size: float):
    """Strokes (n, 2) float64 in any units -> a random size and place on the canvas, pixels."""
    stacked = np.concatenate(strokes)
    size = np.maximum(stacked.max(axis=0) - stacked.min(axis=0), 1e-6)
    height = rng.uniform(*settings.height_range)
    width = min(settings.max_width, height * size[0] / size[1])
    height = width * size[1] / size[0] if width < height * size[0] / size[1] else height
    centre = (rng.uniform(width / 2, 1 - width / 2), rng.uniform(height / 2, 1 - height / 2))
    return pen_digits.place(strokes, canvas_size, height, centre, max_width=settings.max_width)


def mouse_samples(points: np.ndarray, rng: np.random.Generator, settings: PenAugmentSettings) -> np.ndarray:
    """A pen trajectory (n, 2) float64 in window pixels -> what a mouse reports drawing it:
    (m, 2) float64 of whole pixels, first and last point included."""
    points = np.asarray(points, np.float64)
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    keep = np.concatenate([[True], steps > 0])
    points, steps = points[keep], steps[steps > 0]
    if len(points) < 2:
        return np.round(points)
    along = np.concatenate([[0.0], np.cumsum(steps)]) / steps.sum()  # 0..1 along the path
    # speed profile along the path: slow at both ends, a few slow waves of faster and slower
    mean_speed = np.exp(rng.uniform(*np.log(settings.speed_range)))
    ends = 1.0 - settings.end_slowdown * (1.0 - np.clip(np.sin(np.pi * along), 0.0, 1.0) ** 0.5)
    waves = sum(rng.uniform(0, settings.speed_wobble) * np.sin(2 * np.pi * rng.uniform(0.5, 2.5) * along
                                                                 + rng.uniform(0, 2 * np.pi)) for _ in range(2))
    speed = np.maximum(mean_speed * ends * np.exp(waves), 1.0)
    times = np.concatenate([[0.0], np.cumsum(steps / ((speed[1:] + speed[:-1]) / 2))])
    period = 1.0 / rng.uniform(*settings.mouse_rate_range)
    reports = np.arange(rng.uniform(0, period), times[-1], period)
    sampled = np.column_stack([np.interp(reports, times, points[:, axis]) for axis in range(2)])
    jitter = rng.integers(-settings.jitter_pixels, settings.jitter_pixels + 1, size=sampled.shape)
    return np.round(np.vstack([points[:1], sampled + jitter, points[-1:]]))


def mouse_strokes(digit: pen_digits.PenDigit, rng: np.random.Generator, settings: PenAugmentSettings,
                  canvas_size: float) -> list[Stroke]:
    """The digit as a mouse user would draw it on the canvas: a list of Strokes (brush 24)."""
    matrix = random_linear(rng, settings)
    transformed = [stroke @ matrix.T for stroke in digit.strokes]
    placed = place_randomly(transformed, rng, settings, canvas_size)
    return [Stroke(tuple(map(tuple, mouse_samples(stroke, rng, settings))), 24.0) for stroke in placed]


class PenRenderer:
    """Renders pen digits through digitpad's recognition path, augmented; picklable (it goes to
    the augmentation worker process)."""

    def __init__(self, settings: PenAugmentSettings = PenAugmentSettings(),
                 recognition: RecognitionSettings = RecognitionSettings(), canvas_size: int | None = None):
        self.settings = settings
        self.recognition = recognition
        self.canvas_size = canvas_size or CanvasSettings().canvas_size

    def render(self, digit: pen_digits.PenDigit, rng: np.random.Generator) -> np.ndarray:
        """One augmented drawing of digit -> (28, 28) float32 in [0, 1], white ink on black."""
        strokes = mouse_strokes(digit, rng, self.settings, self.canvas_size)
        return strokes_to_image(strokes, self.canvas_size, self.recognition)

    def render_many(self, digits, seed) -> np.ndarray:
        """Augmented drawings of digits (a sequence of PenDigit) -> (N, 28, 28) float32."""
        rng = np.random.default_rng(seed)
        images = np.empty((len(digits), 28, 28), np.float32)
        for row, digit in enumerate(digits):
            images[row] = self.render(digit, rng)
        return images


def strokes_to_image(strokes: list[Stroke], canvas_size: int,
                     recognition: RecognitionSettings = RecognitionSettings()) -> np.ndarray:
    """Strokes in canvas pixels -> the (28, 28) float32 input the app would give the model for
    them as one digit (the recognition raster, then digit_to_mnist on all of its ink)."""
    mask = Recognizer(None, recognition).strokes_to_mask(strokes, canvas_size)
    return preprocess.digit_to_mnist(mask, recognition.preprocess)
