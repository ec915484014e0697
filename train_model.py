"""Train, export and evaluate digitpad's bundled digit classifier.

    python train_model.py                      # full run, writes model/ and model/reports/
    python train_model.py --quick --output-dir /tmp/m   # a smoke run in well under a minute
    python train_model.py --finetune DIR       # fine-tune on samples taught in the app
    python train_model.py --save-stage-one BASE.keras   # full run, keeping stage 1's model too
    python train_model.py --base-model BASE.keras --hold-out-fold K --output-dir DIR
                                               # stage 2, the stroke model and the not-a-digit
                                               # reader, without pen-digit fold K
    python train_model.py --nondigit-only      # retrain the not-a-digit reader of model/ alone

Two stages. Stage 1 trains on augmented MNIST (data/mnist, the repo's own copy). Stage 2
fine-tunes at a lower learning rate on augmented MNIST mixed with the UNIPEN pen digits
(tests/data/pen_digits_dev.npz) drawn as a mouse user would (training/pen_render.py). The
10,000 MNIST test images are used once, for the final report; model selection uses a
validation split carved from the training images (and, in stage 2, pen digits of writers
held back from training). Recipes are judged on pen digits of writers a model never saw:
`--hold-out-fold K` leaves fold K (training/folds.py) out of stage 2 and reports it.

Then the stroke model (training/stroke_model.py), which reads the pen path rather than the
picture, trains on the same pen digits (all, or all but fold K) and is written beside the
image model as digitpad-strokes.tflite; `--no-stroke-model` skips it.

Then the grouping prior (training/grouping_prior.py, a few seconds): how likely neighbouring
pieces of a drawing are one digit, learned from the same pen digits laid out as numbers, written
as grouping-prior.json; `--grouping-prior-only` trains it alone (with --hold-out-fold K: without
fold K), `--no-grouping-prior` skips it.

Last, the not-a-digit reader (training/nondigit_head.py, about a minute): three small heads on
the exported image model's features and pooled feature maps, both models' readings and how the
pen path turns, trained on generated non-digits
(training/nondigits.py) against MNIST and the same pen digits, written as
digitpad-nondigit.npz; `--no-nondigit` skips it, `--nondigit-only` trains it alone for the
models already in --output-dir (after the image model was re-exported, for instance).
"""

import argparse
import dataclasses
import json
import pathlib
import platform
import sys
import time

import numpy as np

from training.folds import FOLDS

REPO = pathlib.Path(__file__).resolve().parent
PEN_DIGITS = REPO / "tests" / "data" / "pen_digits_dev.npz"


# ----------------------------------------------------------------------------- arguments
@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    epochs: int  # passes over the augmented training split
    batch_size: int  # images per gradient step
    learning_rate: float  # peak learning rate of the warm-up + cosine schedule
    seed: int  # seeds the split, the augmentation and the weights
    validation_size: int  # training images held out for model selection
    patience: int  # epochs without validation improvement before stopping
    precision: str  # "float32" or "mixed_bfloat16" (fast on CPUs with AMX / AVX512-BF16)
    data_dir: pathlib.Path  # folder of the four MNIST IDX files
    output_dir: pathlib.Path  # where digitpad.keras, digitpad.tflite, metrics.json go
    pen_data: pathlib.Path  # the pen digits (npz), stage-2 training data
    pen_digits: pathlib.Path | None  # pen-digit measuring stick for the report, or None
    quick: bool  # tiny subset, one epoch: a smoke test of the whole script
    finetune: pathlib.Path | None  # folder of taught samples to fine-tune on, or None
    pen_training: bool  # run stage 2 (pen digits mixed into MNIST)
    base_model: pathlib.Path | None  # Keras model to start stage 2 from, skipping stage 1; or None
    hold_out_fold: int | None  # pen-digit fold left out of stage 2 and reported; None: train on all
    pen_epochs: int  # stage-2 epochs
    pen_share: float  # share of each stage-2 batch that is pen digits
    pen_learning_rate: float  # peak learning rate of stage 2
    pen_mnist_per_epoch: int  # MNIST images per stage-2 epoch
    pen_variants: bool  # stage 2 adds the stroke model's ways of writing to pen digits (flagged 1s, ...)
    outlier_share: float  # non-digits added to each stage-2 batch, as a share of its size (outlier
    # exposure: training/outliers.py); 0: none
    save_stage_one: pathlib.Path | None  # where to keep stage 1's model (for --base-model runs), or None
    stroke_model: bool  # also train the stroke model on the pen digits (digitpad-strokes.tflite)
    stroke_outlier_share: float  # non-digit pen paths in the stroke model's pool, as a share of its
    # digits (outlier exposure: StrokeTrainingSettings.outlier_share); 0: none
    grouping_prior: bool  # also learn the grouping prior from the pen digits (grouping-prior.json)
    grouping_prior_only: bool  # learn the grouping prior and nothing else
    nondigit: bool  # also train the not-a-digit reader (digitpad-nondigit.npz)
    nondigit_only: bool  # train only the not-a-digit reader, for the models in output_dir


