"""The not-a-digit reader: says when a piece of ink is not a digit at all.

A softmax over ten digits must pick one, and the image model is often most confident far from
anything it trained on (a plus reads as a sure 4, a heart as a sure 0). This reader is a small
head beside the two models: a multilayer perceptron (one hidden layer, numpy only) on what the
models already compute for each piece,

    inputs = [256 image features (the image model's last hidden layer),
              log p_image (10), log p_strokes (10), both models agree (1), strokes known (1),
              how the pen path turns (18: digitpad.path_shape; zeros without strokes),
              the last convolutional stage's maps, each pooled to its max and mean (384)]

trained with outlier exposure (Hendrycks et al., ICLR 2019) on generated non-digits (letters and
signs of stroke fonts, shapes, scribbles: training/nondigits.py) against MNIST and drawn pen
digits (train_model.py, section "not-a-digit reader"). It returns the probability that a piece
is not a digit; the recogniser calls a piece "not a digit" above settings.not_digit_above. It
leaves the ten digit probabilities as they are. Without strokes (pictures, ink the eraser
touched), p_strokes is p_image, "strokes known" is 0 and the path's turns are zeros, as they
were in training for such rows. The turns are there because a diamond or a house is a 0 to
both models but not to a person, who sees its corners; the pooled maps because the last
hidden layer, trained to tell ten digits apart, keeps little of what makes ink no digit
(both chosen by measurement: README).

The head belongs to one image model (its features): the file lies beside it
(digitpad.tflite -> digitpad-nondigit.npz) and holds the features of a few probe images, which
the model must reproduce when the head is loaded.
"""

import pathlib

import numpy as np

from digitpad import path_shape
from digitpad.model import ModelError

FEATURES = 256  # length of the image model's feature vector the head reads
POOLED = 384  # length of the image model's pooled maps the head reads (DigitModel.predict_with_pooled: 2 x 192)
PROBE_TOLERANCE = 1e-3  # largest difference allowed between stored and recomputed probe features
# (LiteRT and Keras agree to about 1e-5; a retrained model differs by far more)
PROBABILITY_FLOOR = 1e-7  # probabilities are floored here before their log


class NonDigitError(ModelError):
    """The not-a-digit reader's file is missing, damaged or made for another image model."""


def head_path(model_path: pathlib.Path | str) -> pathlib.Path:
    """Where the head of an image model lives: beside it, digitpad.tflite -> digitpad-nondigit.npz."""
    model_path = pathlib.Path(model_path)
    return model_path.with_name(f"{model_path.stem}-nondigit.npz")


def head_inputs(features: np.ndarray, image: np.ndarray, strokes: np.ndarray | None,
                has_strokes: np.ndarray | None = None, shapes: np.ndarray | None = None,
                pooled: np.ndarray | None = None) -> np.ndarray:
    """(N, 256) features, (N, 10) image probabilities, (N, 10) stroke-model probabilities (None:
    no pen path; then the image's stand for them), (N,) bool, which rows have a pen path
    (default: all when `strokes` is given), (N, 18) how each pen path turns
    (path_shape.path_shapes; None: zeros) and (N, 384) the image model's pooled maps
    (DigitModel.predict_with_pooled; None: zeros, for tests) -> (N, INPUTS) float32 head inputs."""
    features = np.asarray(features, np.float32)
    image = np.asarray(image, np.float32)
    if features.ndim != 2 or image.shape != (len(features), 10):
        raise ValueError(f"expected (N, F) features and (N, 10) probabilities, got {features.shape}, {image.shape}")
    if strokes is None:
        strokes, has_strokes = image, np.zeros(len(image), bool)
    strokes = np.asarray(strokes, np.float32)
    if strokes.shape != image.shape:
        raise ValueError(f"stroke probabilities {strokes.shape} do not match the image's {image.shape}")
    has_strokes = np.ones(len(image), bool) if has_strokes is None else np.asarray(has_strokes, bool)
    shape_width = len(path_shape.NAMES)
    shapes = np.zeros((len(image), shape_width), np.float32) if shapes is None else np.asarray(shapes, np.float32)
    if shapes.shape != (len(image), shape_width):
        raise ValueError(f"expected ({len(image)}, {shape_width}) path shapes, got {shapes.shape}")
    pooled = np.zeros((len(image), POOLED), np.float32) if pooled is None else np.asarray(pooled, np.float32)
    if pooled.shape != (len(image), POOLED):
        raise ValueError(f"expected ({len(image)}, {POOLED}) pooled maps, got {pooled.shape}")
    strokes = np.where(has_strokes[:, None], strokes, image)
    shapes = np.where(has_strokes[:, None], shapes, 0.0)
    agree = (image.argmax(axis=1) == strokes.argmax(axis=1)).astype(np.float32)
    return np.hstack([features, np.log(np.maximum(image, PROBABILITY_FLOOR)),
                      np.log(np.maximum(strokes, PROBABILITY_FLOOR)), agree[:, None],
                      has_strokes.astype(np.float32)[:, None], shapes, pooled]).astype(np.float32)


INPUTS = FEATURES + 22 + len(path_shape.NAMES) + POOLED  # the head's inputs per piece (head_inputs)


