"""Train, export and evaluate digitpad's bundled digit classifier.

    python train_model.py                      # full run, writes model/ and model/reports/
    python train_model.py --quick --output-dir /tmp/m   # a smoke run in well under a minute
    python train_model.py --finetune DIR       # fine-tune on samples taught in the app

Reads MNIST from the repo's own copy (data/mnist). The 10,000 test images are used once, for
the final report; model selection uses a validation split carved from the training images.
"""

import argparse
import dataclasses
import json
import pathlib
import platform
import sys
import time

import numpy as np

REPO = pathlib.Path(__file__).resolve().parent


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
    pen_digits: pathlib.Path | None  # pen-digit measuring stick for the report, or None
    quick: bool  # tiny subset, one epoch: a smoke test of the whole script
    finetune: pathlib.Path | None  # folder of taught samples to fine-tune on, or None


def parse_args(argv=None) -> TrainingConfig:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=28)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--validation-size", type=int, default=5000)
    parser.add_argument("--patience", type=int, default=12)
    parser.add_argument("--precision", choices=["auto", "float32", "mixed_bfloat16"], default="auto")
    parser.add_argument("--data-dir", type=pathlib.Path, default=REPO / "data" / "mnist")
    parser.add_argument("--output-dir", type=pathlib.Path, default=REPO / "model")
    parser.add_argument("--pen-digits", type=pathlib.Path, default=REPO / "tests" / "data" / "pen_digits_dev.npz")
    parser.add_argument("--no-pen-digits", action="store_true", help="skip the pen-digit evaluation")
    parser.add_argument("--quick", action="store_true", help="small subset, one epoch")
    parser.add_argument("--finetune", type=pathlib.Path, default=None, metavar="DIR",
                        help="fine-tune the bundled model on samples taught in the app")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "validation_size"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
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
        pen_digits=None if args.no_pen_digits else args.pen_digits,
        quick=args.quick,
        finetune=args.finetune,
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
    from digitpad.mnist import load_mnist

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
    total_steps = steps_per_epoch * config.epochs
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
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# ----------------------------------------------------------------------------- training
def train(model, config: TrainingConfig, train_split, validation_split):
    import keras

    from training.augment import AugmentedDigits
    from training.averaging import WeightAverage

    # Augmentation runs in a worker process: with a thread, or with none, some epochs waited up
    # to half a minute for their first batch (measured here; none did with a process).
    batches = AugmentedDigits(*train_split, batch_size=config.batch_size, seed=config.seed,
                              epochs=config.epochs, workers=1, use_multiprocessing=True)
    validation_images = validation_split[0].astype(np.float32)[..., None] / 255.0
    validation_labels = validation_split[1].astype(np.int64)
    # The learning rate anneals to nearly zero over the last epochs; an average of the weights
    # over those epochs is kept and scored on the validation split after every epoch. Training
    # returns the weights (raw or averaged, any epoch) with the lowest validation loss, and
    # stops early only on a long plateau.
    averaging_start = 0 if config.epochs < 3 else config.epochs // 3
    averager = WeightAverage(validation_images, validation_labels, start_epoch=averaging_start)
    stopper = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=config.patience, verbose=1, start_from_epoch=averaging_start,
    )
    started = time.perf_counter()
    history = model.fit(
        batches,
        epochs=config.epochs,
        validation_data=(validation_images, validation_labels),
        callbacks=[averager, stopper],
        verbose=1,
    )
    history.history.update(averager.history)
    history.history["chosen_weights"] = averager.chosen
    return history.history, time.perf_counter() - started


# ----------------------------------------------------------------------------- export
def export(model, config: TrainingConfig) -> tuple[pathlib.Path, pathlib.Path]:
    """Write the Keras model (source of truth) and its float32 LiteRT copy for the app."""
    import keras
    import tensorflow as tf

    from training.architecture import build_model

    keras.mixed_precision.set_global_policy("float32")
    float_model = build_model()
    float_model.set_weights([np.asarray(weight, np.float32) for weight in model.get_weights()])
    config.output_dir.mkdir(parents=True, exist_ok=True)
    keras_path = config.output_dir / "digitpad.keras"
    float_model.save(keras_path)
    converter = tf.lite.TFLiteConverter.from_keras_model(float_model)
    lite_path = config.output_dir / "digitpad.tflite"
    lite_path.write_bytes(converter.convert())
    return keras_path, lite_path


# ----------------------------------------------------------------------------- evaluation
def evaluate(keras_path, lite_path, config: TrainingConfig, test_split, history, seconds):
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
        training_seconds=round(seconds, 1),
        seed=config.seed,
        precision=config.precision,
        quick=config.quick,
        finetune=str(config.finetune) if config.finetune else None,
        versions=reports.library_versions(),
        machine=f"{platform.machine()}, {platform.system()}, Python {platform.python_version()}",
    )
    metrics["chosen_weights"] = history["chosen_weights"]
    if config.pen_digits is not None:
        from training.pen_evaluation import evaluate_pen_digits

        limit = 300 if config.quick else None
        metrics["pen_digits"] = evaluate_pen_digits(lite_path, config.pen_digits, limit=limit)
    report_dir = config.output_dir / "reports"
    reports.write_figures(report_dir, history, probabilities, test_split)
    (config.output_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics


def main(argv=None) -> int:
    config = parse_args(argv)
    print(f"config: {config}", flush=True)
    try:
        train_split, validation_split, test_split = load_data(config)
    except ValueError as error:  # a missing or broken MNIST file, no taught samples: say which
        sys.exit(f"train_model.py: {error}")
    print(f"train {len(train_split[1])}, validation {len(validation_split[1])}, test {len(test_split[1])}")
    steps_per_epoch = int(np.ceil(len(train_split[1]) / config.batch_size))
    model = build_or_load_model(config, steps_per_epoch)
    history, seconds = train(model, config, train_split, validation_split)
    keras_path, lite_path = export(model, config)
    metrics = evaluate(keras_path, lite_path, config, test_split, history, seconds)
    print(f"test accuracy {metrics['test_accuracy']:.4%}, loss {metrics['test_loss']:.4f}, "
          f"trained {seconds:.0f} s; wrote {keras_path}, {lite_path}")
    if "pen_digits" in metrics:
        print(f"pen digits: {metrics['pen_digits']['accuracy']:.4%} of {metrics['pen_digits']['count']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
