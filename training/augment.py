"""Random distortions of MNIST digits that mimic how people draw with a mouse.

OpenCV per image rather than Keras preprocessing layers: elastic distortion and
stroke-thickness changes have no Keras layer, and one cv2 warp per image keeps a batch of 128
under 10 ms on one core, so it runs beside training in the data loader's worker thread.
"""

import dataclasses

import cv2
import keras
import numpy as np

from digitpad import preprocess


@dataclasses.dataclass(frozen=True)
class AugmentSettings:
    clean_probability: float = 0.2  # chance an image is left as MNIST has it (keeps test-like digits in view)
    late_clean_probability: float = 0.5  # that chance by the last epoch, rising over the late epochs
    late_fraction: float = 1 / 3  # share of the epochs, at the end, over which the chance rises
    rotation_degrees: float = 10.0  # uniform in +-this
    scale_range: tuple[float, float] = (0.85, 1.10)  # overall size factor
    aspect_range: tuple[float, float] = (0.85, 1.15)  # extra horizontal stretch factor
    shear: float = 0.25  # horizontal shear (slant), uniform in +-this
    shift_pixels: float = 2.0  # translation, uniform in +-this on each axis
    elastic_probability: float = 0.5  # chance of an elastic distortion
    elastic_alpha: float = 24.0  # elastic displacement strength (Simard et al. 2003 used 34)
    elastic_sigma: float = 4.0  # smoothness of the elastic field, pixels
    thicken_probability: float = 0.2  # chance of dilating the ink by one pixel
    thin_probability: float = 0.2  # chance of eroding the ink by one pixel
    # Ways of writing that MNIST (American writers) lacks but digitpad's users use:
    slashed_zero_probability: float = 0.35  # a 0 gets a slash through it
    crossed_seven_probability: float = 0.25  # a 7 gets a bar across its stem
    flagged_one_probability: float = 0.5  # a 1 gets a flag at the top (and sometimes a base)


CENTRE = 14.0  # MNIST centres the ink's centre of mass at pixel (14, 14)
VARIANT_MARGIN = 14  # room around a digit for a slash or flag reaching past it
THICKNESS_KERNEL = np.ones((2, 2), np.uint8)


def random_affine(rng: np.random.Generator, settings: AugmentSettings) -> np.ndarray:
    """A (2, 3) float64 affine matrix about the image centre."""
    angle = np.deg2rad(rng.uniform(-settings.rotation_degrees, settings.rotation_degrees))
    scale = rng.uniform(*settings.scale_range)
    aspect = rng.uniform(*settings.aspect_range)
    shear = rng.uniform(-settings.shear, settings.shear)
    cosine, sine = np.cos(angle), np.sin(angle)
    rotation = np.array([[cosine, -sine], [sine, cosine]])
    linear = rotation @ np.array([[scale * aspect, shear * scale], [0.0, scale]])
    shift = rng.uniform(-settings.shift_pixels, settings.shift_pixels, size=2)
    offset = np.array([CENTRE, CENTRE]) - linear @ np.array([CENTRE, CENTRE]) + shift
    return np.hstack([linear, offset[:, None]])


def elastic(image: np.ndarray, rng: np.random.Generator, settings: AugmentSettings) -> np.ndarray:
    """Smooth random displacement of every pixel; (28, 28) float32 in, same out."""
    height, width = image.shape
    displacement = rng.uniform(-1.0, 1.0, size=(2, height, width)).astype(np.float32)
    for axis in range(2):
        displacement[axis] = cv2.GaussianBlur(displacement[axis], (0, 0), settings.elastic_sigma)
    displacement *= settings.elastic_alpha
    grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
    return cv2.remap(
        image, grid_x + displacement[0], grid_y + displacement[1], cv2.INTER_LINEAR, borderValue=0.0
    )


def _ink_box(image):
    rows = np.flatnonzero((image > 0.3).any(axis=1))
    columns = np.flatnonzero((image > 0.3).any(axis=0))
    if len(rows) == 0:
        return None
    return columns[0], rows[0], columns[-1], rows[-1]


def _stroke(image, start, end, rng):
    """Draw a pen line in MNIST's style (about 2.5 px wide, soft edges) onto image in place."""
    scale = 4  # sub-pixel endpoints: cv2 draws at shift=2 precision
    start = tuple(int(round(v * scale)) for v in start)
    end = tuple(int(round(v * scale)) for v in end)
    cv2.line(image, start, end, 1.0, int(rng.integers(2, 4)), cv2.LINE_AA, shift=2)


