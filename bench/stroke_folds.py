"""Does the stroke model pay? Image model alone, stroke model alone and both combined, on
pen-digit writers neither model trained on (issue 11, item 3).

For each fold K (training/folds.py), a stroke model trained on the other folds
(bench/out/stroke_folds/fold-K/digitpad-strokes.tflite, trained here when missing) reads fold
K's digits; an image model that never trained on fold K reads them through digitpad's own
path, Recognizer(DigitModel(...)).recognise_strokes(strokes, 560), under the six drawing
conditions of training.pen_digits.CONDITIONS. Image models: --image-model PATH (one model for
every fold, e.g. the bundled MNIST-only model/digitpad.tflite, to which every fold is unseen),
or --image-folds DIR (DIR/fold-K/digitpad.tflite, trained with --hold-out-fold K).

Combination: log p = w_image log p_image + w_stroke log p_stroke (w_image = 1 - w_stroke),
renormalised (digitpad.recognition.combine_readings, as the app combines them). It applies
only when the recogniser read one digit; when it split the ink into several pieces (or found
none) the image's answer stands (wrong for a single digit). bench/folds.py reads the folds
through the app itself, image and strokes together, numbers included. The weight is chosen on two folds (best
mean single-digit accuracy, ties to the lower log loss) and scored on the third.
The bar: combined beats image alone by >= 0.3 points mean over folds, no fold worse.

    git show 3802dfe:model/digitpad.tflite > /tmp/mnist-only.tflite   # an image model that saw no pen digit
    python bench/stroke_folds.py --image-model /tmp/mnist-only.tflite --tag mnist-only
    python bench/stroke_folds.py --image-folds bench/out/folds --tag folds

A model trained on all pen digits (train_model.py's default since issue 11) has seen every
fold: it cannot be --image-model here. Image probabilities are cached per model (by digest).
"""

import argparse
import json
import pathlib
import time

import common
import numpy as np

CANVAS_SIZE = 560
WEIGHTS = np.round(np.arange(0.0, 1.0001, 0.05), 2)  # w_stroke candidates
FLOOR = 1e-7  # probabilities are floored here before the log (as digitpad.recognition does)


def image_probabilities(model_file, digits, conditions, cache: pathlib.Path):
    """{condition: ((N, 10) float32 probabilities of the single digit read, zeros when not one
    piece), (N,) int pieces read, (N,) bool text right)}; cached in `cache` (npz)."""
    if cache.is_file():
        data = np.load(cache)
        return {c.name: (data[f"{c.name}/p"], data[f"{c.name}/pieces"], data[f"{c.name}/right"]) for c in conditions}
    from digitpad.model import DigitModel
    from digitpad.recognition import Recognizer
    from training import pen_digits

    recognizer = Recognizer(DigitModel(model_file))
    figures = {}
    for condition in conditions:
        probabilities = np.zeros((len(digits), 10), np.float32)
        pieces = np.zeros(len(digits), np.int64)
        right = np.zeros(len(digits), bool)
        for row, digit in enumerate(digits):
            result = recognizer.recognise_strokes(pen_digits.to_strokes(digit, condition, CANVAS_SIZE), CANVAS_SIZE)
            pieces[row] = len(result.digits)
            right[row] = result.text == str(digit.label)
            if len(result.digits) == 1:
                probabilities[row] = result.digits[0].probabilities
        figures[condition.name] = (probabilities, pieces, right)
    recognizer.close()
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, **{f"{name}/{key}": value for name, arrays in figures.items()
                                  for key, value in zip(("p", "pieces", "right"), arrays, strict=True)})
    return figures


def stroke_probabilities(model_file, digits, conditions):
    """{condition: (N, 10) float32} from the stroke model, the same strokes the image side drew."""
    from digitpad.stroke_features import digits_to_sequences
    from digitpad.stroke_reader import StrokeReader
    from training import pen_digits

    reader = StrokeReader(model_file)
    return {c.name: reader.predict_sequences(digits_to_sequences(
        [pen_digits.to_strokes(digit, c, CANVAS_SIZE) for digit in digits])) for c in conditions}


def combined_probabilities(image, stroke, weight):
    """(N, 10): the app's own combination (digitpad.recognition.combine_readings)."""
    from digitpad.recognition import combine_readings

    return combine_readings(image, stroke, weight)


def combined_right(image, stroke, labels, weight):
    """((N,) bool combined answer right, mean log loss of the combination over single pieces)."""
    probabilities, pieces, right = image
    single = pieces == 1
    combined = combined_probabilities(probabilities, stroke, weight)
    answer = np.where(single, combined.argmax(axis=1) == labels, right)
    loss = -np.log(np.maximum(combined[single, labels[single]], FLOOR)).mean() if single.any() else 0.0
    return answer, float(loss)


