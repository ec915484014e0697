"""Outlier exposure in stage 2 (Hendrycks et al., ICLR 2019): non-digits in every batch. Off
by default (`train_model.py --outlier-share`, 0): tried on the folds at stop 26 with 0.125, not
adopted (bench/README).

Stage 2 batches (training/mixed.py) may carry drawings of the non-digit families a model may
learn (training/nondigits.py: all but the held-out fold's group, random glyphs among them),
labelled OUTLIER. The image model is taught to spread its probability evenly over the ten
digits on them (cross-entropy to the uniform distribution), so that its features keep what
makes ink no digit for the not-a-digit reader on top of them. It keeps ten outputs: nothing
the app reads changes shape.
"""

import dataclasses

import numpy as np

from digitpad.stroke_features import strokes_to_sequence
from training import nondigit_data, nondigits

OUTLIER = -1  # the label of a non-digit in a stage-2 batch


@dataclasses.dataclass(frozen=True)
class OutlierSettings:
    glyph_share: float = 0.25  # of the non-digits in a batch, random glyphs (the rest: the families, each as likely)
    weight: float = 1.0  # weight of a non-digit's loss against a digit's. Hendrycks et al. weigh the
    # mean over non-digits by 0.5 with twice as many non-digits as digits (0.25 a drawing, half the
    # digits' weight in all); drawing them costs time here, so there are fewer, each weighing more


def digit_or_outlier_crossentropy(weight: float = OutlierSettings.weight):
    """A Keras loss: (B,) int labels and (B, 10) probabilities -> (B,) losses; a digit's is
    the usual cross-entropy, an OUTLIER's the cross-entropy to the uniform distribution times
    `weight`."""
    import keras

    def loss(labels, probabilities):
        log_probabilities = keras.ops.log(keras.ops.clip(keras.ops.cast(probabilities, "float32"), 1e-7, 1.0))
        labels = keras.ops.cast(keras.ops.reshape(labels, (-1,)), "int32")
        picked = keras.ops.take_along_axis(log_probabilities, keras.ops.expand_dims(keras.ops.maximum(labels, 0), -1),
                                           axis=-1)[:, 0]
        uniform = keras.ops.mean(log_probabilities, axis=-1)
        return -keras.ops.where(labels == OUTLIER, weight * uniform, picked)

    return loss


class NonDigitDrawer:
    """Mouse-like drawings of the non-digit families a model may learn (all but group
    hold_out_fold's), as the image model or the stroke model sees them."""

    def __init__(self, hold_out_fold: int | None, settings: OutlierSettings = OutlierSettings()):
        self.families = [family.name for family in nondigits.training_families(hold_out_fold)
                         if family.name not in nondigits.RANDOM_FAMILIES]
        if not self.families:
            raise ValueError("no non-digit families to draw")
        self.settings = settings

    def drawings(self, count: int, rng: np.random.Generator):
        """`count` mouse-like drawings on the app's canvas -> [(family name, Strokes)]."""
        names = [nondigits.GLYPHS if rng.random() < self.settings.glyph_share else str(rng.choice(self.families))
                 for _ in range(count)]
        return nondigits.drawings(names, count, int(rng.integers(2**31)), nondigit_data.CANVAS_SIZE)

    def images(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """`count` drawings -> (count, 28, 28) float32, white ink on black."""
        return nondigit_data.images_of(self.drawings(count, rng))

    def sequences(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """`count` drawings -> (count, 64, 5) float32 pen paths, as the stroke model reads them."""
        return np.stack([strokes_to_sequence(strokes) for _, strokes in self.drawings(count, rng)]).astype(np.float32)
