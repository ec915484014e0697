"""Stage-2 training data: augmented MNIST beside augmented pen digits, mixed in every batch.

MNIST stays the base (most of each batch, augmented as in stage 1); a share of each batch is
pen digits drawn afresh as a mouse user would (training/pen_render.py). Rendering runs here,
in the augmentation worker process, batch by batch: about 1 ms a digit, so a worker keeps up
with training on this machine's other core without a pre-rendered pool.
"""

import dataclasses

import keras
import numpy as np

from training.augment import AugmentSettings, augment_image, clean_probability_at
from training.outliers import OUTLIER
from training.pen_render import PenRenderer
from training.stroke_model import writing_variant


def hold_back_writers(digits, share: float, seed: int):
    """Split pen digits by writer: (training digits, held-back digits), at most `share` of the
    digits held back, whole writers in random order (a writer too big to fit is skipped: some
    UNIPEN writers wrote over a thousand digits). For choosing weights within a run, never
    for judging a recipe."""
    counts = {}
    for digit in digits:
        counts[digit.writer] = counts.get(digit.writer, 0) + 1
    room = share * len(digits)
    held = set()
    for writer in np.random.default_rng(seed).permutation(sorted(counts)):
        if counts[writer] <= room:
            held.add(writer)
            room -= counts[writer]
    return [d for d in digits if d.writer not in held], [d for d in digits if d.writer in held]


class MnistAndPenDigits(keras.utils.PyDataset):
    """Batches of (B, 28, 28, 1) float32 images and (B,) int32 labels; round(pen_share x B) of
    each batch are pen digits, the rest MNIST, and outliers_per_batch non-digits drawn by
    `outliers` are added (label OUTLIER: training/outliers.py). An epoch is mnist_per_epoch
    MNIST images."""

    def __init__(self, mnist_images, mnist_labels, pen, batch_size: int, seed: int, pen_share: float,
                 mnist_per_epoch: int, epochs: int | None = None, settings: AugmentSettings | None = None,
                 renderer: PenRenderer | None = None, writing_variants=None, outliers=None,
                 outliers_per_batch: int = 0, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 < pen_share < 1.0:
            raise ValueError(f"pen_share must be between 0 and 1 (exclusive), got {pen_share}")
        if not pen:
            raise ValueError("no pen digits to train on")
        self.mnist_images = mnist_images  # (N, 28, 28) uint8
        self.mnist_labels = mnist_labels.astype(np.int32)
        self.pen = list(pen)  # PenDigit
        self.pen_labels = np.array([digit.label for digit in self.pen], np.int32)
        self.pen_per_batch = max(1, int(round(pen_share * batch_size)))
        self.mnist_per_batch = max(1, batch_size - self.pen_per_batch)
        self.steps = max(1, int(np.ceil(min(mnist_per_epoch, len(mnist_images)) / self.mnist_per_batch)))
        self.seed = seed
        self.epochs = epochs
        self.settings = settings or AugmentSettings()
        self.renderer = renderer or PenRenderer()
        self.writing_variants = writing_variants  # StrokeTrainingSettings, or None: the flags of 1s, bars of
        # 7s and slashes of 0s the stroke model learns from (training/stroke_model.writing_variant)
        self.outliers = outliers  # training/outliers.NonDigitDrawer, or None: no non-digits
        self.outliers_per_batch = outliers_per_batch if outliers is not None else 0  # added to each batch,
        # labelled training.outliers.OUTLIER
        self.epoch = 0
        self._shuffle()

    def _shuffle(self):
        rng = np.random.default_rng((self.seed, self.epoch))
        self.mnist_order = rng.permutation(len(self.mnist_images))
        repeats = int(np.ceil(self.steps * self.pen_per_batch / len(self.pen)))
        self.pen_order = np.concatenate([rng.permutation(len(self.pen)) for _ in range(repeats)])

    def __len__(self):
        return self.steps

    def __getitem__(self, index):
        rng = np.random.default_rng((self.seed, self.epoch, index))
        settings = self.settings
        if self.epochs is not None:
            settings = dataclasses.replace(settings, clean_probability=clean_probability_at(self.epoch, self.epochs,
                                                                                             settings))
        mnist_rows = self.mnist_order[index * self.mnist_per_batch : (index + 1) * self.mnist_per_batch]
        pen_rows = self.pen_order[index * self.pen_per_batch : (index + 1) * self.pen_per_batch]
        mnist = [augment_image(self.mnist_images[row].astype(np.float32) / 255.0, rng, settings,
                               int(self.mnist_labels[row])) for row in mnist_rows]
        digits = [self.pen[row] for row in pen_rows]
        if self.writing_variants is not None:  # from a generator of their own (MNIST is augmented as without)
            variant_rng = np.random.default_rng((self.seed, self.epoch, index, 1))
            digits = [writing_variant(digit, variant_rng, self.writing_variants) for digit in digits]
        pen = [self.renderer.render(digit, rng) for digit in digits]
        images = np.stack(mnist + pen)
        labels = np.concatenate([self.mnist_labels[mnist_rows], self.pen_labels[pen_rows]])
        if self.outliers_per_batch:
            outlier_rng = np.random.default_rng((self.seed, self.epoch, index, 2))
            images = np.concatenate([images, self.outliers.images(self.outliers_per_batch, outlier_rng)])
            labels = np.concatenate([labels, np.full(self.outliers_per_batch, OUTLIER, np.int32)])
        return images[..., None], labels

    def on_epoch_end(self):
        self.epoch += 1
        self._shuffle()