def add_writing_variant(image: np.ndarray, label: int, rng: np.random.Generator,
                        settings: AugmentSettings) -> np.ndarray:
    """Add the slash of a 0, the bar of a 7 or the flag of a 1; (28, 28) float32 in and out."""
    # Drawn on a margin around the digit, then framed again the MNIST way (fit 20x20, centre of
    # mass at the centre), as digitpad frames a drawing: a long slash or flag shrinks the rest.
    probability = {0: settings.slashed_zero_probability, 7: settings.crossed_seven_probability,
                   1: settings.flagged_one_probability}.get(label)
    box = None if probability is None else _ink_box(image)
    if box is None or rng.random() >= probability:
        return image  # most images: no variant, and no padding to pay for
    image = np.pad(image, VARIANT_MARGIN)
    left, top, right, bottom = (int(value) + VARIANT_MARGIN for value in box)
    width, height = right - left + 1, bottom - top + 1
    before = image.copy()
    if label == 0:
        # a slash through the middle, from a flat diagonal to upright, often reaching far past
        # the 0 at both ends (a 0 written like a phi, the ring a small part of the whole)
        centre = np.array([(left + right) / 2, (top + bottom) / 2])
        angle = np.deg2rad(rng.uniform(25, 90))
        half = rng.uniform(0.45, 1.1) * height
        offset = half * np.array([np.cos(angle), -np.sin(angle)])
        _stroke(image, centre - offset, centre + offset, rng)
    elif label == 7:
        row = int(round(top + rng.uniform(0.45, 0.65) * height))
        stem = np.flatnonzero(image[min(row, image.shape[0] - 1)] > 0.3)
        centre = stem.mean() if len(stem) else (left + right) / 2
        half = rng.uniform(0.2, 0.35) * max(width, 0.6 * height)
        _stroke(image, (centre - half, row), (centre + half, row + rng.uniform(-1, 1)), rng)
    elif label == 1:
        top_columns = np.flatnonzero(image[top] > 0.3)
        x_top = top_columns.mean() if len(top_columns) else (left + right) / 2
        length = rng.uniform(0.25, 0.8) * height  # continental 1s have long flags
        angle = np.deg2rad(rng.uniform(25, 65))  # below the horizontal, pointing left
        _stroke(image, (x_top, top), (x_top - length * np.cos(angle), top + length * np.sin(angle)), rng)
        if rng.random() < 0.4:
            bottom_columns = np.flatnonzero(image[bottom] > 0.3)
            x_bottom = bottom_columns.mean() if len(bottom_columns) else (left + right) / 2
            half = rng.uniform(0.15, 0.3) * height
            _stroke(image, (x_bottom - half, bottom), (x_bottom + half, bottom), rng)
    if np.array_equal(image, before):
        return image[VARIANT_MARGIN:-VARIANT_MARGIN, VARIANT_MARGIN:-VARIANT_MARGIN]
    return preprocess.fit_and_centre(np.clip(image, 0.0, 1.0))


def augment_image(image: np.ndarray, rng: np.random.Generator, settings: AugmentSettings,
                  label: int = -1) -> np.ndarray:
    """One distorted copy; (28, 28) float32 in [0, 1], white ink on black, in and out."""
    if rng.random() < settings.clean_probability:
        return image
    image = add_writing_variant(image, label, rng, settings)
    matrix = random_affine(rng, settings)
    image = cv2.warpAffine(image, matrix, (28, 28), flags=cv2.INTER_LINEAR, borderValue=0.0)
    if rng.random() < settings.elastic_probability:
        image = elastic(image, rng, settings)
    draw = rng.random()
    if draw < settings.thicken_probability:
        image = cv2.dilate(image, THICKNESS_KERNEL)
    elif draw < settings.thicken_probability + settings.thin_probability:
        thinned = cv2.erode(image, THICKNESS_KERNEL)
        if thinned.sum() > 0.5 * image.sum():  # keep thin digits legible
            image = thinned
    return np.clip(image, 0.0, 1.0)


def clean_probability_at(epoch: int, epochs: int, settings: AugmentSettings) -> float:
    """The chance an image is left undistorted in this epoch (0-based) of a run of `epochs`.

    Distortion is annealed: constant at clean_probability, then rising linearly over the last
    late_fraction of the run to late_clean_probability in the final epoch, so the weights the
    run ends with (and averages) have seen more digits as MNIST writes them, after most of the
    run learnt the distortions users' drawings need.
    """
    late_epochs = int(round(epochs * settings.late_fraction))
    first_late = epochs - late_epochs
    if late_epochs < 1 or epoch < first_late:
        return settings.clean_probability
    progress = min(1.0, (epoch - first_late + 1) / late_epochs)
    return settings.clean_probability + progress * (settings.late_clean_probability - settings.clean_probability)


class AugmentedDigits(keras.utils.PyDataset):
    """Batches of freshly distorted images each epoch; (B, 28, 28, 1) float32, labels (B,)."""

    def __init__(self, images, labels, batch_size, seed, settings=AugmentSettings(), epochs=None, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("clean_probability", settings.clean_probability),
                            ("late_clean_probability", settings.late_clean_probability),
                            ("late_fraction", settings.late_fraction)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        self.images = images  # (N, 28, 28) uint8: a quarter of the memory a worker process is sent
        self.labels = labels.astype(np.int32)
        self.batch_size = batch_size
        self.settings = settings
        self.seed = seed
        self.epochs = epochs  # length of the run, for the clean-probability schedule; None: constant
        self.epoch = 0
        self.order = np.random.default_rng(seed).permutation(len(self.images))

    def __len__(self):
        return int(np.ceil(len(self.images) / self.batch_size))

    def __getitem__(self, index):
        rng = np.random.default_rng((self.seed, self.epoch, index))
        rows = self.order[index * self.batch_size : (index + 1) * self.batch_size]
        settings = self.settings
        if self.epochs is not None:
            clean = clean_probability_at(self.epoch, self.epochs, settings)
            settings = dataclasses.replace(settings, clean_probability=clean)
        batch = np.stack([augment_image(self.images[row].astype(np.float32) / 255.0, rng, settings,
                                        int(self.labels[row])) for row in rows])
        return batch[..., None], self.labels[rows]

    def on_epoch_end(self):
        self.epoch += 1
        self.order = np.random.default_rng((self.seed, self.epoch)).permutation(len(self.images))
