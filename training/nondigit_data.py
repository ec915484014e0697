"""What the not-a-digit reader learns from and is judged on: drawings of digits and of
non-digits, rendered through the app's path, and the models' readings of them. Not part of
the app.

Digits: MNIST training images as they are, and pen digits drawn mouse-like
(training/pen_render.py). Non-digits: the families of training/nondigits.py a reader may learn
(all but the held-out fold's group), drawn with the same augmentation. Each drawing is read as
one piece: its 28x28 input (the app's own recognition raster and preprocess.digit_to_mnist),
the image model's probabilities and 256 features and pooled feature maps, the stroke model's
probabilities of its pen path, and how that path turns.
"""

import dataclasses
import pathlib

import numpy as np

from digitpad import path_shape
from digitpad.settings import CanvasSettings, RecognitionSettings
from digitpad.stroke_features import strokes_to_sequence
from training import nondigits, pen_digits, pen_render

CANVAS_SIZE = CanvasSettings().canvas_size


@dataclasses.dataclass(frozen=True)
class Drawings:
    images: np.ndarray  # (N, 28, 28) float32, what the image model sees
    sequences: np.ndarray  # (N, 64, 5) float32 pen paths; zeros for MNIST images (no strokes)
    has_strokes: np.ndarray  # (N,) bool: drawn (a pen path is known), False for MNIST images
    not_digit: np.ndarray  # (N,) bool: True for the non-digits
    family: np.ndarray  # (N,) str: "mnist", "pen/<fold>" or the non-digit family's name


@dataclasses.dataclass(frozen=True)
class Readings:
    features: np.ndarray  # (N, 256) float32, the image model's last hidden layer
    image: np.ndarray  # (N, 10) float32, the image model's probabilities
    strokes: np.ndarray  # (N, 10) float32, the stroke model's; the image's where no strokes
    shapes: np.ndarray  # (N, 18) float32, how each pen path turns (digitpad.path_shape); zeros where none
    pooled: np.ndarray  # (N, 384) float32, the image model's pooled maps (DigitModel.predict_with_pooled)


def images_of(drawn) -> np.ndarray:
    """[(family name, Strokes)] (nondigits.drawings) -> (N, 28, 28) float32, what the image model
    sees of each: white ink on black."""
    recognition = RecognitionSettings()
    return np.stack([pen_render.strokes_to_image(strokes, CANVAS_SIZE, recognition)
                     for _, strokes in drawn]).astype(np.float32)


