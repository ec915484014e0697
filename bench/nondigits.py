"""Ink that is not a digit (issue 19 bars: held-out letters, symbols and sums each <= 5 % read
as a sure number; real digits on the folds: accuracy as before, the share of right digits shown
"not sure" up by at most 0.3 points).

Everything is drawn through the App as mouse drags, with each fold's models: the image and
stroke models and the not-a-digit reader of `train_model.py --base-model BASE --hold-out-fold K
--output-dir bench/out/folds/fold-K` (its reader trained without fold K's pen digits), or with
--model-dir the models of one folder (e.g. model/, the shipped ones) for every fold.

For each fold it prints
  - per held-out non-digit family (training/nondigits.py HELD_OUT: fonts, shape kinds and
    scribble generators never trained on): the share read as a sure number, and what it was
    without the reader (its "not a digit" turned back into the verdict the app gave before);
  - sums: pen digits of the fold, an operator (+, -, =, x) and pen digits, written on one
    line: the share read as a sure number;
  - the fold's real digits, single (the six drawing conditions of pen_accuracy.py, or --conditions)
    and numbers (as folds.py composes them): accuracy, and the share of right ones shown "not
    sure", with and without the reader; the digits read "not a digit".
One reading gives both verdicts: the reader only ever turns a verdict into "not a digit".
"""

import argparse
import json
import pathlib
import time

import common
import numpy as np


def verdicts(result, confident):
    """(sure, sure without the not-a-digit reader, any piece "not a digit") of a Result."""
    from digitpad.recognition import NOT_A_DIGIT

    refused = any(digit.doubt == NOT_A_DIGIT for digit in result.digits)
    before = bool(result.digits) and not result.scribble and all(
        digit.sure or (digit.doubt == NOT_A_DIGIT and digit.confidence >= confident) for digit in result.digits)
    return result.sure, before, refused


def read_drawing(app, strokes):
    from tests.replay import draw_strokes

    common.clear(app)
    draw_strokes(app, strokes)
    app.flush()
    return app.result


def score_nondigits(app, names, count, seed):
    """{family: (sure share, sure share without the reader)} over `count` drawings each."""
    from training import nondigits

    confident = app.settings.recognition.confident
    canvas = app.settings.canvas.canvas_size
    figures = {}
    for name in names:
        rng = np.random.default_rng((seed, sum(map(ord, name))))
        read = [verdicts(read_drawing(app, nondigits.mouse_drawing(nondigits.draw_paths(name, rng), rng, canvas,
                                                                    name)), confident) for _ in range(count)]
        figures[name] = (float(np.mean([sure for sure, _, _ in read])), float(np.mean([was for _, was, _ in read])))
    return figures


def score_sums(app, digits, count, seed):
    """(sure share, sure share without the reader) of `count` sums of the fold's digits."""
    from training import nondigits

    confident = app.settings.recognition.confident
    rng = np.random.default_rng(seed)
    operators = list(nondigits.OPERATORS.values())
    read = []
    for _ in range(count):
        left = [digits[i] for i in rng.choice(len(digits), int(rng.integers(1, 3)), replace=False)]
        right = [digits[i] for i in rng.choice(len(digits), int(rng.integers(1, 3)), replace=False)]
        operator = operators[int(rng.integers(len(operators)))](rng)
        strokes = nondigits.compose_sum(left, operator, right, rng, app.settings.canvas.canvas_size,
                                        app.settings.canvas.default_brush)
        read.append(verdicts(read_drawing(app, strokes), confident))
    return float(np.mean([sure for sure, _, _ in read])), float(np.mean([was for _, was, _ in read]))


def score_digits(app, digits, conditions, numbers, seed):
    """Real digits: {"single"/"numbers": {accuracy, unsure_right (with, without the reader), refused}}."""
    from number_accuracy import compose

    from training import pen_digits

    confident = app.settings.recognition.confident
    canvas = app.settings.canvas.canvas_size
    rows = {"single": [], "numbers": []}
    for name in conditions:
        condition = pen_digits.CONDITION_BY_NAME[name]
        for digit in digits:
            result = read_drawing(app, pen_digits.to_strokes(digit, condition, canvas))
            rows["single"].append((result.text == str(digit.label), *verdicts(result, confident)))
    rng = np.random.default_rng(seed)
    for _ in range(numbers):
        chosen = [digits[i] for i in rng.choice(len(digits), int(rng.integers(2, 6)), replace=False)]
        result = read_drawing(app, compose(chosen, rng, canvas, app.settings.canvas.default_brush))
        rows["numbers"].append((result.text == "".join(str(d.label) for d in chosen), *verdicts(result, confident)))
    figures = {}
    for kind, read in rows.items():
        right = np.array([row[0] for row in read], bool)
        sure, before, refused = (np.array([row[k] for row in read], bool) for k in (1, 2, 3))
        figures[kind] = {"count": int(len(read)), "accuracy": float(right.mean()),
                         "unsure_right": float(np.mean(right & ~sure)),
                         "unsure_right_before": float(np.mean(right & ~before)),
                         "refused": float(refused.mean()), "refused_right": int(np.sum(right & refused))}
    return figures


