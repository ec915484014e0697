"""Ink that is not a digit (issue 19 bars: held-out letters, symbols and sums each <= 5 % read
as a sure number; real digits on the folds: accuracy as before, the share of right digits shown
"not sure" up by at most 0.3 points).

Everything is drawn through the App as mouse drags, with each fold's models: the image and
stroke models and the not-a-digit reader of `train_model.py --base-model BASE --hold-out-fold K
--output-dir bench/out/folds/fold-K` (its reader trained without fold K's pen digits), or with
--model-dir the models of one folder (e.g. model/, the shipped ones) for every fold. The grouping
prior is the fold's own, learned without it (bench/folds.py's fold_prior; with --model-dir the
shipped one).

For each fold it prints
  - per non-digit family of the fold's group (training/nondigits.py held_out_families: fonts,
    shape kinds and scribble generators the fold's reader never learned, as it never saw the
    fold's writers): the share read as a sure number, and what it was without the reader (its
    "not a digit" turned back into the verdict the app gave before). Every family is in one
    group, so over the three folds each is scored once by a reader that never saw its kind;
  - sums: pen digits of the fold, an operator (+, -, =, x) and pen digits, written on one
    line: the share read as a sure number;
  - the fold's real digits, single (the six drawing conditions of pen_accuracy.py, or --conditions)
    and numbers (as folds.py composes them): accuracy, and the share of right ones shown "not
    sure", with and without the reader; the digits read "not a digit".
Folds can be read apart (--fold K --tag TAGK, e.g. as each fold's models are ready) and their
table printed as one with --merge TAG0 TAG1 TAG2. One reading gives every verdict: the reader
only ever turns a verdict into "not a digit", and each digit of a Result carries the reader's
probability (DigitResult.not_digit), so the figures are printed for several thresholds
(--thresholds) from one run (read at the lowest of them; 1.0 is the app without the reader).
"""

import argparse
import json
import pathlib
import time

import common
import numpy as np
from folds import fold_prior


def record(result, confident):
    """What decides a Result's verdict at any threshold: (scribble or empty, [(shape doubt,
    confident enough, the reader's probability, the digit read) per digit])."""
    from digitpad.recognition import NOT_A_DIGIT

    pieces = [(bool(digit.doubt) and digit.doubt != NOT_A_DIGIT and not digit.doubt.startswith("low confidence"),
               digit.confidence >= confident, digit.not_digit, digit.digit) for digit in result.digits]
    return result.scribble or not result.digits, pieces


def sure_at(recorded, threshold):
    """Whether the number would be sure with not_digit_above = threshold."""
    refused, pieces = recorded
    return not refused and all(not shape and confident and chance <= threshold
                               for shape, confident, chance, _ in pieces)


def refused_at(recorded, threshold):
    """Whether some piece would be "not a digit" at this threshold."""
    return any(not shape and chance > threshold for shape, _, chance, _ in recorded[1])


def read_drawing(app, strokes):
    from tests.replay import draw_strokes

    common.clear(app)
    draw_strokes(app, strokes)
    app.flush()
    return app.result


def score_nondigits(app, names, count, seed):
    """{family: [record of each of `count` drawings]}."""
    from training import nondigits

    confident = app.settings.recognition.confident
    canvas = app.settings.canvas.canvas_size
    figures = {}
    for name in names:
        rng = np.random.default_rng((seed, sum(map(ord, name))))
        figures[name] = [record(read_drawing(app, nondigits.mouse_drawing(nondigits.draw_paths(name, rng), rng,
                                                                          canvas, name)), confident)
                         for _ in range(count)]
    return figures


def score_sums(app, digits, count, seed):
    """[record of each of `count` sums of the fold's digits]."""
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
        read.append(record(read_drawing(app, strokes), confident))
    return read


def score_pieces(app, digits, count, seed):
    """[record of each of `count` cut-off pieces (25-60 % of the pen path) of the fold's digits,
    drawn mouse-like]."""
    from training import nondigits

    confident = app.settings.recognition.confident
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(digits), size=count)
    return [record(read_drawing(app, nondigits.mouse_drawing(nondigits.cut_piece(digits[row], rng), rng,
                                                            app.settings.canvas.canvas_size, "pieces")), confident)
            for row in chosen]