def parse_args(argv=None) -> TrainingConfig:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=10, help="stage-1 (MNIST) epochs")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--validation-size", type=int, default=5000)
    parser.add_argument("--patience", type=int, default=12)
    parser.add_argument("--precision", choices=["auto", "float32", "mixed_bfloat16"], default="auto")
    parser.add_argument("--data-dir", type=pathlib.Path, default=REPO / "data" / "mnist")
    parser.add_argument("--output-dir", type=pathlib.Path, default=REPO / "model")
    parser.add_argument("--pen-digits", type=pathlib.Path, default=PEN_DIGITS,
                        help="pen digits: stage-2 training data and the report's measuring stick")
    parser.add_argument("--no-pen-digits", action="store_true", help="skip the pen-digit evaluation")
    parser.add_argument("--quick", action="store_true", help="small subset, one epoch")
    parser.add_argument("--finetune", type=pathlib.Path, default=None, metavar="DIR",
                        help="fine-tune the bundled model on samples taught in the app")
    parser.add_argument("--no-pen-training", action="store_true", help="stage 1 only: MNIST, no pen digits")
    parser.add_argument("--base-model", type=pathlib.Path, default=None, metavar="KERAS",
                        help="skip stage 1 and start stage 2 from this Keras model")
    parser.add_argument("--hold-out-fold", type=int, default=None, metavar="K",
                        help="leave pen-digit fold K out of training and report accuracy on it")
    parser.add_argument("--pen-epochs", type=int, default=6, help="stage-2 epochs")
    parser.add_argument("--pen-share", type=float, default=0.33, help="share of each stage-2 batch from pen digits")
    parser.add_argument("--pen-learning-rate", type=float, default=3e-4, help="peak learning rate of stage 2")
    parser.add_argument("--pen-mnist-per-epoch", type=int, default=30000, help="MNIST images per stage-2 epoch")
    parser.add_argument("--no-pen-variants", action="store_true",
                        help="stage 2 draws pen digits as written, without added flags, bars and slashes")
    parser.add_argument("--outlier-share", type=float, default=0.0,
                        help="non-digits added to each stage-2 batch, as a share of its size (outlier exposure, "
                             "training/outliers.py; 0: none, the shipped recipe; tried: 0.125)")
    parser.add_argument("--save-stage-one", type=pathlib.Path, default=None, metavar="KERAS",
                        help="also save stage 1's model there (the fold runs start from it with --base-model)")
    parser.add_argument("--no-stroke-model", action="store_true",
                        help="train the image model only, not the stroke model beside it")
    parser.add_argument("--stroke-outlier-share", type=float, default=0.0,
                        help="non-digit pen paths in the stroke model's pool, as a share of its digits (outlier "
                             "exposure; 0: none, the shipped recipe; tried: 0.25)")
    parser.add_argument("--no-grouping-prior", action="store_true", help="do not learn the grouping prior")
    parser.add_argument("--grouping-prior-only", action="store_true",
                        help="learn only the grouping prior (seconds), into --output-dir")
    parser.add_argument("--no-nondigit", action="store_true", help="do not train the not-a-digit reader")
    parser.add_argument("--nondigit-only", action="store_true",
                        help="only train the not-a-digit reader of the models in --output-dir (seconds)")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "validation_size", "pen_epochs", "pen_mnist_per_epoch"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if not 0.0 < args.pen_share < 1.0:
        parser.error("--pen-share must be between 0 and 1")
    if not 0.0 <= args.outlier_share < 1.0:
        parser.error("--outlier-share must be at least 0 and below 1")
    if not 0.0 <= args.stroke_outlier_share <= 1.0:
        parser.error("--stroke-outlier-share must be between 0 and 1")
    if args.hold_out_fold is not None and args.hold_out_fold not in range(len(FOLDS)):
        parser.error(f"--hold-out-fold must be 0-{len(FOLDS) - 1}")
    pen_training = not args.no_pen_training and args.finetune is None
    if args.grouping_prior_only and (args.no_grouping_prior or args.base_model or args.finetune):
        parser.error("--grouping-prior-only learns the prior alone (not with --no-grouping-prior, --base-model "
                     "or --finetune)")
    if args.grouping_prior_only:
        pen_training = True  # the prior learns from the pen digits (no image model is trained)
    if (args.base_model or args.hold_out_fold is not None) and not pen_training:
        parser.error("--base-model and --hold-out-fold need the pen stage (not with --no-pen-training or --finetune)")
    if args.save_stage_one is not None and (args.base_model is not None or args.finetune is not None):
        parser.error("--save-stage-one needs stage 1 (not with --base-model or --finetune)")
    if args.base_model is not None and not args.base_model.is_file():
        parser.error(f"--base-model {args.base_model}: no such file")
    precision = args.precision
    if precision == "auto":
        precision = "mixed_bfloat16" if cpu_has_bfloat16() and not args.quick else "float32"
    return TrainingConfig(
        epochs=1 if args.quick else args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        validation_size=500 if args.quick else args.validation_size,
        patience=args.patience,
        precision=precision,
        data_dir=args.data_dir,
        output_dir=args.output_dir,
        pen_data=args.pen_digits,
        pen_digits=None if args.no_pen_digits else args.pen_digits,
        quick=args.quick,
        finetune=args.finetune,
        pen_training=pen_training,
        base_model=args.base_model,
        hold_out_fold=args.hold_out_fold,
        pen_epochs=1 if args.quick else args.pen_epochs,
        pen_share=args.pen_share,
        pen_learning_rate=args.pen_learning_rate,
        pen_mnist_per_epoch=600 if args.quick else args.pen_mnist_per_epoch,
        pen_variants=not args.no_pen_variants,
        outlier_share=args.outlier_share,
        save_stage_one=args.save_stage_one,
        stroke_model=pen_training and not args.no_stroke_model,
        stroke_outlier_share=args.stroke_outlier_share,
        grouping_prior=pen_training and not args.no_grouping_prior,
        grouping_prior_only=args.grouping_prior_only,
        nondigit=pen_training and not args.no_nondigit,
        nondigit_only=args.nondigit_only,
    )


