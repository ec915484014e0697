"""Cross-writer accuracy: each fold of the pen digits read by a model that never trained on it
(issue 11 bars: single digits >= 98.5 % mean over the folds, each fold >= 98.0 %, worst drawing
condition >= 98.0 %; numbers >= 95 % mean. Issue 20: digits written in two or more strokes read
as one digit >= 99.5 %; single digits >= 99.4 % mean; numbers >= 97.5 % mean; tight numbers, the
digits touching or overlapping a little (training/number_layout.TIGHT), >= 96 %).

Fold K's models are bench/out/folds/fold-K/digitpad.tflite and digitpad-strokes.tflite, written by
    python train_model.py --base-model BASE.keras --hold-out-fold K --output-dir bench/out/folds/fold-K
with BASE.keras the stage-1 model kept by a full run (train_model.py --save-stage-one BASE.keras).
Drawings are read as the app reads them, by both models (a fold without a stroke model: by its
image model alone). --model PATH scores one image model on every fold instead, alone, e.g. the
MNIST-only baseline, to which every fold is unseen. Digits are replayed as mouse drags through
the App under the six drawing conditions of pen_accuracy.py; numbers are composed from the
fold's digits only, as number_accuracy.py composes them. The slice "multi-stroke" is the
single digits written in two or more strokes (all six conditions): how many read as one digit,
and how many read right.

The grouping prior (digitpad/join_prior.py) is learned without fold K for fold K, on the pieces
of the grouping read with (training/grouping_prior.py, a few seconds; kept in
bench/out/grouping-prior-fold-K-HASH.json, HASH of the grouping, prior settings and features);
--prior shipped reads with model/grouping-prior.json instead, --prior hand as before it: the
hand-set grouping and join rules (join_by_reading off: RecognitionSettings.hand_grouping).
--grouping NAME=VALUE changes the pieces joining by reading starts from (grouping.PROPOSAL).
"""

import argparse
import json
import pathlib
import time

import common
import numpy as np
from number_accuracy import write_failures


def read_digits(app, digits, condition):
    """(right per digit, read as one digit per digit, [(image, label, probabilities) of the misreads])."""

    right, single, wrong = [], [], []
    for digit in digits:
        result = common.read_pen_digit(app, digit, condition)
        right.append(result.text == str(digit.label))
        single.append(len(result.digits) == 1)
        if not right[-1] and result.digits:
            wrong.append((result.digits[0].image, digit.label, result.digits[0].probabilities))
    return right, single, wrong


def fold_prior(fold, pieces=None):
    """The grouping prior's weights learned without fold `fold`, on the pieces of the grouping
    `pieces` (GroupingSettings; None: grouping.PROPOSAL), cached in bench/out/ under a name
    that changes with the grouping, the prior's training settings and its features."""
    import dataclasses
    import hashlib

    from digitpad.grouping import PROPOSAL
    from digitpad.join_prior import FEATURE_NAMES, load_prior, save_prior
    from digitpad.settings import RecognitionSettings
    from training.grouping_prior import PriorTrainingSettings, train_prior

    pieces = pieces or PROPOSAL
    key = hashlib.sha1(repr((pieces, PriorTrainingSettings(), FEATURE_NAMES)).encode()).hexdigest()[:8]
    path = common.OUT / f"grouping-prior-fold-{fold}-{key}.json"
    if not path.is_file():
        recognition = dataclasses.replace(RecognitionSettings(), grouping=pieces)
        weights, figures = train_prior(common.PEN_DIGITS, fold, recognition=recognition)
        path.parent.mkdir(parents=True, exist_ok=True)  # bench/out/ is not committed
        save_prior(path, weights, figures)
    return load_prior(path)


def grouping_settings(base, overrides):
    """GroupingSettings `base` with "name=value" overrides."""
    from training.overrides import replaced

    try:
        return replaced(base, overrides)
    except ValueError as error:
        raise SystemExit(f"--grouping {error} (a GroupingSettings field)") from None


