"""Train the not-a-digit reader (digitpad/nondigit.py) on an image model's readings: seconds.

    python -m training.nondigit_head model/digitpad.tflite        # retrain the bundled one
    python train_model.py --nondigit-only                          # the same, as train_model.py does it

It reads MNIST training images and pen digits (not in the held-out fold) as digits and drawings
of the non-digit families of training/nondigits.py as non-digits (with --hold-out-fold K, all
but family group K's, as pen digits of fold K are left out), with the image model (its
256 features and probabilities) and the stroke model, and fits a one-hidden-layer perceptron
(numpy, Adam, balanced classes) on digitpad.nondigit.head_inputs. Each drawn row is also taught
once without its pen path (p_strokes = p_image, "strokes known" 0), as pictures are read. The
head is written beside the image model (digitpad.nondigit.head_path), with probe images and
their features so the app never pairs it with another model.
"""

import dataclasses
import json
import pathlib
import time

import numpy as np

from digitpad.nondigit import NonDigitReader, head_inputs, head_path, probability
from training import nondigit_data, overrides

REPO = pathlib.Path(__file__).resolve().parent.parent


@dataclasses.dataclass(frozen=True)
class HeadSettings:
    nondigits: int = 12000  # drawings of the non-digit families it learns, round robin
    glyphs: int = 4000  # drawings of random glyphs besides (training/nondigits.py glyph; 0: none); with
    # 16,000 drawings in all, as many as before there were glyphs, it takes no longer to train
    outlines: int = 0  # drawings of random closed outlines besides (training/nondigits.py outline; 0: none).
    # 0 by default: 2,000 of them caught clouds, hearts and polygons but refused real 0s that unseen
    # writers drew as polygons or blobs, no gain where as many digits are refused (bench/README, stop 33)
    pen_copies: int = 6  # mouse-like drawings of each training pen digit
    mnist: int = 12000  # MNIST training images (distorted as in stage 1). Three times as many digits as
    # at first (2 copies, 4000): on the folds, fewer held-out letters and symbols read as sure
    # digits for as many right digits refused, at a lower threshold (bench/README)
    hidden: int = 64  # units of the hidden layer
    epochs: int = 20  # passes over the rows
    batch_size: int = 256  # rows per step
    learning_rate: float = 3e-3  # Adam's
    weight_decay: float = 1e-4  # L2 on the weights
    digit_share: float = 0.5  # share of the loss on the digits' rows (the non-digits get the rest)
    probes: int = 8  # MNIST images whose features are stored to check the model at load
    heads: int = 3  # heads fitted alike from seeds seed, seed + 1, ...; the reader averages their logits
    # (three were steadier than one on held-out families at the same share of digits refused: README)
    seed: int = 0  # seeds the drawings, the rows' order and the weights
    pen_limit: int | None = None  # only this many pen digits (a smoke run); None: all


# train_model.py --quick
QUICK = HeadSettings(nondigits=200, glyphs=50, outlines=20, mnist=200, pen_limit=200, epochs=2, heads=1)


def rows(drawings: nondigit_data.Drawings, readings: nondigit_data.Readings):
    """(inputs (M, K) float32, not digit (M,) bool): every drawing with its pen path, and every
    drawn one once more without it."""
    drawn = drawings.has_strokes
    with_strokes = head_inputs(readings.features, readings.image, readings.strokes, drawn, readings.shapes,
                               readings.pooled)
    without = head_inputs(readings.features[drawn], readings.image[drawn], None, pooled=readings.pooled[drawn])
    return np.vstack([with_strokes, without]), np.r_[drawings.not_digit, drawings.not_digit[drawn]]


def fit(inputs: np.ndarray, not_digit: np.ndarray, settings: HeadSettings = HeadSettings()) -> dict:
    """Fit the head by minibatch Adam on the weighted logistic loss -> its arrays (the keys
    digitpad.nondigit.NonDigitReader reads, probes excepted)."""
    rng = np.random.default_rng(settings.seed)
    inputs = np.asarray(inputs, np.float32)
    target = np.asarray(not_digit, np.float32)
    if not 0 < target.sum() < len(target):
        raise ValueError("the head needs both digits and non-digits to learn from")
    mean = inputs.mean(axis=0)
    scale = np.maximum(inputs.std(axis=0), 1e-3)
    standard = (inputs - mean) / scale
    weight = np.where(target > 0, (1 - settings.digit_share) / target.sum(),
                      settings.digit_share / (len(target) - target.sum())).astype(np.float32)
    weight *= len(target)  # mean 1 per row
    count, width = standard.shape
    params = [rng.normal(0, 1 / np.sqrt(width), (width, settings.hidden)).astype(np.float32),
              np.zeros(settings.hidden, np.float32),
              rng.normal(0, 1 / np.sqrt(settings.hidden), settings.hidden).astype(np.float32),
              np.zeros((), np.float32)]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    step = 0
    for _ in range(settings.epochs):
        order = rng.permutation(count)
        for start in range(0, count, settings.batch_size):
            batch = order[start : start + settings.batch_size]
            x, y, w = standard[batch], target[batch], weight[batch]
            hidden = np.maximum(x @ params[0] + params[1], 0.0)
            logits = hidden @ params[2] + params[3]
            error = (1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50))) - y) * w / len(batch)
            hidden_error = np.outer(error, params[2]) * (hidden > 0)
            grads = [x.T @ hidden_error + settings.weight_decay * params[0], hidden_error.sum(axis=0),
                     hidden.T @ error + settings.weight_decay * params[2], error.sum()]
            step += 1
            for index, grad in enumerate(grads):
                first[index] = 0.9 * first[index] + 0.1 * grad
                second[index] = 0.999 * second[index] + 0.001 * grad * grad
                update = (first[index] / (1 - 0.9 ** step)) / (np.sqrt(second[index] / (1 - 0.999 ** step)) + 1e-8)
                params[index] = (params[index] - settings.learning_rate * update).astype(np.float32)
    return {"mean": mean, "scale": scale, "hidden_weights": params[0], "hidden_bias": params[1],
            "output_weights": params[2], "output_bias": np.asarray(params[3]).reshape(1)}


