"""How likely two neighbouring pieces of a drawing are one digit, from their geometry alone: a
small logistic regression over a handful of features, learned from pen digits laid out as
people write numbers (training/grouping_prior.py, `train_model.py --grouping-prior-only`).
Pure functions, numpy.

The recogniser weighs this prior against both readers' probabilities to decide the grouping
(digitpad.joining): log p(best | joined) + log prior(join) against log p(best | left)
+ log p(best | right) + log prior(apart).
"""

import json
import pathlib

import numpy as np

# The features of a pair of neighbouring pieces, left piece first (boxes are (left, top, right,
# bottom) in any one unit; members are the pieces' stroke indices, in drawing order).
FEATURE_NAMES = (
    "gap",  # horizontal gap between the boxes / the taller box's height (< 0: they overlap)
    "overlap",  # max(0, -gap): how far they overlap, a slope of its own (neighbouring digits
    # overlap a little at most; the stem of a 4 may cross its "L")
    "column_overlap",  # columns shared / the narrower box's width, in [-1, 1]
    "row_overlap",  # rows shared / the shorter box's height, in [-1, 1]
    "height_ratio",  # log(shorter height / taller height), <= 0 (the log ratios: see LOG_LIMIT)
    "width_ratio",  # log(narrower width / wider width), <= 0
    "joined_aspect",  # log(width / height) of the two boxes' union
    "slim_aspect",  # log(width / height) of the slimmer piece (a stem, a 1: far below 0)
    "broad_aspect",  # log(width / height) of the broader piece
    "strokes",  # strokes in the two pieces together, at most 4
    "in_sequence",  # 1 when one piece's strokes were drawn right after the other's, else 0
    "top_step",  # |difference of the tops| / the taller box's height (digits of a number stand
    "bottom_step",  # on one line; an open 4's "L" ends above its stem's foot, a 5's flag is short)
)


LOG_LIMIT = 1.5  # the log ratios are clipped to +-this (about 1 : 4.5): pen digits' pieces rarely go
# further, and a linear model must not extrapolate far past them (two perfectly upright 1s)


def pair_features(first_box, second_box, first_members=(), second_members=()) -> np.ndarray:
    """(len(FEATURE_NAMES),) float64 features of two neighbouring pieces (see FEATURE_NAMES)."""
    first_width, first_height = max(first_box[2] - first_box[0], 1e-6), max(first_box[3] - first_box[1], 1e-6)
    second_width, second_height = max(second_box[2] - second_box[0], 1e-6), max(second_box[3] - second_box[1], 1e-6)
    taller = max(first_height, second_height)
    columns = min(first_box[2], second_box[2]) - max(first_box[0], second_box[0])
    rows = min(first_box[3], second_box[3]) - max(first_box[1], second_box[1])
    union_width = max(first_box[2], second_box[2]) - min(first_box[0], second_box[0])
    union_height = max(first_box[3], second_box[3]) - min(first_box[1], second_box[1])
    in_sequence = 0.0
    if first_members and second_members:
        in_sequence = float(max(first_members) + 1 == min(second_members)
                            or max(second_members) + 1 == min(first_members))
    gap = (second_box[0] - first_box[2]) / taller
    return np.array([
        gap,
        max(0.0, -gap),
        np.clip(columns / min(first_width, second_width), -1.0, 1.0),
        np.clip(rows / min(first_height, second_height), -1.0, 1.0),
        max(np.log(min(first_height, second_height) / taller), -LOG_LIMIT),
        max(np.log(min(first_width, second_width) / max(first_width, second_width)), -LOG_LIMIT),
        np.clip(np.log(max(union_width, 1e-6) / max(union_height, 1e-6)), -LOG_LIMIT, LOG_LIMIT),
        np.clip(np.log(min(first_width / first_height, second_width / second_height)), -LOG_LIMIT, LOG_LIMIT),
        np.clip(np.log(max(first_width / first_height, second_width / second_height)), -LOG_LIMIT, LOG_LIMIT),
        min(len(first_members) + len(second_members), 4),
        in_sequence,
        abs(second_box[1] - first_box[1]) / taller,
        abs(second_box[3] - first_box[3]) / taller,
    ], np.float64)


def join_log_odds(features: np.ndarray, weights) -> np.ndarray:
    """(..., F) features, weights (F + 1,) (bias last) -> (...) log odds that the pair is one digit."""
    weights = np.asarray(weights, np.float64)
    features = np.asarray(features, np.float64)
    if weights.shape != (features.shape[-1] + 1,):
        raise ValueError(f"expected {features.shape[-1] + 1} prior weights (bias last), got shape {weights.shape}")
    return features @ weights[:-1] + weights[-1]


def log_join_apart(features: np.ndarray, weights, shift: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """(log prior(join), log prior(apart)) for (..., F) features: log sigmoid of +-the log odds,
    `shift` added to them."""
    odds = join_log_odds(features, weights) + shift
    return -np.logaddexp(0.0, -odds), -np.logaddexp(0.0, odds)


def save_prior(path: pathlib.Path, weights, figures: dict | None = None) -> None:
    """Write the prior's weights (bias last) as JSON, with how they were made (`figures`)."""
    weights = [float(weight) for weight in weights]
    if len(weights) != len(FEATURE_NAMES) + 1:
        raise ValueError(f"expected {len(FEATURE_NAMES) + 1} weights, got {len(weights)}")
    record = {"features": list(FEATURE_NAMES), "weights": weights, "figures": figures or {}}
    path = pathlib.Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(record, indent=2) + "\n")
    temporary.replace(path)


def load_prior(path: pathlib.Path) -> tuple[float, ...]:
    """The weights (bias last) of a prior file written by save_prior. ValueError, saying what is
    wrong, for a missing, unreadable or mismatched file."""
    try:
        record = json.loads(pathlib.Path(path).read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: cannot read the grouping prior ({error})") from None
    if not isinstance(record, dict) or record.get("features") != list(FEATURE_NAMES):
        raise ValueError(f"{path}: not a grouping prior for the features {', '.join(FEATURE_NAMES)}")
    weights = record.get("weights")
    if not isinstance(weights, list) or len(weights) != len(FEATURE_NAMES) + 1 \
            or not all(isinstance(weight, int | float) and np.isfinite(weight) for weight in weights):
        raise ValueError(f"{path}: expected {len(FEATURE_NAMES) + 1} finite weights")
    return tuple(float(weight) for weight in weights)
