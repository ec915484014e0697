"""The stroke model: a small 1-D CNN reading a digit's pen path (digitpad/stroke_features.py).

The 28x28 image forgets the order and direction of the strokes; this model reads them. It is
trained on the UNIPEN pen digits (tests/data/pen_digits_dev.npz) drawn as a mouse user would
(training/pen_render.mouse_strokes: slant, rotation, stretch, size, place, 60-125 Hz reports
at uneven speed, whole pixels, jitter), plus a share drawn with the tablet's own points after
the same slant, rotation and stretch; a share of the 0s, 1s and 7s get a slash, a flag or a
bar (writing_variant), as the image model's MNIST does; now and then a stroke is drawn from
its other end, a loop from another point, or the strokes in another order
(drawing_order_variant). The pool of augmented copies is drawn once per run.

train_model.py runs it after the image model (`--hold-out-fold K` leaves fold K out of both;
bench/stroke_folds.py trains fold models of this one alone). The LiteRT file takes (1, 64, 5)
float32 sequences and gives (1, 10) float32 probabilities (digitpad/stroke_reader.py runs it):
two models trained alike from different seeds, their logits averaged in the one file (ensemble;
StrokeTrainingSettings.members). Training both on all pen digits takes about three minutes on
two cores.
"""

import dataclasses
import json
import pathlib
import time

import numpy as np

from digitpad.drawing import Stroke
from digitpad.stroke_features import CHANNELS, SEQUENCE_LENGTH, digits_to_sequences, strokes_to_sequence
from training import pen_digits, pen_render

REPO = pathlib.Path(__file__).resolve().parent.parent
PEN_DIGITS = REPO / "tests" / "data" / "pen_digits_dev.npz"
CANVAS_SIZE = 560  # the app's canvas side (CanvasSettings.canvas_size): the mouse's pixel grid


@dataclasses.dataclass(frozen=True)
class StrokeTrainingSettings:
    copies: int = 8  # augmented drawings of each training digit, drawn once per run
    as_written_share: float = 0.2  # share of copies with the tablet's points (slant etc. only), not mouse-like
    epochs: int = 5  # passes over the pool
    batch_size: int = 128  # sequences per gradient step
    learning_rate: float = 3e-3  # peak of the warm-up + cosine schedule
    warmup_epochs: float = 1.0  # linear warm-up, in epochs
    dropout: float = 0.3  # before each dense layer
    widths: tuple[int, int, int] = (32, 64, 96)  # channels of the three conv blocks
    hidden: int = 128  # units of the hidden dense layer
    slashed_zero_probability: float = 0.35  # a 0 gets a slash (as training/augment.py gives MNIST)
    crossed_seven_probability: float = 0.25  # a 7 gets a bar across its stem
    flagged_one_probability: float = 0.5  # a 1 gets a flag at the top (and sometimes a base)
    reversed_stroke_probability: float = 0.15  # each stroke drawn from its other end
    shuffled_order_probability: float = 0.1  # a digit of several strokes has them in another order
    loop_start_probability: float = 0.2  # a closed stroke (an 0, an 8) starts somewhere else on its loop
    seed: int = 0  # seeds the augmentation, the shuffling and the weights (member k: seed + k)
    precision: str = "float32"  # or "mixed_bfloat16" (the exported model is float32 either way)
    members: int = 2  # models trained alike from seeds seed, seed + 1, ..., each on its own pool;
    # the file holds them all and gives the normalised geometric mean of their probabilities
    # (ensemble). One model's errors on the folds moved by a factor of two from seed to seed
    # (fold 0: 36-73 errors in 12,198 readings with the image model); two averaged: bench/README
    outlier_share: float = 0.0  # non-digits in the pool, as a share of its digits (outlier exposure: pen
    # paths of the families a model may learn, training/outliers.py; taught the uniform reading). 0: none


PEN_AUGMENT = pen_render.PenAugmentSettings()  # the mouse-like drawing of training/pen_render.py, as is


def augmented_strokes(digit: pen_digits.PenDigit, rng: np.random.Generator, as_written: bool,
                      settings: pen_render.PenAugmentSettings = PEN_AUGMENT) -> list[Stroke]:
    """One augmented drawing of a pen digit: as a mouse would report it on the canvas
    (pen_render.mouse_strokes), or, when as_written, the tablet's own points after the same
    random slant, rotation and stretch (pen_render.random_linear)."""
    if not as_written:
        return pen_render.mouse_strokes(digit, rng, settings, CANVAS_SIZE)
    matrix = pen_render.random_linear(rng, settings)
    return [Stroke(tuple(map(tuple, stroke @ matrix.T)), 24.0) for stroke in digit.strokes]


