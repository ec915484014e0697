"""Learn the grouping prior (digitpad/join_prior.py): how likely two neighbouring pieces of a
drawing are one digit, from their geometry alone.

Pen digits are laid out as people write numbers (training/number_layout.py): 1-5 digits, each
slanted and rotated a little (training/pen_render.random_linear), of different heights, with
gaps from a little overlap to wide, written with brushes of 12-36 pixels, and now and then a
digit's last stroke left for after the whole number. Each number's strokes are grouped as the
app groups them (digitpad.grouping, then Recognizer.stroke_pieces on the recognition raster);
every pair of neighbouring pieces, left to right, is an example: one digit (the pieces of a
digit the grouping split, e.g. an open 4's "L" and its stem) or two (neighbouring digits). A
piece holding strokes of two digits is no example (the grouping merged them; a pair decision
cannot split it). A logistic regression, fitted by Newton's method with a little L2 and both
kinds weighed alike (pairs of one digit are rare: about 1 in 500), learns the log odds; its
weights go to model/grouping-prior.json. Seconds, numpy only.
"""

import dataclasses
import pathlib
import time

import numpy as np

from digitpad import grouping
from digitpad.join_prior import FEATURE_NAMES, pair_features
from digitpad.recognition import Recognizer
from digitpad.settings import CanvasSettings, RecognitionSettings
from training import pen_digits
from training.number_layout import NumberLayout, compose_digits
from training.pen_render import PenAugmentSettings, random_linear


@dataclasses.dataclass(frozen=True)
class PriorTrainingSettings:
    numbers: int = 8000  # numbers laid out (their neighbouring pieces are the examples)
    lengths: tuple[int, int] = (1, 5)  # digits per number, uniform in this range (inclusive)
    layout: NumberLayout = NumberLayout(gaps=(-0.1, 0.6), sizes=(0.75, 1.25), jitter=0.1)
    brushes: tuple[float, float] = (12.0, 36.0)  # brush diameter, canvas pixels (uniform)
    late_stroke: float = 0.1  # chance that a digit of several strokes has its last drawn after the number
    lone_digits: int = 30000  # more pairs of one digit: digits of several strokes drawn alone this many
    # times (the grouping splits about 1 in 150 of them; the classes weigh alike, so their share
    # among the examples does not matter)
    l2: float = 1e-3  # L2 penalty on the (standardised) weights, per example (1e-2 before the
    # features of issue 20's tight numbers; 1e-3 chosen on folds 0 and 1, bench/README)
    seed: int = 20


def pair_examples(digits, settings: PriorTrainingSettings = PriorTrainingSettings(),
                  recognition: RecognitionSettings = RecognitionSettings(), canvas_size: int | None = None):
    """(features (N, F) float64, one digit (N,) bool, pieces merged across digits: int) from
    numbers laid out from `digits` (PenDigits)."""
    canvas_size = canvas_size or CanvasSettings().canvas_size
    rng = np.random.default_rng(settings.seed)
    augment = PenAugmentSettings()
    reader = Recognizer(None, recognition)  # only its grouping and raster are used
    features, same, merged = [], [], 0
    for _ in range(settings.numbers):
        length = int(rng.integers(settings.lengths[0], settings.lengths[1] + 1))
        chosen = []
        for index in rng.choice(len(digits), length, replace=False):
            matrix = random_linear(rng, augment)
            slanted = tuple(stroke @ matrix.T for stroke in digits[index].strokes)
            chosen.append(dataclasses.replace(digits[index], strokes=slanted))
        brush = float(rng.uniform(*settings.brushes))
        per_digit = compose_digits(chosen, rng, canvas_size, brush, settings.layout)
        strokes, owners, late = [], [], []  # late: (stroke, its digit) drawn after the number
        for number, digit_strokes in enumerate(per_digit):
            leave = len(digit_strokes) > 1 and rng.uniform() < settings.late_stroke
            kept = digit_strokes[:-1] if leave else digit_strokes
            strokes += kept
            owners += [number] * len(kept)
            if leave:
                late.append((digit_strokes[-1], number))
        for stroke, owner in late:
            strokes.append(stroke)
            owners.append(owner)
        groups = grouping.group_strokes(strokes, recognition.grouping)  # the pieces joining by reading sees
        pieces, _, members = reader.stroke_pieces(strokes, canvas_size, groups)
        piece_owner = []
        for group in members:
            found = {owners[index] for index in group}
            piece_owner.append(found.pop() if len(found) == 1 else None)
        merged += sum(owner is None for owner in piece_owner)
        for index in range(len(pieces) - 1):
            if piece_owner[index] is None or piece_owner[index + 1] is None:
                continue
            features.append(pair_features(pieces[index].box, pieces[index + 1].box, members[index], members[index + 1]))
            same.append(piece_owner[index] == piece_owner[index + 1])
    return np.array(features, np.float64).reshape(-1, len(FEATURE_NAMES)), np.array(same, bool), merged