def cpu_has_bfloat16() -> bool:
    """True on x86 CPUs whose flags promise fast bfloat16 matrix maths (Linux only)."""
    try:
        flags = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


# ----------------------------------------------------------------------------- data
def load_data(config: TrainingConfig):
    """Train / validation / test splits; images uint8 (N, 28, 28), labels uint8 (N,)."""
    from training.mnist import load_mnist

    (train_images, train_labels), (test_images, test_labels) = load_mnist(config.data_dir)
    order = np.random.default_rng(config.seed).permutation(len(train_images))
    validation_rows, train_rows = order[: config.validation_size], order[config.validation_size :]
    if config.quick:
        train_rows, test_rows = train_rows[:3000], np.arange(1000)
        test_images, test_labels = test_images[test_rows], test_labels[test_rows]
    if config.finetune is not None:
        from training.finetune import mix_in_taught_samples

        train_images, train_labels, train_rows = mix_in_taught_samples(
            config.finetune, train_images, train_labels, train_rows, config.seed
        )
    return (
        (train_images[train_rows], train_labels[train_rows]),
        (train_images[validation_rows], train_labels[validation_rows]),
        (test_images, test_labels),
    )


def load_pen_data(config: TrainingConfig):
    """Stage-2 pen digits: (training, held back), lists of PenDigit. Fold hold_out_fold is left
    out; a tenth of the other writers are held back to choose the weights (never to judge a
    recipe: that is the held-out fold's job)."""
    from training import pen_digits
    from training.folds import digit_folds
    from training.mixed import hold_back_writers

    folds = digit_folds(config.pen_data)
    digits = [digit for digit, fold in zip(pen_digits.load(config.pen_data), folds, strict=True)
              if fold != config.hold_out_fold]
    if config.quick:
        digits = digits[:: len(digits) // 60][:60]  # a handful, from many writers
    return hold_back_writers(digits, share=0.1, seed=config.seed)


def held_out_fold_file(config: TrainingConfig) -> pathlib.Path:
    """The held-out fold's digits as a pen_digits npz of their own (for the report)."""
    from training.folds import fold_rows

    data = np.load(config.pen_data)
    rows = fold_rows(config.pen_data, config.hold_out_fold)
    stroke_ends = np.cumsum(data["n_strokes"])
    point_ends = np.cumsum(data["n_points"])
    strokes = np.concatenate([np.arange(stroke_ends[row] - data["n_strokes"][row], stroke_ends[row]) for row in rows])
    points = np.concatenate([np.arange(point_ends[k] - data["n_points"][k], point_ends[k]) for k in strokes])
    path = config.output_dir / f"pen_digits_fold{config.hold_out_fold}.npz"
    config.output_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, labels=data["labels"][rows], sources=data["sources"][rows],
                        writers=data["writers"][rows], n_strokes=data["n_strokes"][rows],
                        n_points=data["n_points"][strokes], points=data["points"][points])
    return path