def score_digits(app, digits, conditions, numbers, seed):
    """Real digits: {"single"/"numbers"/"tight": [(right, record) of each reading]}; `numbers`
    numbers laid out as folds.py lays them out, naturally and tight, each."""
    from training import pen_digits
    from training.number_layout import NATURAL, TIGHT, compose

    confident = app.settings.recognition.confident
    canvas = app.settings.canvas.canvas_size
    rows = {"single": [], "numbers": [], "tight": []}
    for name in conditions:
        condition = pen_digits.CONDITION_BY_NAME[name]
        for digit in digits:
            result = read_drawing(app, pen_digits.to_strokes(digit, condition, canvas))
            rows["single"].append((result.text == str(digit.label), record(result, confident)))
    for kind, layout in (("numbers", NATURAL), ("tight", TIGHT)):
        rng = np.random.default_rng(seed if kind == "numbers" else (*seed, 1))
        for _ in range(numbers):
            chosen = [digits[i] for i in rng.choice(len(digits), int(rng.integers(2, 6)), replace=False)]
            result = read_drawing(app, compose(chosen, rng, canvas, app.settings.canvas.default_brush, layout))
            rows[kind].append((result.text == "".join(str(d.label) for d in chosen), record(result, confident)))
    return rows


def digit_figures(rows, threshold):
    """{count, accuracy, unsure_right (share of all readings right but not sure), refused}."""
    if not rows:
        return {"count": 0}
    right = np.array([row[0] for row in rows], bool)
    sure = np.array([sure_at(row[1], threshold) for row in rows], bool)
    refused = np.array([refused_at(row[1], threshold) for row in rows], bool)
    return {"count": len(rows), "accuracy": float(right.mean()), "unsure_right": float(np.mean(right & ~sure)),
            "refused": float(refused.mean()), "refused_right": int(np.sum(right & refused))}


def share_sure(records, threshold):
    return float(np.mean([sure_at(recorded, threshold) for recorded in records]))


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
    parser.add_argument("--count", type=int, default=200, help="drawings per non-digit family drawn")
    parser.add_argument("--sums", type=int, default=200, help="sums per fold")
    parser.add_argument("--pieces", type=int, default=200,
                        help="cut-off pieces of the fold's digits per fold (no bar: many pieces look like digits)")
    parser.add_argument("--numbers", type=int, default=400, help="numbers per fold")
    parser.add_argument("--conditions", default="normal,small,large,thin,thick,off-centre",
                        help="drawing conditions of the single digits, comma-separated ('' for none)")
    parser.add_argument("--families", default="held-out", choices=["held-out", "learned", "all", "none"],
                        help="which non-digit families to draw on each fold: its group's (the bars are on them), "
                             "the ones its reader learned, all, none")
    parser.add_argument("--limit", type=int, default=None, help="only the first N digits of each fold")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--thresholds", default="0.995,0.998,0.999,0.9995,0.9998",
                        help="not_digit_above values to print the figures for (read at the lowest)")
    parser.add_argument("--tag", default="nondigits")
    parser.add_argument("--merge", nargs="+", default=None, metavar="TAG",
                        help="read nothing: print the table of earlier runs tagged so (e.g. one fold each) as one")
    common.add_settings_flag(parser)
    arguments = parser.parse_args()
    if arguments.merge:
        try:
            print_summary(load_summaries(arguments.merge))
        except ValueError as error:
            parser.error(str(error))
        return

    from training import nondigits, pen_digits
    from training.folds import FOLDS, fold_rows

    thresholds = sorted(float(value) for value in arguments.thresholds.split(",")) + [1.0]
    if arguments.model_dir and arguments.families != "none":
        print(f"  note: the not-a-digit reader of {arguments.model_dir} may have learned every family: "
              f"these are no figures on unseen kinds")
    conditions = [name for name in arguments.conditions.split(",") if name]
    everything = pen_digits.load(common.PEN_DIGITS)
    summary, records = {}, {}
    for fold in arguments.fold or range(len(FOLDS)):
        folder = arguments.model_dir or arguments.folds_dir / f"fold-{fold}"
        changes = {} if arguments.model_dir else {"join_prior": fold_prior(fold)}  # the grouping learned without fold K
        app, readers = common.fold_app(arguments.set + [f"not_digit_above={thresholds[0]}"], folder, changes)
        if app.nondigit_notice:
            print(f"  note: {app.nondigit_notice}")
        digits = [everything[row] for row in fold_rows(common.PEN_DIGITS, fold)][: arguments.limit]
        names = [family.name for family in {"held-out": nondigits.held_out_families(fold),
                                            "learned": nondigits.training_families(fold),
                                            "all": nondigits.FAMILIES, "none": ()}[arguments.families]]
        started = time.perf_counter()
        print(f"fold {fold}: models of {folder} ({readers})", flush=True)
        families_read = score_nondigits(app, names, arguments.count, (arguments.seed, fold))
        sums = score_sums(app, digits, arguments.sums, (arguments.seed, fold, 1))
        pieces = score_pieces(app, digits, arguments.pieces, (arguments.seed, fold, 3))
        rows = score_digits(app, digits, conditions, arguments.numbers, (arguments.seed, fold, 2))
        app.close()
        print(f"  read in {time.perf_counter() - started:.0f} s", flush=True)
        figures = {}
        for threshold in thresholds:
            at = figures[threshold] = {"families": {name: share_sure(read, threshold)
                                                    for name, read in families_read.items()},
                                       "sums": share_sure(sums, threshold) if sums else None,
                                       "pieces": share_sure(pieces, threshold) if pieces else None,
                                       "digits": {kind: digit_figures(read, threshold) for kind, read in rows.items()}}
            kinds = {}
            for name, share in at["families"].items():
                kinds.setdefault(kind_of(name), []).append(share)
            at["kinds"] = {kind: float(np.mean(shares)) for kind, shares in kinds.items()}
            label = "without the reader" if threshold >= 1.0 else f"not_digit_above {threshold}"
            shares = at["kinds"] | {"sums": at["sums"], "pieces of digits": at["pieces"]}
            print(f"  {label}: sure " + ", ".join(f"{kind} {share:.1%}" for kind, share in shares.items()
                                                  if share is not None), flush=True)
            for kind, row in at["digits"].items():
                if row["count"]:
                    print(f"    {kind}: accuracy {row['accuracy']:.2%}, right but not sure {row['unsure_right']:.2%}, "
                          f"'not a digit' {row['refused']:.2%} ({row['refused_right']} right) of {row['count']}",
                          flush=True)
        print("  per family (sure at each threshold): " + "; ".join(
            f"{name} " + "/".join(f"{figures[t]['families'][name]:.0%}" for t in thresholds) for name in names))
        summary[fold] = figures
        records[fold] = {"families": families_read, "sums": sums, "pieces": pieces, "digits": rows}

    common.OUT.mkdir(parents=True, exist_ok=True)
    (common.OUT / f"{arguments.tag}.json").write_text(json.dumps(summary, indent=2) + "\n")
    # every reading, to study other thresholds without reading again: per fold, families {name:
    # [record]}, sums and pieces [record], digits {kind: [(right, record)]} (record: see record())
    (common.OUT / f"{arguments.tag}-records.json").write_text(json.dumps(records) + "\n")
    print_summary(summary)