def fit_logistic(features: np.ndarray, labels: np.ndarray, l2: float, iterations: int = 50,
                 balanced: bool = True) -> np.ndarray:
    """Logistic regression by Newton's method on standardised features -> weights (F + 1,) on
    the raw features, bias last. balanced: both classes weigh the same in all (the odds are then
    the geometry's likelihood ratio, not the share of joins among the examples)."""
    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    design = np.column_stack([(features - mean) / scale, np.ones(len(features))])
    target = labels.astype(np.float64)
    share = target.mean()
    examples = np.where(labels, 0.5 / share, 0.5 / (1 - share)) if balanced else np.ones(len(labels))
    weights = np.zeros(design.shape[1])
    penalty = l2 * len(features) * np.r_[np.ones(design.shape[1] - 1), 0.0]
    for _ in range(iterations):
        probability = 1 / (1 + np.exp(-np.clip(design @ weights, -30, 30)))
        gradient = design.T @ (examples * (probability - target)) + penalty * weights
        hessian = (design * (examples * probability * (1 - probability))[:, None]).T @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-8:
            break
    raw = weights[:-1] / scale
    return np.r_[raw, weights[-1] - raw @ mean]


def train_prior(pen_path: pathlib.Path, hold_out_fold: int | None = None,
                settings: PriorTrainingSettings = PriorTrainingSettings(),
                recognition: RecognitionSettings = RecognitionSettings()) -> tuple[np.ndarray, dict]:
    """Weights (F + 1,) learned from the pen digits of `pen_path` (all, or all but the held-out
    fold's writers), and figures on how they were made; the pieces are those of
    recognition.grouping, as the recogniser reading with that prior makes them."""
    from training.folds import digit_folds

    started = time.perf_counter()
    digits = pen_digits.load(pen_path)
    if hold_out_fold is not None:
        folds = digit_folds(pen_path)
        digits = [digit for digit, fold in zip(digits, folds, strict=True) if fold != hold_out_fold]
    features, same, merged = pair_examples(digits, settings, recognition)
    several = [digit for digit in digits if len(digit.strokes) > 1]
    if settings.lone_digits and several:
        lone = dataclasses.replace(settings, numbers=settings.lone_digits, lengths=(1, 1), seed=settings.seed + 1)
        lone_features, lone_same, _ = pair_examples(several, lone, recognition)
        features, same = np.vstack([features, lone_features]), np.concatenate([same, lone_same])
    if same.all() or not same.any():
        raise ValueError("the grouping prior needs pairs of both kinds (one digit and two); got only one kind")
    weights = fit_logistic(features, same, settings.l2)
    odds = features @ weights[:-1] + weights[-1]
    figures = {
        "pairs": int(len(same)), "one_digit": int(same.sum()), "merged_pieces": int(merged),
        "training_accuracy": float(np.mean((odds > 0) == same)),  # balanced: judged per class
        "one_digit_above_even": float(np.mean(odds[same] > 0)),
        "two_digits_below_even": float(np.mean(odds[~same] < 0)),
        "hold_out_fold": hold_out_fold, "numbers": settings.numbers, "seed": settings.seed,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return weights, figures