# ----------------------------------------------------------------------------- model
def build_or_load_model(config: TrainingConfig, steps_per_epoch: int):
    import keras

    from training.architecture import build_model

    keras.utils.set_random_seed(config.seed)
    keras.mixed_precision.set_global_policy(config.precision)
    model = build_model()
    peak = config.learning_rate
    if config.finetune is not None:
        bundled = keras.models.load_model(REPO / "model" / "digitpad.keras")
        model.set_weights(bundled.get_weights())
        peak = config.learning_rate / 10
    return compile_model(model, peak, steps_per_epoch, config.epochs)


def stage_two_model(config: TrainingConfig, model, steps_per_epoch: int):
    """Stage 1's model (or, with --base-model, the one in that file), compiled afresh for stage
    2 at the pen learning rate."""
    import keras

    from training.architecture import build_model
    from training.outliers import digit_or_outlier_crossentropy

    if model is None:
        keras.utils.set_random_seed(config.seed)
        keras.mixed_precision.set_global_policy(config.precision)
        model = build_model()
        model.set_weights(keras.models.load_model(config.base_model).get_weights())
    loss = digit_or_outlier_crossentropy() if config.outlier_share > 0 else "sparse_categorical_crossentropy"
    return compile_model(model, config.pen_learning_rate, steps_per_epoch, config.pen_epochs, loss)


def compile_model(model, peak: float, steps_per_epoch: int, epochs: int, loss="sparse_categorical_crossentropy"):
    """AdamW with a warm-up to `peak`, then a cosine decay to 1 % of it over `epochs`; `loss`
    a Keras loss (stage 2's with non-digits: training/outliers.py)."""
    import keras

    total_steps = steps_per_epoch * epochs
    warmup_steps = min(steps_per_epoch, total_steps // 4)
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak / 20,
        decay_steps=max(1, total_steps - warmup_steps),
        warmup_target=peak,
        warmup_steps=warmup_steps,
        alpha=0.01,
    )
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=1e-4),
        loss=loss,
        metrics=["accuracy"],
    )
    return model


# ----------------------------------------------------------------------------- training
def train(model, config: TrainingConfig, train_split, validation_split):
    """Stage 1: augmented MNIST."""
    from training.augment import AugmentedDigits

    # Augmentation runs in a worker process: with a thread, or with none, some epochs waited up
    # to half a minute for their first batch (measured here; none did with a process).
    batches = AugmentedDigits(*train_split, batch_size=config.batch_size, seed=config.seed,
                              epochs=config.epochs, workers=1, use_multiprocessing=True)
    validation_images = validation_split[0].astype(np.float32)[..., None] / 255.0
    validation_labels = validation_split[1].astype(np.int64)
    return fit(model, config, batches, validation_images, validation_labels, config.epochs)