class NonDigitReader:
    """A trained head (train_model.py writes it): probability that pieces are not digits."""

    KEYS = ("mean", "scale", "hidden_weights", "hidden_bias", "output_weights", "output_bias",
            "probe_images", "probe_features")

    def __init__(self, path: pathlib.Path | str, model=None):
        """Load the head at `path`; with `model` (a digitpad.model.DigitModel), check that the
        model reproduces the probe features. NonDigitError saying what is wrong otherwise."""
        self.path = pathlib.Path(path)
        if not self.path.is_file():
            raise NonDigitError(f"not-a-digit reader not found: {self.path}")
        try:
            with np.load(self.path) as data:
                arrays = {key: np.asarray(data[key], np.float32) for key in self.KEYS}
        except (OSError, KeyError, ValueError, EOFError) as error:
            raise NonDigitError(f"not-a-digit reader {self.path} is damaged ({error})") from error
        self.mean, self.scale = arrays["mean"], arrays["scale"]  # (K,) input standardisation
        # S heads trained alike from different seeds (their logits are averaged): (S, K, H), (S, H), (S, H), (S,)
        self.hidden_weights, self.hidden_bias = arrays["hidden_weights"], arrays["hidden_bias"]
        self.output_weights, self.output_bias = arrays["output_weights"], arrays["output_bias"].reshape(-1)
        inputs = INPUTS
        if self.mean.shape == (FEATURES + 22,) or self.hidden_weights.ndim == 2:  # before issue 19's second round
            raise NonDigitError(f"not-a-digit reader {self.path} is from an older digitpad (it reads neither pen "
                                f"path turns nor feature maps); retrain it: python train_model.py --nondigit-only")
        heads = len(self.hidden_weights)
        if (self.mean.shape != (inputs,) or self.scale.shape != (inputs,) or self.hidden_weights.ndim != 3
                or self.hidden_weights.shape[1] != inputs or heads < 1
                or self.hidden_bias.shape != (heads, self.hidden_weights.shape[2])
                or self.output_weights.shape != self.hidden_bias.shape or self.output_bias.shape != (heads,)
                or not np.all(self.scale > 0)):
            raise NonDigitError(f"not-a-digit reader {self.path} is damaged (its arrays do not fit together)")
        if model is not None:
            self.check(model, arrays["probe_images"], arrays["probe_features"])

    def check(self, model, probe_images: np.ndarray, probe_features: np.ndarray) -> None:
        """NonDigitError unless `model` gives the probe images the stored features."""
        if probe_images.ndim != 3 or probe_images.shape[1:] != (28, 28) or not len(probe_images):
            raise NonDigitError(f"not-a-digit reader {self.path} is damaged (no probe images)")
        features = model.predict_with_features(probe_images)[1]
        if features is None:
            raise NonDigitError(f"model {model.path.name} has no features output for the not-a-digit reader")
        pooled = model.predict_with_pooled(probe_images)[2]
        if pooled is None or pooled.shape != (len(probe_images), POOLED):
            raise NonDigitError(f"model {model.path.name} exports no feature maps of the kind the not-a-digit "
                                f"reader reads (re-export it: python -m training.export MODEL.tflite --keras "
                                f"MODEL.keras)")
        if features.shape != probe_features.shape or np.abs(features - probe_features).max() > PROBE_TOLERANCE:
            raise NonDigitError(f"not-a-digit reader {self.path.name} was made for another image model than "
                                f"{model.path.name} (retrain it: python train_model.py --nondigit-only "
                                f"--output-dir {model.path.parent})")

    def probability(self, features: np.ndarray, image: np.ndarray, strokes: np.ndarray | None = None,
                    has_strokes: np.ndarray | None = None, shapes: np.ndarray | None = None,
                    pooled: np.ndarray | None = None) -> np.ndarray:
        """(N,) float64 probability that each piece is not a digit (see head_inputs)."""
        return probability(head_inputs(features, image, strokes, has_strokes, shapes, pooled), self.mean, self.scale,
                           self.hidden_weights, self.hidden_bias, self.output_weights, self.output_bias)


def probability(inputs, mean, scale, hidden_weights, hidden_bias, output_weights, output_bias) -> np.ndarray:
    """The S heads: (N, K) inputs -> (N,) float64 sigmoid(mean over heads s of
    relu(((x - mean) / scale) W1[s] + b1[s]) w2[s] + b2[s]); W1 (S, K, H), b1 (S, H), w2 (S, H),
    b2 (S,)."""
    standard = (np.asarray(inputs, np.float32) - mean) / scale
    # matmul, not einsum: the same sums in half the time (two pieces: 2.1 -> 1.0 ms on a slow
    # 2-core machine, the heads alone; no clear change in a whole stroke end's median)
    hidden = np.maximum(np.matmul(standard[None], hidden_weights) + np.asarray(hidden_bias)[:, None, :], 0.0)
    logits = np.matmul(hidden, np.asarray(output_weights)[:, :, None])[..., 0] + np.asarray(output_bias).reshape(-1, 1)
    logits = logits.astype(np.float64)
    return 1.0 / (1.0 + np.exp(-np.clip(logits.mean(axis=0), -50.0, 50.0)))


def load_reader(model, not_digit_above: float = 0.0) -> tuple["NonDigitReader | None", str]:
    """The not-a-digit reader of the image model `model` (a digitpad.model.DigitModel, or an
    AdaptedModel of one): the head beside its file, else the bundled head when it fits this
    model too (a copy of the bundled model), checked against it. (reader, "") or (None, why
    not, for the user); (None, "") when the settings turn it off (not_digit_above >= 1)."""
    from digitpad.resources import nondigit_path

    if not_digit_above >= 1.0:
        return None, ""
    model = getattr(model, "model", model)  # the DigitModel under an AdaptedModel
    own = head_path(model.path)
    try:
        return NonDigitReader(own if own.is_file() else nondigit_path(), model), ""
    except NonDigitError as error:
        return None, f"Ink that is no digit is read as digits: {error}."