def _line(start, end, rng: np.random.Generator, points: int = 16) -> np.ndarray:
    """A hand-drawn straight line: (points, 2) float64 from start to end, a little wobble."""
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    along = np.linspace(0.0, 1.0, points)[:, None]
    normal = np.array([start[1] - end[1], end[0] - start[0]]) * rng.uniform(-0.03, 0.03)
    return start + along * (end - start) + np.sin(np.pi * along) * normal


def writing_variant(digit: pen_digits.PenDigit, rng: np.random.Generator,
                    settings: StrokeTrainingSettings) -> pen_digits.PenDigit:
    """Sometimes add the slash of a 0, the bar of a 7 or the flag (and base) of a 1, as strokes
    drawn in a plausible order and direction: the ways of writing that training/augment.py adds
    to MNIST, here for pen paths (some writers' digits have them, most do not). The slash and the
    bar are strokes of their own after the digit (now and then before it); a flag either starts
    the stroke that reaches the top or is a stroke of its own before the rest. Units as given."""
    probability = {0: settings.slashed_zero_probability, 7: settings.crossed_seven_probability,
                   1: settings.flagged_one_probability}.get(digit.label)
    if probability is None or rng.random() >= probability:
        return digit
    strokes = [np.asarray(stroke, np.float64) for stroke in digit.strokes]
    stacked = np.concatenate(strokes)
    (left, top), (right, bottom) = stacked.min(axis=0), stacked.max(axis=0)
    width, height = right - left, max(bottom - top, 1e-6)
    before, after = [], []
    if digit.label == 0:
        centre = np.array([(left + right) / 2, (top + bottom) / 2])
        angle = np.deg2rad(rng.uniform(25, 90))
        offset = rng.uniform(0.45, 1.1) * height * np.array([np.cos(angle), -np.sin(angle)])
        slash = _line(centre - offset, centre + offset, rng)  # from lower left up to upper right
        (before if rng.random() < 0.2 else after).append(slash[::-1] if rng.random() < 0.3 else slash)
    elif digit.label == 7:
        row = top + rng.uniform(0.45, 0.65) * height
        near = stacked[np.abs(stacked[:, 1] - row) < 0.1 * height]
        centre = near[:, 0].mean() if len(near) else (left + right) / 2
        half = rng.uniform(0.2, 0.35) * max(width, 0.6 * height)
        bar = _line((centre - half, row), (centre + half, row + rng.uniform(-0.03, 0.03) * height), rng)
        (before if rng.random() < 0.1 else after).append(bar[::-1] if rng.random() < 0.2 else bar)
    else:
        highest = int(np.argmin(stacked[:, 1]))
        owner = int(np.searchsorted(np.cumsum([len(stroke) for stroke in strokes]), highest, side="right"))
        tip = stacked[highest]
        length, angle = rng.uniform(0.25, 0.8) * height, np.deg2rad(rng.uniform(25, 65))
        flag = _line(tip + length * np.array([-np.cos(angle), np.sin(angle)]), tip, rng)  # up to the top
        starts_at_top = np.hypot(*(strokes[owner][0] - tip)) < 0.15 * height
        if starts_at_top and rng.random() < 0.7:
            strokes[owner] = np.vstack([flag[:-1], strokes[owner]])
        else:
            before.append(flag if rng.random() < 0.7 else flag[::-1])
        if rng.random() < 0.4:
            lowest = stacked[int(np.argmax(stacked[:, 1]))]
            half = rng.uniform(0.15, 0.3) * height
            base = _line((lowest[0] - half, bottom), (lowest[0] + half, bottom), rng)
            after.append(base if rng.random() < 0.8 else base[::-1])
    return dataclasses.replace(digit, strokes=tuple(before + strokes + after))