def train_with_pen(model, config: TrainingConfig, train_split, validation_split, pen_train, pen_validation):
    """Stage 2: augmented MNIST with pen digits drawn as a mouse user would, in every batch;
    weights chosen on the MNIST validation split plus the held-back writers' digits (drawn
    once, augmented the same way). model is stage 1's, or None to start from --base-model.
    Returns (model, history, seconds)."""
    from training.mixed import MnistAndPenDigits
    from training.outliers import NonDigitDrawer
    from training.pen_render import PenRenderer
    from training.stroke_model import StrokeTrainingSettings

    variants = StrokeTrainingSettings() if config.pen_variants else None  # as often as the stroke model gets them
    outliers_per_batch = int(round(config.outlier_share * config.batch_size))
    outliers = NonDigitDrawer(config.hold_out_fold) if outliers_per_batch else None
    batches = MnistAndPenDigits(*train_split, pen_train, batch_size=config.batch_size, seed=config.seed + 1,
                                pen_share=config.pen_share, mnist_per_epoch=config.pen_mnist_per_epoch,
                                epochs=config.pen_epochs, workers=1, use_multiprocessing=True,
                                writing_variants=variants, outliers=outliers, outliers_per_batch=outliers_per_batch)
    pen_images = PenRenderer().render_many(pen_validation, seed=config.seed)
    validation_images = np.concatenate([validation_split[0].astype(np.float32) / 255.0, pen_images])[..., None]
    pen_labels = [digit.label for digit in pen_validation]
    validation_labels = np.concatenate([validation_split[1], pen_labels]).astype(np.int64)
    print(f"stage 2: {len(pen_train)} pen digits ({batches.pen_per_batch} per batch of {config.batch_size}), "
          f"{len(pen_validation)} held back, {outliers_per_batch} non-digits added to each batch; "
          f"{len(batches)} steps per epoch", flush=True)
    model = stage_two_model(config, model, len(batches))
    return (model, *fit(model, config, batches, validation_images, validation_labels, config.pen_epochs))


def joined_histories(first: dict, second: dict) -> dict:
    """Stage 1's history followed by stage 2's (either may be empty); lists are joined."""
    joined = {key: list(first.get(key, [])) + list(second.get(key, [])) for key in {*first, *second}
              if key != "chosen_weights"}
    joined["chosen_weights"] = second.get("chosen_weights", first.get("chosen_weights", "raw"))
    return joined


def fit(model, config: TrainingConfig, batches, validation_images, validation_labels, epochs: int):
    """Train on batches; returns (history, seconds) with the best weights (see below) in model."""
    import keras

    from training.averaging import WeightAverage
    # The learning rate anneals to nearly zero over the last epochs; an average of the weights
    # over those epochs is kept and scored on the validation split after every epoch. Training
    # returns the weights (raw or averaged, any epoch) with the lowest validation loss, and
    # stops early only on a long plateau.
    averaging_start = 0 if epochs < 3 else epochs // 3
    averager = WeightAverage(validation_images, validation_labels, start_epoch=averaging_start)
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=config.patience, verbose=1, start_from_epoch=averaging_start,
    )
    started = time.perf_counter()
    history = model.fit(
        batches,
        epochs=epochs,
        validation_data=(validation_images, validation_labels),
        callbacks=[averager, stopper],
        verbose=1 if sys.stdout.isatty() else 2,  # a progress bar on a terminal, a line per epoch in a log
    )
    history.history.update(averager.history)
    history.history["chosen_weights"] = averager.chosen
    return history.history, time.perf_counter() - started


# ----------------------------------------------------------------------------- export
def export(model, config: TrainingConfig) -> tuple[pathlib.Path, pathlib.Path]:
    """Write the Keras model (source of truth) and its float32 LiteRT copy for the app."""
    import keras

    from training.architecture import build_model
    from training.export import export_lite, write_reference
    from training.mnist import load_mnist

    keras.mixed_precision.set_global_policy("float32")
    float_model = build_model()
    float_model.set_weights([np.asarray(weight, np.float32) for weight in model.get_weights()])
    config.output_dir.mkdir(parents=True, exist_ok=True)
    keras_path = config.output_dir / "digitpad.keras"
    float_model.save(keras_path)
    lite_path = export_lite(float_model, config.output_dir / "digitpad.tflite")
    write_reference(lite_path, *load_mnist(config.data_dir)[0])  # what adaptation to a user is checked against
    return keras_path, lite_path


