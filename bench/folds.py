"""Cross-writer accuracy: each fold of the pen digits read by a model that never trained on it
(issue 11 bars: single digits >= 98.5 % mean over the folds, each fold >= 98.0 %, worst drawing
condition >= 98.0 %; numbers >= 95 % mean).

Fold K's models are bench/out/folds/fold-K/digitpad.tflite and digitpad-strokes.tflite, written by
    python train_model.py --base-model BASE.keras --hold-out-fold K --output-dir bench/out/folds/fold-K
with BASE.keras the stage-1 model kept by a full run (train_model.py --save-stage-one BASE.keras).
Drawings are read as the app reads them, by both models (a fold without a stroke model: by its
image model alone). --model PATH scores one image model on every fold instead, alone, e.g. the
MNIST-only baseline, to which every fold is unseen. Digits are replayed as mouse drags through
the App under the six drawing conditions of pen_accuracy.py; numbers are composed from the
fold's digits only, as number_accuracy.py composes them.
"""

import argparse
import json
import pathlib
import time

import common
import numpy as np
from number_accuracy import compose, write_failures


def read_digits(app, digits, condition):
    """(right per digit, [(image, label, probabilities) of the misreads])."""

    right, wrong = [], []
    for digit in digits:
        result = common.read_pen_digit(app, digit, condition)
        right.append(result.text == str(digit.label))
        if not right[-1] and result.digits:
            wrong.append((result.digits[0].image, digit.label, result.digits[0].probabilities))
    return right, wrong


def read_numbers(app, digits, count, rng):
    """(right per number, [(strokes, expected, read) of the misreads])."""
    from tests.replay import draw_strokes

    brush = app.settings.canvas.default_brush
    right, failures = [], []
    for _ in range(count):
        chosen = [digits[i] for i in rng.choice(len(digits), int(rng.integers(2, 6)), replace=False)]
        expected = "".join(str(d.label) for d in chosen)
        common.clear(app)
        strokes = compose(chosen, rng, app.settings.canvas.canvas_size, brush)
        draw_strokes(app, strokes)
        app.flush()
        right.append(app.result.text == expected)
        if not right[-1]:
            failures.append((strokes, expected, app.result.text))
    return right, failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds-dir", type=pathlib.Path, default=common.OUT / "folds",
                        help="holds fold-K/digitpad.tflite for each fold K")
    parser.add_argument("--model", type=pathlib.Path, default=None,
                        help="score this one LiteRT model on every fold (e.g. the bundled, MNIST-only one)")
    parser.add_argument("--fold", type=int, action="append", default=None, help="only this fold (repeatable)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N digits of each fold")
    parser.add_argument("--numbers", type=int, default=400, help="numbers per fold")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", default=None, help="name of the output files (default: baseline or folds)")
    common.add_settings_flag(parser)
    arguments = parser.parse_args()

    from training import pen_digits
    from training.folds import FOLDS, fold_rows
    from training.reports import write_error_grid

    tag = arguments.tag or ("baseline" if arguments.model else "folds")
    everything = pen_digits.load(common.PEN_DIGITS)
    common.OUT.mkdir(parents=True, exist_ok=True)
    summary = {}
    for fold in arguments.fold or range(len(FOLDS)):
        digits = [everything[row] for row in fold_rows(common.PEN_DIGITS, fold)]
        if arguments.model:
            if not arguments.model.is_file():
                raise SystemExit(f"{arguments.model}: no such model")
            model_file, readers = arguments.model, "image"
            app = common.new_app(arguments.set + ["stroke_weight=0"], model_file=model_file)
        else:
            model_file = arguments.folds_dir / f"fold-{fold}" / "digitpad.tflite"
            app, readers = common.fold_app(arguments.set, model_file.parent)
        started = time.perf_counter()
        print(f"fold {fold} ({', '.join(FOLDS[fold])}): {len(digits)} digits, model {model_file}, read by {readers}",
              flush=True)
        conditions, wrong_all = {}, []
        for condition in pen_digits.CONDITIONS:
            right, wrong = read_digits(app, digits[: arguments.limit], condition)
            conditions[condition.name] = float(np.mean(right))
            wrong_all += wrong
            print(f"  {condition.name:>10}: {np.mean(right):.2%} ({len(right) - sum(right)} wrong)", flush=True)
        rng = np.random.default_rng((arguments.seed, fold))
        numbers, failures = read_numbers(app, digits, arguments.numbers, rng)
        single = float(np.mean(list(conditions.values())))
        summary[fold] = {"single": single, "conditions": conditions, "numbers": float(np.mean(numbers)),
                         "model": str(model_file), "read_by": readers, "digits": len(digits[: arguments.limit])}
        print(f"  single digits {single:.2%}, worst condition {min(conditions.values()):.2%}; "
              f"numbers {np.mean(numbers):.2%} of {len(numbers)}; {time.perf_counter() - started:.0f} s", flush=True)
        if wrong_all:
            images, labels, probabilities = zip(*wrong_all, strict=True)
            write_error_grid(common.OUT / f"{tag}_fold{fold}_errors.png", np.stack(images), np.array(labels),
                             np.array(probabilities), f"fold {fold} errors, all conditions ({tag})", limit=150)
        if failures:
            write_failures(common.OUT / f"{tag}_fold{fold}_number_errors.png", failures[:60],
                           app.settings.canvas.canvas_size)
        app.close()

    names = [condition.name for condition in pen_digits.CONDITIONS]
    print(f"\n| fold | {' | '.join(names)} | single | numbers |")
    print(f"| --- |{' --- |' * (len(names) + 2)}")
    for fold, figures in summary.items():
        cells = " | ".join(f"{figures['conditions'][name]:.2%}" for name in names)
        print(f"| {fold} | {cells} | {figures['single']:.2%} | {figures['numbers']:.2%} |")
    means = {name: np.mean([figures["conditions"][name] for figures in summary.values()]) for name in names}
    single = np.mean([figures["single"] for figures in summary.values()])
    numbers = np.mean([figures["numbers"] for figures in summary.values()])
    print(f"| mean | {' | '.join(f'{means[name]:.2%}' for name in names)} | {single:.2%} | {numbers:.2%} |")
    print(f"worst fold {min(f['single'] for f in summary.values()):.2%}, worst condition (mean over folds) "
          f"{min(means.values()):.2%}")
    (common.OUT / f"{tag}_folds.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