def _start_elsewhere(stroke: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A closed stroke (its ends within a fifth of its size) begun at another of its points
    (an 8 started at its waist): (n, 2) in and out; other strokes unchanged."""
    size = np.ptp(stroke, axis=0).max() if len(stroke) > 3 else 0.0
    if not size or np.hypot(*(stroke[-1] - stroke[0])) > 0.2 * size:
        return stroke
    start = int(rng.integers(1, len(stroke) - 1))
    return np.vstack([stroke[start:], stroke[1 : start + 1]])


def drawing_order_variant(digit: pen_digits.PenDigit, rng: np.random.Generator,
                          settings: StrokeTrainingSettings) -> pen_digits.PenDigit:
    """Sometimes begin a closed stroke elsewhere on its loop, draw a stroke from its other end,
    or the strokes in another order: writers differ (some write a 9 or a 1 from the bottom up,
    an 8 from its waist), and a model that has only seen the usual order is lost on the rest."""
    strokes = [_start_elsewhere(stroke, rng) if rng.random() < settings.loop_start_probability else stroke
               for stroke in digit.strokes]
    strokes = [stroke[::-1] if rng.random() < settings.reversed_stroke_probability else stroke for stroke in strokes]
    if len(strokes) > 1 and rng.random() < settings.shuffled_order_probability:
        strokes = [strokes[index] for index in rng.permutation(len(strokes))]
    return dataclasses.replace(digit, strokes=tuple(strokes))


def augmented_pool(digits, settings: StrokeTrainingSettings,
                   hold_out_fold: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """`copies` augmented drawings of each digit, and settings.outlier_share as many non-digits
    besides (of the families group hold_out_fold's leaves) -> ((N, 64, 5) float32 sequences,
    (N,) int32 labels, training/outliers.OUTLIER for a non-digit)."""
    rng = np.random.default_rng(settings.seed)
    count = len(digits) * settings.copies
    sequences = np.empty((count, SEQUENCE_LENGTH, len(CHANNELS)), np.float32)
    labels = np.empty(count, np.int32)
    row = 0
    for _ in range(settings.copies):
        for digit in digits:
            as_written = rng.random() < settings.as_written_share
            varied = drawing_order_variant(writing_variant(digit, rng, settings), rng, settings)
            drawn = augmented_strokes(varied, rng, as_written)
            sequences[row] = strokes_to_sequence(drawn)
            labels[row] = digit.label
            row += 1
    outlier_count = int(round(settings.outlier_share * count))
    if outlier_count:
        from training.outliers import OUTLIER, NonDigitDrawer

        sequences = np.concatenate([sequences, NonDigitDrawer(hold_out_fold).sequences(outlier_count, rng)])
        labels = np.r_[labels, np.full(outlier_count, OUTLIER, np.int32)]
    return sequences, labels


def build_stroke_model(widths=(32, 64, 96), hidden: int = 128, dropout: float = 0.3):
    """(B, 64, 5) float32 -> (B, 10) probabilities: three conv blocks that halve the sequence,
    then flattened (where along the path a feature lies matters: a 1's flag starts its path),
    one hidden dense layer."""
    import keras
    from keras import layers

    inputs = keras.Input((SEQUENCE_LENGTH, len(CHANNELS)), name="sequence")
    x = inputs
    for width, kernel in zip(widths, (5, 3, 3), strict=True):
        for _ in range(2):
            x = layers.Conv1D(width, kernel, padding="same", use_bias=False)(x)
            x = layers.BatchNormalization()(x)
            x = layers.ReLU()(x)
        x = layers.MaxPooling1D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(dropout)(x)
    x = layers.Dense(hidden, activation="relu")(x)
    x = layers.Dropout(dropout)(x)
    x = layers.Dense(10)(x)
    outputs = layers.Activation("softmax", dtype="float32", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="digitpad_strokes")


def fit(sequences: np.ndarray, labels: np.ndarray, settings: StrokeTrainingSettings, verbose: int = 2):
    """Train a new stroke model on (N, 64, 5) sequences, (N,) labels -> the Keras model (float32 weights)."""
    import keras

    keras.utils.set_random_seed(settings.seed)
    keras.mixed_precision.set_global_policy(settings.precision)
    model = build_stroke_model(settings.widths, settings.hidden, settings.dropout)
    steps_per_epoch = int(np.ceil(len(labels) / settings.batch_size))
    total = steps_per_epoch * settings.epochs
    warmup = int(settings.warmup_epochs * steps_per_epoch)
    schedule = keras.optimizers.schedules.CosineDecay(
        settings.learning_rate / 10, max(1, total - warmup), warmup_target=settings.learning_rate, warmup_steps=warmup)
    if (labels < 0).any():  # non-digits among them: the outlier-exposure loss (training/outliers.py)
        from training.outliers import digit_or_outlier_crossentropy

        loss, metrics = digit_or_outlier_crossentropy(), []
    else:
        loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
    model.compile(optimizer=keras.optimizers.AdamW(schedule, weight_decay=1e-4), loss=loss, metrics=metrics)
    model.fit(sequences, labels, batch_size=settings.batch_size, epochs=settings.epochs, shuffle=True,
              verbose=verbose)
    if settings.precision != "float32":  # the same weights in a float32 model, for export
        keras.mixed_precision.set_global_policy("float32")
        float_model = build_stroke_model(settings.widths, settings.hidden, settings.dropout)
        float_model.set_weights([np.asarray(weight, np.float32) for weight in model.get_weights()])
        model = float_model
    return model


def ensemble(models):
    """Stroke models (build_stroke_model) -> one Keras model, (B, 64, 5) -> (B, 10): the softmax
    of their logits averaged, which is the normalised geometric mean of their probabilities.
    One model is returned as it is."""
    import keras
    from keras import layers

    models = list(models)
    if not models:
        raise ValueError("an ensemble needs at least one stroke model")
    if len(models) == 1:
        return models[0]
    inputs = keras.Input((SEQUENCE_LENGTH, len(CHANNELS)), name="sequence")
    logits = []
    for number, model in enumerate(models):
        under_softmax = model.get_layer("probabilities").input  # the last Dense layer's output
        logits.append(keras.Model(model.inputs, under_softmax, name=f"member_{number}")(inputs))
    outputs = layers.Activation("softmax", dtype="float32", name="probabilities")(layers.Average()(logits))
    return keras.Model(inputs, outputs, name="digitpad_strokes_ensemble")


def export_stroke_lite(model, path: pathlib.Path | str) -> pathlib.Path:
    """Write a float32 Keras stroke model as a LiteRT file (as training/export.export_lite does)."""
    import tensorflow as tf

    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    return path


def training_digits(pen_data: pathlib.Path | str = PEN_DIGITS, hold_out_fold: int | None = None,
                    limit: int | None = None):
    """The pen digits to train on: all of them, or all but fold hold_out_fold (training/folds.py);
    with `limit`, that many spread over the whole set (a smoke run)."""
    from training.folds import check_fold, digit_folds

    digits = pen_digits.load(pen_data)
    if hold_out_fold is not None:
        check_fold(hold_out_fold)
        digits = [digit for digit, fold in zip(digits, digit_folds(pen_data), strict=True) if fold != hold_out_fold]
    if limit is not None:
        digits = digits[:: max(1, len(digits) // limit)][:limit]
    return digits


def train_stroke_model(output: pathlib.Path | str, pen_data: pathlib.Path | str = PEN_DIGITS,
                       hold_out_fold: int | None = None, settings: StrokeTrainingSettings = StrokeTrainingSettings(),
                       verbose: int = 2, limit: int | None = None) -> dict:
    """Train the stroke model on the pen digits (all, or all but one fold; `limit`: only that
    many, for a smoke run), write its LiteRT file to `output` and a JSON of figures beside it
    (<output stem>.json); returns the figures."""
    output = pathlib.Path(output)
    started = time.perf_counter()
    digits = training_digits(pen_data, hold_out_fold, limit)
    if settings.members < 1:
        raise ValueError(f"members must be at least 1, got {settings.members}")
    members, drawing, fitting = [], 0.0, 0.0
    for number in range(settings.members):
        member = dataclasses.replace(settings, seed=settings.seed + number)
        begun = time.perf_counter()
        sequences, labels = augmented_pool(digits, member, hold_out_fold)
        drawn = time.perf_counter()
        members.append(fit(sequences, labels, member, verbose))
        drawing, fitting = drawing + drawn - begun, fitting + time.perf_counter() - drawn
    model = ensemble(members)
    export_stroke_lite(model, output)
    # accuracy on the training digits as written (no augmentation): a sanity check, not a score
    plain = digits_to_sequences([pen_digits.to_strokes(d, pen_digits.CONDITIONS[0], CANVAS_SIZE) for d in digits])
    from digitpad.stroke_reader import StrokeReader

    seen = float(np.mean(StrokeReader(output).predict_sequences(plain).argmax(axis=1) == [d.label for d in digits]))
    figures = {
        "digits": len(digits), "hold_out_fold": hold_out_fold, "pool": int(len(labels)),
        "parameters": int(model.count_params()), "training_digits_accuracy": round(seen, 5),
        "seconds": {"augment": round(drawing, 1), "fit": round(fitting, 1),
                    "total": round(time.perf_counter() - started, 1)},
        "settings": dataclasses.asdict(settings),
    }
    output.with_suffix(".json").write_text(json.dumps(figures, indent=2) + "\n")
    return figures