# ----------------------------------------------------------------------------- stroke model
def train_strokes(config: TrainingConfig) -> dict:
    """Train the stroke model on the stage-2 pen digits (all, or all but the held-out fold) and
    write output_dir/digitpad-strokes.tflite (+ .json of its figures); returns the figures."""
    from training.stroke_model import StrokeTrainingSettings, train_stroke_model

    # its own seed, as in the fold runs of bench/stroke_folds.py
    settings = StrokeTrainingSettings(outlier_share=config.stroke_outlier_share)
    if config.quick:  # a smoke run: one pass over one copy of a few hundred digits
        settings = dataclasses.replace(settings, epochs=1, copies=1)
    return train_stroke_model(config.output_dir / "digitpad-strokes.tflite", config.pen_data,
                              hold_out_fold=config.hold_out_fold, settings=settings,
                              verbose=2 if sys.stdout.isatty() else 0, limit=300 if config.quick else None)


# ----------------------------------------------------------------------------- grouping prior
def train_grouping_prior(config: TrainingConfig) -> dict:
    """Learn the grouping prior from the pen digits (all, or all but the held-out fold) and
    write output_dir/grouping-prior.json; returns its figures."""
    from digitpad.join_prior import save_prior
    from training.grouping_prior import PriorTrainingSettings, train_prior

    settings = PriorTrainingSettings()
    if config.quick:
        settings = dataclasses.replace(settings, numbers=300, lone_digits=3000)
    weights, figures = train_prior(config.pen_data, config.hold_out_fold, settings)
    config.output_dir.mkdir(parents=True, exist_ok=True)
    save_prior(config.output_dir / "grouping-prior.json", weights, figures)
    print(f"grouping prior: {figures['pairs']} neighbouring pairs ({figures['one_digit']} one digit), "
          f"{figures['seconds']:.0f} s; wrote {config.output_dir / 'grouping-prior.json'}", flush=True)
    return figures


# ----------------------------------------------------------------------------- not-a-digit reader
def train_nondigit(config: TrainingConfig) -> dict:
    """Train the not-a-digit reader of output_dir/digitpad.tflite (read with the stroke model
    beside it, if there) on pen digits not in the held-out fold; writes
    output_dir/digitpad-nondigit.npz (+ .json of its figures); returns the figures."""
    from training.nondigit_head import QUICK, HeadSettings, train_head

    lite_path = config.output_dir / "digitpad.tflite"
    if not lite_path.is_file():
        sys.exit(f"train_model.py: {lite_path}: no image model to train the not-a-digit reader for")
    strokes = config.output_dir / "digitpad-strokes.tflite"
    return train_head(lite_path, strokes if strokes.is_file() else None, config.pen_data, config.data_dir,
                      config.hold_out_fold, QUICK if config.quick else HeadSettings())