def fold_scores(image, stroke, labels, weight):
    """(mean accuracy over the conditions, mean log loss) of the combination on one fold."""
    scores = [combined_right(image[name], stroke[name], labels, weight) for name in image]
    return float(np.mean([answer.mean() for answer, _ in scores])), float(np.mean([loss for _, loss in scores]))


def confidence_figures(image, stroke, labels, weight, confident: float):
    """Over the single-piece digits of one condition: share shown "not sure" (best probability
    under `confident`) and share confidently wrong, image alone and combined."""
    probabilities, pieces, _ = image
    single = pieces == 1
    figures = {}
    for kind, table in (("image", probabilities), ("combined", combined_probabilities(probabilities, stroke, weight))):
        best, answer = table[single].max(axis=1), table[single].argmax(axis=1)
        figures[kind] = {"not_sure": float((best < confident).mean()),
                         "sure_and_wrong": float(((best >= confident) & (answer != labels[single])).mean())}
    return figures


def choose_weight(folds: dict, chosen_on) -> float:
    """The w_stroke of WEIGHTS with the best mean accuracy over folds `chosen_on` (ties: lower log loss)."""
    def key(weight):
        scores = [fold_scores(folds[k]["image"], folds[k]["stroke"], folds[k]["labels"], weight) for k in chosen_on]
        return (round(float(np.mean([s[0] for s in scores])), 9), -float(np.mean([s[1] for s in scores])))

    return float(max(WEIGHTS, key=key))