def fit_heads(inputs: np.ndarray, not_digit: np.ndarray, settings: HeadSettings = HeadSettings()) -> dict:
    """settings.heads heads fitted alike (fit) from successive seeds, stacked: each weight array
    gains a leading axis of heads; mean and scale are the same for all."""
    fitted = [fit(inputs, not_digit, dataclasses.replace(settings, seed=settings.seed + index))
              for index in range(settings.heads)]
    stacked = {key: np.stack([head[key] for head in fitted]) for key in fitted[0]}
    stacked["output_bias"] = stacked["output_bias"].reshape(-1)
    stacked["mean"], stacked["scale"] = fitted[0]["mean"], fitted[0]["scale"]
    return stacked


def train_head(model_path: pathlib.Path | str, stroke_model_path: pathlib.Path | str | None,
               pen_data: pathlib.Path | str, mnist_dir: pathlib.Path | str, hold_out_fold: int | None = None,
               settings: HeadSettings = HeadSettings(), output: pathlib.Path | str | None = None) -> dict:
    """Train the head of the LiteRT image model at model_path (read with the stroke model at
    stroke_model_path, or none), on pen digits not in hold_out_fold and non-digits not of its
    family group; write it to `output`
    (default: beside the model) with a JSON of figures; returns the figures."""
    from digitpad.model import DigitModel
    from digitpad.stroke_reader import StrokeReader
    from training.mnist import load_mnist

    started = time.perf_counter()
    model = DigitModel(model_path)
    strokes = StrokeReader(stroke_model_path) if stroke_model_path is not None else None
    (mnist_images, mnist_labels), _ = load_mnist(mnist_dir)
    drawings = nondigit_data.training_drawings(pathlib.Path(pen_data), mnist_images, mnist_labels, hold_out_fold,
                                               settings.nondigits, settings.pen_copies, settings.mnist, settings.seed,
                                               settings.pen_limit, settings.glyphs, settings.outlines)
    drawn = time.perf_counter()
    readings = nondigit_data.read(drawings, model, strokes)
    read = time.perf_counter()
    inputs, not_digit = rows(drawings, readings)
    head = fit_heads(inputs, not_digit, settings)
    fitted = time.perf_counter()
    probes = mnist_images[np.random.default_rng(settings.seed).choice(len(mnist_images), settings.probes,
                                                                       replace=False)].astype(np.float32) / 255.0
    head["probe_images"] = probes
    head["probe_features"] = model.predict_with_features(probes)[1]
    output = pathlib.Path(output) if output is not None else head_path(model_path)
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as file:  # np.savez would add ".npz" to a name without it
        np.savez_compressed(file, **head)
    NonDigitReader(output, model)  # it loads, and belongs to this model
    scores = probability(inputs, *(head[key] for key in NonDigitReader.KEYS[:6]))
    figures = {
        "rows": int(len(not_digit)), "not_digit_rows": int(not_digit.sum()), "hold_out_fold": hold_out_fold,
        "image_model": str(model_path), "stroke_model": str(stroke_model_path) if stroke_model_path else None,
        "training_digits_above_half": round(float(np.mean(scores[~not_digit] > 0.5)), 5),
        "training_nondigits_above_half": round(float(np.mean(scores[not_digit] > 0.5)), 5),
        "seconds": {"draw": round(drawn - started, 1), "read": round(read - drawn, 1),
                    "fit": round(fitted - read, 1), "total": round(time.perf_counter() - started, 1)},
        "settings": dataclasses.asdict(settings),
    }
    output.with_suffix(".json").write_text(json.dumps(figures, indent=2) + "\n")
    return figures


def main(argv=None) -> int:
    """python -m training.nondigit_head MODEL.tflite [--strokes S.tflite] [--hold-out-fold K] [--set NAME=VALUE]"""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=pathlib.Path, help="the LiteRT image model (its head is written beside it)")
    parser.add_argument("--strokes", type=pathlib.Path, default=None,
                        help="the stroke model (default: digitpad-strokes.tflite beside the image model, if there)")
    parser.add_argument("--hold-out-fold", type=int, default=None, metavar="K",
                        help="train on pen digits not in fold K (for the fold models)")
    parser.add_argument("--pen-digits", type=pathlib.Path, default=REPO / "tests" / "data" / "pen_digits_dev.npz")
    parser.add_argument("--data-dir", type=pathlib.Path, default=REPO / "data" / "mnist")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="change a HeadSettings field for this run, e.g. --set outlines=2000 (repeatable)")
    arguments = parser.parse_args(argv)
    try:
        settings = overrides.replaced(HeadSettings(), arguments.set)
    except ValueError as error:
        parser.error(f"--set {error}")
    strokes = arguments.strokes or arguments.model.with_name("digitpad-strokes.tflite")
    figures = train_head(arguments.model, strokes if strokes.is_file() else None, arguments.pen_digits,
                         arguments.data_dir, arguments.hold_out_fold, settings)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