def read_numbers(app, digits, count, rng, layout=None):
    """(right per number, [(strokes, expected, read) of the misreads]); layout: a
    training.number_layout.NumberLayout (default: natural gaps)."""
    from tests.replay import draw_strokes
    from training.number_layout import NATURAL, compose

    brush = app.settings.canvas.default_brush
    right, failures = [], []
    for _ in range(count):
        chosen = [digits[i] for i in rng.choice(len(digits), int(rng.integers(2, 6)), replace=False)]
        expected = "".join(str(d.label) for d in chosen)
        common.clear(app)
        strokes = compose(chosen, rng, app.settings.canvas.canvas_size, brush, layout or NATURAL)
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
    parser.add_argument("--numbers", type=int, default=400, help="numbers per fold (and as many tight ones)")
    parser.add_argument("--prior", choices=["fold", "shipped", "hand"], default="fold",
                        help="grouping prior learned without the fold (default), the shipped one, or the hand-set "
                             "join rules instead")
    parser.add_argument("--no-single", action="store_true", help="numbers only")
    parser.add_argument("--grouping", action="append", default=[], metavar="NAME=VALUE",
                        help="override a GroupingSettings field (digitpad/grouping.py), e.g. part_gap=0.05")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", default=None, help="name of the output files (default: baseline or folds)")
    common.add_settings_flag(parser)
    arguments = parser.parse_args()

    from digitpad.grouping import PROPOSAL
    from training import pen_digits
    from training.folds import FOLDS, fold_rows
    from training.number_layout import TIGHT
    from training.reports import write_error_grid

    tag = arguments.tag or ("baseline" if arguments.model else "folds")
    everything = pen_digits.load(common.PEN_DIGITS)
    common.OUT.mkdir(parents=True, exist_ok=True)
    summary = {}
    for fold in arguments.fold or range(len(FOLDS)):
        digits = [everything[row] for row in fold_rows(common.PEN_DIGITS, fold)]
        changes = {}
        if arguments.prior == "hand":  # as before issue 20: the hand-set grouping and joins
            changes = {"join_by_reading": False}
        if arguments.grouping:
            changes["grouping"] = grouping_settings(PROPOSAL, arguments.grouping)
        if arguments.prior == "fold":
            changes["join_prior"] = fold_prior(fold, changes.get("grouping"))
        if arguments.model:
            if not arguments.model.is_file():
                raise SystemExit(f"{arguments.model}: no such model")
            model_file, readers = arguments.model, "image"
            app = common.new_app(arguments.set + ["stroke_weight=0"], model_file=model_file, changes=changes)
        else:
            model_file = arguments.folds_dir / f"fold-{fold}" / "digitpad.tflite"
            app, readers = common.fold_app(arguments.set, model_file.parent, changes)
        started = time.perf_counter()
        print(f"fold {fold} ({', '.join(FOLDS[fold])}): {len(digits)} digits, model {model_file}, read by {readers}",
              flush=True)
        conditions, wrong_all, multi_single, multi_right = {}, [], [], []
        several = [len(digit.strokes) > 1 for digit in digits[: arguments.limit]]
        for condition in [] if arguments.no_single else pen_digits.CONDITIONS:
            right, single, wrong = read_digits(app, digits[: arguments.limit], condition)
            conditions[condition.name] = float(np.mean(right))
            multi_single += [one for one, many in zip(single, several, strict=True) if many]
            multi_right += [ok for ok, many in zip(right, several, strict=True) if many]
            wrong_all += wrong
            print(f"  {condition.name:>10}: {np.mean(right):.2%} ({len(right) - sum(right)} wrong)", flush=True)
        rng = np.random.default_rng((arguments.seed, fold))
        numbers, failures = read_numbers(app, digits, arguments.numbers, rng)
        tight_rng = np.random.default_rng((arguments.seed, fold, 1))
        tight, tight_failures = read_numbers(app, digits, arguments.numbers, tight_rng, TIGHT)
        single = float(np.mean(list(conditions.values()))) if conditions else float("nan")
        summary[fold] = {"single": single, "conditions": conditions, "numbers": float(np.mean(numbers)),
                         "tight": float(np.mean(tight)),
                         "multi_stroke_one_digit": float(np.mean(multi_single)) if multi_single else float("nan"),
                         "multi_stroke_right": float(np.mean(multi_right)) if multi_right else float("nan"),
                         "multi_stroke_reads": len(multi_single), "prior": arguments.prior,
                         "model": str(model_file), "read_by": readers, "digits": len(digits[: arguments.limit])}
        figures = summary[fold]
        print(f"  single digits {single:.2%}, worst condition {min(conditions.values(), default=np.nan):.2%}; "
              f"multi-stroke: one digit {figures['multi_stroke_one_digit']:.2%}, right "
              f"{figures['multi_stroke_right']:.2%} of {len(multi_single)}; numbers {np.mean(numbers):.2%}, "
              f"tight {np.mean(tight):.2%} of {len(numbers)} each; {time.perf_counter() - started:.0f} s", flush=True)
        if wrong_all:
            images, labels, probabilities = zip(*wrong_all, strict=True)
            write_error_grid(common.OUT / f"{tag}_fold{fold}_errors.png", np.stack(images), np.array(labels),
                             np.array(probabilities), f"fold {fold} errors, all conditions ({tag})", limit=150)
        for name, failed in (("number", failures), ("tight", tight_failures)):
            if failed:
                write_failures(common.OUT / f"{tag}_fold{fold}_{name}_errors.png", failed[:60],
                               app.settings.canvas.canvas_size)
        app.close()

    names = [condition.name for condition in pen_digits.CONDITIONS]
    columns = ["single", "multi-stroke one digit", "multi-stroke right", "numbers", "tight numbers"]
    keys = ["single", "multi_stroke_one_digit", "multi_stroke_right", "numbers", "tight"]
    print(f"\n| fold | {' | '.join(names + columns)} |")
    print(f"| --- |{' --- |' * (len(names) + len(columns))}")
    for fold, figures in summary.items():
        cells = [f"{figures['conditions'].get(name, np.nan):.2%}" for name in names] + [
            f"{figures[key]:.2%}" for key in keys]
        print(f"| {fold} | {' | '.join(cells)} |")
    means = [np.mean([figures["conditions"].get(name, np.nan) for figures in summary.values()]) for name in names]
    means += [np.mean([figures[key] for figures in summary.values()]) for key in keys]
    print(f"| mean | {' | '.join(f'{mean:.2%}' for mean in means)} |")
    print(f"worst fold {min(f['single'] for f in summary.values()):.2%}, worst condition (mean over folds) "
          f"{min(means[: len(names)]):.2%}")
    (common.OUT / f"{tag}_folds.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