def stroke_latency(model_file, digits, repeats: int = 1):
    """Per-digit seconds of StrokeReader.predict (featurise + invoke) on mouse-like drawings."""
    from digitpad.stroke_reader import StrokeReader
    from training.stroke_model import augmented_strokes

    reader = StrokeReader(model_file)
    rng = np.random.default_rng(0)
    drawings = [augmented_strokes(digit, rng, as_written=False) for digit in digits]
    times = []
    for _ in range(repeats):
        for strokes in drawings:
            started = time.perf_counter()
            reader.predict([strokes])
            times.append(time.perf_counter() - started)
    return np.asarray(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--image-model", type=pathlib.Path,
                        help="one image model for every fold (never trained on pen digits)")
    source.add_argument("--image-folds", type=pathlib.Path, help="holds fold-K/digitpad.tflite, trained without fold K")
    parser.add_argument("--stroke-folds", type=pathlib.Path, default=common.OUT / "stroke_folds",
                        help="holds fold-K/digitpad-strokes.tflite (trained here when missing)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the stroke models trained here")
    parser.add_argument("--tag", required=True, help="names the image-probability caches and the JSON of figures")
    parser.add_argument("--weight", type=float, default=None,
                        help="use this w_stroke on every fold instead of choosing it on the other folds")
    parser.add_argument("--limit", type=int, default=None, help="only the first N digits of each fold")
    parser.add_argument("--latency-digits", type=int, default=1000, help="mouse drawings timed through StrokeReader")
    arguments = parser.parse_args()

    from training import pen_digits
    from training.folds import FOLDS, fold_rows
    from training.stroke_model import StrokeTrainingSettings, train_stroke_model

    conditions = pen_digits.CONDITIONS
    names = [c.name for c in conditions]
    everything = pen_digits.load(common.PEN_DIGITS)
    folds = {}
    for fold in range(len(FOLDS)):
        digits = [everything[row] for row in fold_rows(common.PEN_DIGITS, fold)][: arguments.limit]
        labels = np.array([digit.label for digit in digits])
        stroke_file = arguments.stroke_folds / f"fold-{fold}" / "digitpad-strokes.tflite"
        if not stroke_file.is_file():
            print(f"fold {fold}: training the stroke model without it -> {stroke_file}", flush=True)
            trained = train_stroke_model(stroke_file, common.PEN_DIGITS, hold_out_fold=fold,
                                         settings=StrokeTrainingSettings(seed=arguments.seed), verbose=0)
            print(f"  {trained}", flush=True)
        image_file = arguments.image_model or arguments.image_folds / f"fold-{fold}" / "digitpad.tflite"
        if not image_file.is_file():
            print(f"fold {fold}: {image_file}: no such image model, fold left out", flush=True)
            continue
        started = time.perf_counter()
        from digitpad.adaptation import file_digest

        digest = file_digest(image_file)[:10]  # a retrained image model gets a cache of its own
        cache = arguments.stroke_folds / f"image-{arguments.tag}-fold-{fold}-{len(digits)}-{digest}.npz"
        image = image_probabilities(image_file, digits, conditions, cache)
        stroke = stroke_probabilities(stroke_file, digits, conditions)
        folds[fold] = {"image": image, "stroke": stroke, "labels": labels, "image_file": str(image_file),
                       "image_sha256": file_digest(image_file), "stroke_file": str(stroke_file)}
        split = {name: int((image[name][1] != 1).sum()) for name in names}
        print(f"fold {fold}: {len(digits)} digits, image {image_file}, stroke {stroke_file}; "
              f"not one piece per condition {split}; {time.perf_counter() - started:.0f} s", flush=True)

    if len(folds) < 2 and arguments.weight is None:
        raise SystemExit("the weight is chosen on the other folds: give --weight W with fewer than two folds")
    from digitpad.settings import RecognitionSettings

    confident = RecognitionSettings().confident
    summary = {"tag": arguments.tag, "folds": {}}
    rows = []
    for fold, data in folds.items():
        others = [k for k in folds if k != fold]
        weight = arguments.weight if arguments.weight is not None else choose_weight(folds, others)
        image, stroke, labels = data["image"], data["stroke"], data["labels"]
        figures = {"w_stroke": weight, "w_image": round(1 - weight, 2), "conditions": {},
                   "chosen_on": others if arguments.weight is None else "given (--weight)",
                   "image_file": data["image_file"], "image_sha256": data["image_sha256"],
                   "stroke_file": data["stroke_file"], "digits": len(labels)}
        for name in names:
            figures["conditions"][name] = {
                "image": float(image[name][2].mean()),
                "stroke": float((stroke[name].argmax(axis=1) == labels).mean()),
                "combined": float(combined_right(image[name], stroke[name], labels, weight)[0].mean()),
            }
        for kind in ("image", "stroke", "combined"):
            figures[kind] = float(np.mean([figures["conditions"][name][kind] for name in names]))
        shares = [confidence_figures(image[name], stroke[name], labels, weight, confident) for name in names]
        figures["confidence"] = {kind: {key: float(np.mean([share[kind][key] for share in shares]))
                                        for key in ("not_sure", "sure_and_wrong")} for kind in ("image", "combined")}
        for kind in ("image", "stroke", "combined"):
            rows.append((fold, kind, [figures["conditions"][name][kind] for name in names], figures[kind]))
        summary["folds"][fold] = figures
    summary["w_stroke_all_folds"] = choose_weight(folds, list(folds))
    for kind in ("image", "stroke", "combined"):
        summary[kind] = float(np.mean([figures[kind] for figures in summary["folds"].values()]))
    gains = [f["combined"] - f["image"] for f in summary["folds"].values()]
    summary["gain_points"] = 100 * float(np.mean(gains))
    summary["bar_met"] = bool(summary["gain_points"] >= 0.3 and min(gains) >= 0)

    print(f"\n| fold | read by | {' | '.join(names)} | single |")
    print(f"| --- | --- |{' --- |' * (len(names) + 1)}")
    for fold, kind, cells, mean in rows:
        label = kind if kind != "combined" else f"combined (w_stroke {summary['folds'][fold]['w_stroke']:.2f})"
        print(f"| {fold} | {label} | {' | '.join(f'{c:.2%}' for c in cells)} | {mean:.2%} |")
    print(f"mean over folds: image {summary['image']:.2%}, stroke {summary['stroke']:.2%}, combined "
          f"{summary['combined']:.2%}; gain {summary['gain_points']:+.2f} points (per fold "
          f"{', '.join(f'{100 * g:+.2f}' for g in gains)}); bar met: {summary['bar_met']}")
    print(f"w_stroke chosen on all folds: {summary['w_stroke_all_folds']:.2f}")
    for fold, figures in summary["folds"].items():
        shares = figures["confidence"]
        print(f"fold {fold}, single pieces, below {confident:.0%} (not sure) / sure and wrong: image "
              f"{shares['image']['not_sure']:.2%} / {shares['image']['sure_and_wrong']:.2%}, combined "
              f"{shares['combined']['not_sure']:.2%} / {shares['combined']['sure_and_wrong']:.2%}")

    if arguments.latency_digits:
        times = stroke_latency(folds[0]["stroke_file"], everything[: arguments.latency_digits])
        summary["latency_ms"] = {"median": 1000 * float(np.median(times)),
                                 "p99": 1000 * float(np.percentile(times, 99))}
        print(f"StrokeReader.predict, one mouse-drawn digit (featurise + invoke), {len(times)} digits: "
              f"median {summary['latency_ms']['median']:.3f} ms, p99 {summary['latency_ms']['p99']:.3f} ms")
    out = arguments.stroke_folds / f"{arguments.tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