def kind_of(name):
    from training import nondigits

    return nondigits.family(name).kind


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds-dir", type=pathlib.Path, default=common.OUT / "folds",
                        help="holds fold-K/ (digitpad.tflite, digitpad-strokes.tflite, digitpad-nondigit.npz)")
    parser.add_argument("--model-dir", type=pathlib.Path, default=None,
                        help="read every fold with the models of this folder instead (e.g. model)")
    parser.add_argument("--fold", type=int, action="append", default=None, help="only this fold (repeatable)")
    parser.add_argument("--count", type=int, default=100, help="drawings per held-out family and fold")
    parser.add_argument("--sums", type=int, default=200, help="sums per fold")
    parser.add_argument("--numbers", type=int, default=400, help="numbers per fold")
    parser.add_argument("--conditions", default="normal,small,large,thin,thick,off-centre",
                        help="drawing conditions of the single digits, comma-separated ('' for none)")
    parser.add_argument("--families", default="held-out", choices=["held-out", "training", "all"],
                        help="which non-digit families to draw (the bars are on the held-out ones)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", default="nondigits")
    common.add_settings_flag(parser)
    arguments = parser.parse_args()

    from training import nondigits, pen_digits
    from training.folds import FOLDS, fold_rows

    families = {"held-out": nondigits.HELD_OUT, "training": nondigits.TRAINING, "all": nondigits.FAMILIES}
    names = [family.name for family in families[arguments.families]]
    conditions = [name for name in arguments.conditions.split(",") if name]
    everything = pen_digits.load(common.PEN_DIGITS)
    summary = {}
    for fold in arguments.fold or range(len(FOLDS)):
        folder = arguments.model_dir or arguments.folds_dir / f"fold-{fold}"
        app, readers = common.fold_app(arguments.set, folder)
        if app.nondigit_notice:
            print(f"  note: {app.nondigit_notice}")
        digits = [everything[row] for row in fold_rows(common.PEN_DIGITS, fold)]
        started = time.perf_counter()
        print(f"fold {fold}: models of {folder} ({readers})", flush=True)
        figures = {"families": score_nondigits(app, names, arguments.count, (arguments.seed, fold))}
        for name, (sure, before) in figures["families"].items():
            print(f"  {name:>24}: {sure:6.1%} sure (without the reader {before:6.1%})", flush=True)
        figures["sums"] = score_sums(app, digits, arguments.sums, (arguments.seed, fold, 1))
        print(f"  {'sums':>24}: {figures['sums'][0]:6.1%} sure (without the reader {figures['sums'][1]:6.1%})",
              flush=True)
        figures["digits"] = score_digits(app, digits, conditions, arguments.numbers, (arguments.seed, fold, 2))
        for kind, row in figures["digits"].items():
            if row["count"]:
                print(f"  {kind:>24}: accuracy {row['accuracy']:.2%}, right but not sure {row['unsure_right']:.2%} "
                      f"(without the reader {row['unsure_right_before']:.2%}), 'not a digit' {row['refused']:.2%} "
                      f"({row['refused_right']} of them right) of {row['count']}", flush=True)
        print(f"  {time.perf_counter() - started:.0f} s", flush=True)
        summary[fold] = figures
        app.close()

    print("\n| fold | " + " | ".join(["letters", "symbols", "scribbles", "sums"]) +
          " | single: accuracy, right not sure (before) | numbers: accuracy, right not sure (before) |")
    print("| --- |" + " --- |" * 6)
    for fold, figures in summary.items():
        kinds = {}
        for name, (sure, _) in figures["families"].items():
            kinds.setdefault(kind_of(name), []).append(sure)
        cells = [f"{np.mean(kinds[kind]):.1%}" if kind in kinds else "-"
                 for kind in ("letters", "symbols", "scribbles")]
        cells.append(f"{figures['sums'][0]:.1%}")
        for kind in ("single", "numbers"):
            row = figures["digits"][kind]
            cells.append(f"{row['accuracy']:.2%}, {row['unsure_right']:.2%} ({row['unsure_right_before']:.2%})"
                         if row["count"] else "-")
        print(f"| {fold} | " + " | ".join(cells) + " |")
    common.OUT.mkdir(parents=True, exist_ok=True)
    (common.OUT / f"{arguments.tag}.json").write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