def draw_nondigits(names, count: int, seed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`count` drawings round robin over the families `names` -> ((N, 28, 28) images,
    (N, 64, 5) sequences, (N,) family names)."""
    drawn = nondigits.drawings(names, count, seed, CANVAS_SIZE)
    images = images_of(drawn)
    sequences = np.stack([strokes_to_sequence(strokes) for _, strokes in drawn])
    return images, sequences, np.array([name for name, _ in drawn])


def draw_pen_digits(digits, copies: int, seed, variants: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """`copies` mouse-like drawings of each pen digit -> ((N, 28, 28) images, (N, 64, 5)
    sequences); with `variants`, with the stroke model's ways of writing and drawing orders
    (slashed 0, crossed 7, flagged 1, strokes reversed: training/stroke_model.py)."""
    from training.stroke_model import StrokeTrainingSettings, drawing_order_variant, writing_variant

    rng = np.random.default_rng(seed)
    settings, recognition, stroke_settings = pen_render.PenAugmentSettings(), RecognitionSettings(), \
        StrokeTrainingSettings()
    images, sequences = [], []
    for _ in range(copies):
        for digit in digits:
            if variants:
                digit = drawing_order_variant(writing_variant(digit, rng, stroke_settings), rng, stroke_settings)
            strokes = pen_render.mouse_strokes(digit, rng, settings, CANVAS_SIZE)
            images.append(pen_render.strokes_to_image(strokes, CANVAS_SIZE, recognition))
            sequences.append(strokes_to_sequence(strokes))
    return np.stack(images), np.stack(sequences)


def augmented_mnist(images: np.ndarray, labels: np.ndarray, count: int, seed) -> np.ndarray:
    """`count` MNIST images ((N, 28, 28) uint8 given) picked at random, distorted as stage 1
    distorts them (training/augment.py, writing variants included) -> (count, 28, 28) float32."""
    from training.augment import AugmentSettings, augment_image

    rng = np.random.default_rng(seed)
    rows = rng.choice(len(images), size=min(count, len(images)), replace=False)
    settings = AugmentSettings()
    return np.stack([augment_image(images[row].astype(np.float32) / 255.0, rng, settings, int(labels[row]))
                     for row in rows]).astype(np.float32)


def training_drawings(pen_data: pathlib.Path, mnist_images: np.ndarray, mnist_labels: np.ndarray,
                      hold_out_fold: int | None, nondigit_count: int = 6000, pen_copies: int = 1,
                      mnist_count: int = 4000, seed: int = 0, pen_limit: int | None = None,
                      glyph_count: int = 0, outline_count: int = 0) -> Drawings:
    """The head's training set: `mnist_count` MNIST training images ((N, 28, 28) uint8 and
    their labels given, distorted as in stage 1), `pen_copies` drawings of each pen digit not in
    `hold_out_fold` (with the stroke model's writing variants), and `nondigit_count` drawings of
    the non-digit families outside that fold's group (nondigits.training_families; all with
    None), round robin, and `glyph_count` random glyphs (nondigits.GLYPHS) and `outline_count`
    random outlines (nondigits.OUTLINES) besides. `pen_limit`:
    only that many pen digits, spread over the set (a smoke run)."""
    from training.folds import digit_folds

    mnist = augmented_mnist(mnist_images, mnist_labels, mnist_count, (seed, 0))
    folds = digit_folds(pen_data)
    digits = [digit for digit, fold in zip(pen_digits.load(pen_data), folds, strict=True) if fold != hold_out_fold]
    if pen_limit is not None:
        digits = digits[:: max(1, len(digits) // pen_limit)][:pen_limit]
    pen_images, pen_sequences = draw_pen_digits(digits, pen_copies, (seed, 1), variants=True)
    names = [family.name for family in nondigits.training_families(hold_out_fold)
             if family.name not in nondigits.RANDOM_FAMILIES]
    drawn = [draw_nondigits(names, nondigit_count, (seed, 2))]
    for index, (name, random_count) in enumerate([(nondigits.GLYPHS, glyph_count),
                                                   (nondigits.OUTLINES, outline_count)]):
        if random_count:
            drawn.append(draw_nondigits([name], random_count, (seed, 3 + index)))
    other_images, other_sequences, other_names = (np.concatenate(parts) for parts in zip(*drawn, strict=True))
    count = len(mnist), len(pen_images), len(other_images)
    return Drawings(
        images=np.concatenate([mnist, pen_images, other_images]).astype(np.float32),
        sequences=np.concatenate([np.zeros((count[0], *pen_sequences.shape[1:]), np.float32), pen_sequences,
                                  other_sequences]),
        has_strokes=np.r_[np.zeros(count[0], bool), np.ones(count[1] + count[2], bool)],
        not_digit=np.r_[np.zeros(count[0] + count[1], bool), np.ones(count[2], bool)],
        family=np.concatenate([np.full(count[0], "mnist"), np.full(count[1], "pen"), other_names]),
    )


def read(drawings: Drawings, image_model, stroke_reader=None) -> Readings:
    """The models' readings of the drawings: image_model a digitpad.model.DigitModel (with
    features), stroke_reader a digitpad.stroke_reader.StrokeReader or None (then the image's
    probabilities stand for the strokes', as in the app without a stroke model)."""
    image, features, pooled = image_model.predict_with_pooled(drawings.images)
    if features is None:
        raise ValueError(f"{image_model.path} has no features output: the not-a-digit reader needs it")
    strokes = image.copy()
    if stroke_reader is not None and drawings.has_strokes.any():
        strokes[drawings.has_strokes] = stroke_reader.predict_sequences(drawings.sequences[drawings.has_strokes])
    shapes = np.zeros((len(image), len(path_shape.NAMES)), np.float32)
    if drawings.has_strokes.any():
        shapes[drawings.has_strokes] = path_shape.path_shapes(drawings.sequences[drawings.has_strokes])
    if pooled is None:
        raise ValueError(f"{image_model.path} exports no feature maps: the not-a-digit reader needs them")
    return Readings(features, image, strokes, shapes, pooled)