# ----------------------------------------------------------------------------- evaluation
def evaluate(keras_path, lite_path, config: TrainingConfig, test_split, history, seconds, strokes=None,
             nondigit=None):
    """Test the image model once on MNIST's test split, check it on pen digits, and write
    metrics.json (with the stroke model's figures, `strokes`, and the not-a-digit reader's,
    `nondigit`, when they were trained) and reports/."""
    import keras

    from training import reports

    model = keras.models.load_model(keras_path)
    test_images = test_split[0].astype(np.float32)[..., None] / 255.0
    probabilities = model.predict(test_images, batch_size=512, verbose=0)
    metrics = reports.classification_metrics(probabilities, test_split[1])
    metrics.update(
        parameters=int(model.count_params()),
        epochs_run=len(history["loss"]),
        epochs_requested=config.epochs,
        training_seconds=round(sum(seconds.values()), 1),
        stage_seconds={stage: round(value, 1) for stage, value in seconds.items()},
        base_model=str(config.base_model) if config.base_model else None,
        pen_training=config.pen_training,
        pen_epochs=config.pen_epochs if config.pen_training else 0,
        pen_share=config.pen_share if config.pen_training else 0.0,
        pen_learning_rate=config.pen_learning_rate if config.pen_training else None,
        pen_variants=config.pen_variants if config.pen_training else None,
        outlier_share=config.outlier_share if config.pen_training else 0.0,
        hold_out_fold=config.hold_out_fold,
        seed=config.seed,
        precision=config.precision,
        quick=config.quick,
        finetune=str(config.finetune) if config.finetune else None,
        versions=reports.library_versions(),
        machine=f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}",
    )
    metrics["chosen_weights"] = history["chosen_weights"]
    if strokes is not None:
        metrics["stroke_model"] = {key: strokes[key] for key in ("digits", "hold_out_fold", "pool", "parameters",
                                                                 "seconds")}
        metrics["stroke_model"]["outlier_share"] = strokes["settings"]["outlier_share"]  # 0: the shipped recipe
    if nondigit is not None:
        metrics["nondigit"] = {key: nondigit[key] for key in ("rows", "not_digit_rows", "hold_out_fold", "seconds")}
    if config.pen_digits is not None:
        from training.pen_evaluation import evaluate_pen_digits

        # with a held-out fold, only its digits: the others were training data
        held_out = config.hold_out_fold is not None
        path = held_out_fold_file(config) if held_out else config.pen_digits
        limit = 300 if config.quick else None
        # digits trained on say little: one drawing condition as a check that the export reads
        # them (bench/pen_accuracy.py has all six); a held-out fold gets all six
        conditions = None if held_out else ("normal",)
        metrics["pen_digits"] = evaluate_pen_digits(lite_path, path, limit=limit, conditions=conditions)
        metrics["pen_digits"]["digits"] = f"fold {config.hold_out_fold}, unseen" if held_out else (
            "all, trained on" if config.pen_training else "all, unseen")
    report_dir = config.output_dir / "reports"
    reports.write_figures(report_dir, history, probabilities, test_split)
    (config.output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics


def main(argv=None) -> int:
    config = parse_args(argv)
    print(f"config: {config}", flush=True)
    if config.grouping_prior_only:
        train_grouping_prior(config)
        return 0
    if config.nondigit_only:
        figures = train_nondigit(config)
        print(f"not-a-digit reader: {figures['rows']} rows, {figures['seconds']['total']:.0f} s; "
              f"wrote {config.output_dir / 'digitpad-nondigit.npz'}")
        return 0
    try:
        train_split, validation_split, test_split = load_data(config)
    except ValueError as error:  # a missing or broken MNIST file, no taught samples: say which
        sys.exit(f"train_model.py: {error}")
    print(f"train {len(train_split[1])}, validation {len(validation_split[1])}, test {len(test_split[1])}")
    model, history, seconds = None, {}, {}
    if config.base_model is None:
        steps_per_epoch = int(np.ceil(len(train_split[1]) / config.batch_size))
        model = build_or_load_model(config, steps_per_epoch)
        history, seconds["stage 1"] = train(model, config, train_split, validation_split)
        if config.save_stage_one is not None:
            config.save_stage_one.parent.mkdir(parents=True, exist_ok=True)
            model.save(config.save_stage_one)
    if config.pen_training:
        pen_train, pen_validation = load_pen_data(config)
        model, pen_history, seconds["stage 2"] = train_with_pen(model, config, train_split, validation_split,
                                                                pen_train, pen_validation)
        history = joined_histories(history, pen_history)
    keras_path, lite_path = export(model, config)
    strokes = None
    if config.stroke_model:
        started = time.perf_counter()
        strokes = train_strokes(config)
        seconds["stroke model"] = time.perf_counter() - started
    if config.grouping_prior:
        started = time.perf_counter()
        train_grouping_prior(config)
        seconds["grouping prior"] = time.perf_counter() - started
    nondigit = None
    if config.nondigit:
        started = time.perf_counter()
        nondigit = train_nondigit(config)
        seconds["not-a-digit reader"] = time.perf_counter() - started
    metrics = evaluate(keras_path, lite_path, config, test_split, history, seconds, strokes, nondigit)
    print(f"test accuracy {metrics['test_accuracy']:.4%}, loss {metrics['test_loss']:.4f}, "
          f"trained {sum(seconds.values()):.0f} s {metrics['stage_seconds']}; wrote {keras_path}, {lite_path}")
    if strokes is not None:
        print(f"stroke model: {strokes['digits']} pen digits, {strokes['seconds']['total']:.0f} s; "
              f"wrote {config.output_dir / 'digitpad-strokes.tflite'}")
    if nondigit is not None:
        print(f"not-a-digit reader: {nondigit['rows']} rows, {nondigit['seconds']['total']:.0f} s; "
              f"wrote {config.output_dir / 'digitpad-nondigit.npz'}")
    if "pen_digits" in metrics:
        pen = metrics["pen_digits"]
        print(f"pen digits ({pen['digits']}): {pen['accuracy']:.4%} of {pen['count']} {pen['conditions']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