def load_summaries(tags) -> dict:
    """The figures of earlier runs (bench/out/TAG.json each, e.g. one fold each), as one
    summary: {fold: {threshold: figures}}. ValueError when two runs read the same fold."""
    summary = {}
    for tag in tags:
        path = common.OUT / f"{tag}.json"
        if not path.is_file():
            raise ValueError(f"no figures of a run tagged {tag!r}: {path} is missing")
        for fold, figures in json.loads(path.read_text()).items():
            if int(fold) in summary:
                raise ValueError(f"fold {fold} is read by two of the runs merged ({tag!r} and another)")
            summary[int(fold)] = {float(threshold): at for threshold, at in figures.items()}
    return summary


def print_summary(summary) -> None:
    """The table of the bars: per threshold, non-digits read as sure (letters, symbols and
    scribbles: each family once, in the fold that drew it), sums and pieces (mean of the
    folds), and the right digits shown "not sure" (mean of the folds, and its rise over the
    app without the reader)."""
    thresholds = sorted(next(iter(summary.values())))
    if any(sorted(figures) != thresholds for figures in summary.values()):
        raise ValueError("the runs merged were read at different thresholds")

    def kind_share(threshold, kind):
        shares = {name: share for fold in summary for name, share in summary[fold][threshold]["families"].items()
                  if kind_of(name) == kind}
        return float(np.mean(list(shares.values()))) if shares else None

    print(f"\nfolds {', '.join(map(str, sorted(summary)))}")
    print("| not_digit_above | letters | symbols | scribbles | sums | pieces of digits | single: right not sure "
          "(rise) | numbers: right not sure (rise) | tight numbers: right not sure (rise) |")
    print("| --- |" + " --- |" * 8)
    for threshold in thresholds:
        def mean(pick, threshold=threshold):
            return float(np.mean([pick(summary[fold][threshold]) for fold in summary]))

        cells = [f"{share:.1%}" if (share := kind_share(threshold, kind)) is not None else "-"
                 for kind in ("letters", "symbols", "scribbles")]
        for key in ("sums", "pieces"):
            present = all(summary[fold][threshold][key] is not None for fold in summary)
            cells.append(f"{mean(lambda at, key=key: at[key]):.1%}" if present else "-")
        for kind in ("single", "numbers", "tight"):
            if not all(summary[fold][threshold]["digits"][kind]["count"] for fold in summary):
                cells.append("-")
                continue
            unsure = mean(lambda at, kind=kind: at["digits"][kind]["unsure_right"])
            before = float(np.mean([summary[fold][1.0]["digits"][kind]["unsure_right"] for fold in summary]))
            cells.append(f"{unsure:.2%} ({unsure - before:+.2%})")
        label = "1.0 (no reader)" if threshold >= 1.0 else str(threshold)
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
