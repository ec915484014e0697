"""Which neighbouring pieces of a drawing are one digit, decided by reading (issue 20). Pure
functions, numpy; the recogniser (Recognizer._read) does the reading.

The pieces, left to right (digitpad.grouping.PROPOSAL), are cut into runs of neighbours, one
digit per run. First, from geometry alone, plan_joins lists the runs worth reading joined and
joins their ink; the recogniser reads them together with the single pieces, in one model call.
Then choose_runs keeps the best cut, by dynamic programming over the sum, per digit, of
    log p(its best digit | its ink, both readers)
    [+ log(1 - q) for a digit of one piece: q the not-a-digit reader's probability that the
       piece is no digit, its odds shifted (log_a_digit; the "L" of an open 4 is no digit alone)]
    + prior weight x (log prior(join) of each cut inside it, between the ink on either side
                      + log prior(apart) of it and the digit to its right)
with the prior digitpad.join_prior's logistic regression on the pairs' geometry. The prior
always weighs whole parts: a 5's floating flag beside the next digit looks like a part of that
digit, the 5 beside it does not.
"""

import dataclasses

import cv2
import numpy as np

from digitpad import join_prior, preprocess

LEARNED_JOIN_BONUS = 1e3  # added to a run's score when a join the user taught decides it: always kept
NOT_DIGIT_FLOOR = 1e-4  # 1 - the not-a-digit reader's probability is floored here before its log
# (the reader is sure of odd ink far beyond what it has seen)


@dataclasses.dataclass
class JoinPlan:
    runs: list[tuple[int, int]]  # (first, end): pieces first..end-1 read as one digit
    pieces: list[preprocess.DigitInk]  # each run's ink joined, in the order of runs
    members: list[tuple[int, ...]]  # each run's stroke indices, sorted
    log_join: np.ndarray  # (pieces - 1,) log prior that pieces i and i + 1 are one digit
    log_apart: np.ndarray  # (pieces - 1,) log prior that they are two
    gaps: list[float]  # (pieces - 1,) gap between pieces i and i + 1 / the taller one's height
    run_log_join: list[float] | None = None  # per run, the sum over its cuts of the log prior that
    # the ink left of the cut and the ink right of it are one digit (None: log_join of its pieces)
    edge_log_apart: dict = dataclasses.field(default_factory=dict)  # (first, middle, end): the log
    # prior that run first..middle-1 and run middle..end-1 are two digits, where either run is
    # of several pieces (missing: log_apart of the pieces at the cut)


def plan_joins(pieces, members, settings, prior, learned_joins: bool) -> JoinPlan | None:
    """The runs of 2 to settings.max_join_run neighbouring pieces (DigitInk, left to right;
    members: their stroke indices) worth reading as one digit, or None when there are none:
    every pair in the run closer than max_join_gap x its height and given a prior of joining of
    at least min_join_prior (or, when the user taught joins, closer than learned_join_gap), the run's ink
    no wider than max_joined_aspect x its height. `settings`: RecognitionSettings; `prior`: the
    weights of digitpad.join_prior."""
    count = len(pieces)
    if count < 2:
        return None
    features = np.stack([join_prior.pair_features(pieces[index].box, pieces[index + 1].box, members[index],
                                                  members[index + 1]) for index in range(count - 1)])
    log_join, log_apart = join_prior.log_join_apart(features, prior, settings.join_prior_odds)
    gaps = [float(feature[join_prior.FEATURE_NAMES.index("gap")]) for feature in features]
    joinable = [(gap < settings.max_join_gap and log_join[index] >= np.log(settings.min_join_prior))
                or (learned_joins and gap < settings.learned_join_gap) for index, gap in enumerate(gaps)]
    runs = []
    for first in range(count - 1):
        for end in range(first + 2, min(count, first + settings.max_join_run) + 1):
            if not joinable[end - 2]:
                break
            left, top, right, bottom = preprocess.union_box([piece.box for piece in pieces[first:end]])
            if right - left <= settings.max_joined_aspect * (bottom - top):
                runs.append((first, end))
    if not runs:
        return None
    joined, joined_members = [], []
    for first, end in runs:
        piece = pieces[first]
        for other in pieces[first + 1 : end]:
            piece = preprocess.join(piece, other)
        joined.append(piece)
        joined_members.append(tuple(sorted(index for group in members[first:end] for index in group)))
    run_log_join, edge_log_apart = _part_priors(pieces, members, runs, prior, settings.join_prior_odds)
    return JoinPlan(runs, joined, joined_members, log_join, log_apart, gaps, run_log_join, edge_log_apart)


def _part_priors(pieces, members, runs, prior, shift):
    """(per run, the sum of log prior(join) over its cuts; {(first, middle, end): log
    prior(apart)} for each run of several pieces and each run or piece beside it), each pair
    of parts judged by their whole ink boxes and strokes (see JoinPlan)."""

    def part(first, end):
        return (preprocess.union_box([piece.box for piece in pieces[first:end]]),
                tuple(sorted(index for group in members[first:end] for index in group)))

    spans = [(index, index + 1) for index in range(len(pieces))] + list(runs)
    pairs = [(first, end, cut) for first, end in runs for cut in range(first + 1, end)]  # cuts inside runs
    edges = [(left[0], left[1], right[1]) for left in spans for right in spans
             if left[1] == right[0] and (left[1] - left[0] > 1 or right[1] - right[0] > 1)]
    wanted = [(first, cut, end) for first, end, cut in pairs] + edges
    if not wanted:
        return [], {}
    features = np.stack([_pair(part(first, cut), part(cut, end)) for first, cut, end in wanted])
    log_join, log_apart = join_prior.log_join_apart(features, prior, shift)
    inside = log_join[: len(pairs)]
    run_log_join = [float(sum(inside[number] for number, (first, end, _) in enumerate(pairs) if (first, end) == run))
                    for run in runs]
    edge_log_apart = {edge: float(value) for edge, value in zip(edges, log_apart[len(pairs) :], strict=True)}
    return run_log_join, edge_log_apart


def _pair(left, right):
    """pair_features of two parts, each (box, stroke indices)."""
    return join_prior.pair_features(left[0], right[0], left[1], right[1])


def of_a_size(first, second, part_size: float) -> bool:
    """Whether neither of two pieces is much smaller than the other (under part_size x its
    width or height)."""
    return min(first.width, second.width) >= part_size * max(first.width, second.width) \
        and min(first.height, second.height) >= part_size * max(first.height, second.height)


def row_extents(piece) -> dict[int, tuple[int, int]]:
    """{canvas row: (leftmost, rightmost + 1) ink column in it} of a DigitInk."""
    rows = np.flatnonzero(piece.mask.any(axis=1))
    if not len(rows):
        return {}
    inked = piece.mask[rows] > 0
    width = inked.shape[1]
    left = inked.argmax(axis=1)
    right = width - inked[:, ::-1].argmax(axis=1)
    top, start = piece.box[1], piece.box[0]
    return {int(top + row): (int(start + a), int(start + b)) for row, a, b in zip(rows, left, right, strict=True)}


def ink_gap(first, second) -> float:
    """The shortest distance, in canvas pixels, between the ink of two DigitInk pieces (0 where
    they touch), over the box holding both."""
    left, top, right, bottom = preprocess.union_box([first.box, second.box])
    planes = []
    for piece in (first, second):
        plane = np.zeros((bottom - top, right - left), np.uint8)
        x, y = piece.box[0] - left, piece.box[1] - top
        plane[y : y + piece.mask.shape[0], x : x + piece.mask.shape[1]] = piece.mask > 0
        planes.append(plane)
    if not planes[0].any() or not planes[1].any():
        return float("inf")
    outside = np.where(planes[0] > 0, 0, 255).astype(np.uint8)  # 0 on the first piece's ink
    distance = cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    return float(distance[planes[1] > 0].min())


def overlapping(pieces, limit: float, near: float = 0.0) -> list[bool]:
    """Whether each piece (DigitInk, left to right) overlaps a neighbour: their ink boxes overlap
    by more than limit x the taller one's height, and either on some row both have ink the right
    one's begins that far left of where the left one's ends, or their ink comes within near x
    that height. Boxes alone would flag a 4 whose "L" leans under the 7 before it with a clear
    gap on every row; a letter's pieces reach into each other or nearly touch."""
    flags = [False] * len(pieces)
    for index, (first, second) in enumerate(zip(pieces, pieces[1:], strict=False)):
        height = max(first.height, second.height, 1)
        if first.box[2] - second.box[0] <= limit * height:
            continue  # most pairs, on every stroke end: the rows are only looked at when boxes overlap
        left, right = row_extents(first), row_extents(second)
        reach = max((left[row][1] - right[row][0] for row in left.keys() & right.keys()), default=-np.inf)
        if reach > limit * height or ink_gap(first, second) <= near * height:
            flags[index] = flags[index + 1] = True
    return flags


def _dense_path(stroke, spacing: float) -> np.ndarray:
    """(n, 2) float points along a Stroke's centre line, at most `spacing` canvas pixels apart."""
    points = np.asarray(stroke.points, np.float64).reshape(-1, 2)
    if len(points) < 2:
        return points
    along = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
    steps = np.linspace(0.0, along[-1], max(2, int(np.ceil(along[-1] / spacing)) + 1))
    return np.column_stack([np.interp(steps, along, points[:, 0]), np.interp(steps, along, points[:, 1])])


def paths_meeting(groups, within: float) -> list[bool]:
    """Whether each digit's pen paths meet a neighbour's: groups, left to right, each a list of
    its ink Strokes (canvas pixels; [] when not known, e.g. a picture); two neighbours meet when
    some point of the centre line of one comes within `within` x the narrower brush of the
    other's. The strokes of one letter meet (a V of two strokes read 11, an N read 111); the
    digits of a number, even written tight, keep their paths a brush width or more apart
    (bench/README). within <= 0: never."""
    flags = [False] * len(groups)
    if within <= 0:
        return flags
    for index, (first, second) in enumerate(zip(groups, groups[1:], strict=False)):
        if not first or not second:
            continue
        reach = within * min(stroke.width for stroke in (*first, *second))
        paths = [np.concatenate([_dense_path(stroke, max(reach / 2, 0.5)) for stroke in group]) for group in
                 (first, second)]
        low = np.maximum(paths[0].min(axis=0), paths[1].min(axis=0)) - reach
        high = np.minimum(paths[0].max(axis=0), paths[1].max(axis=0)) + reach
        if np.any(low > high):
            continue  # their boxes, grown by the reach, do not meet: most pairs
        near = [path[np.all((path >= low) & (path <= high), axis=1)] for path in paths]
        if not len(near[0]) or not len(near[1]):
            continue
        distances = np.linalg.norm(near[0][:, None, :] - near[1][None, :, :], axis=2)
        if distances.min() <= reach:
            flags[index] = flags[index + 1] = True
    return flags


def log_a_digit(chances, weight: float, odds: float = 0.0) -> list[float]:
    """weight x log(1 - q) for each piece's probability p of being no digit (the not-a-digit
    reader's), q that probability with `odds` added to its log odds (1 - p floored at
    NOT_DIGIT_FLOOR first): added to a single piece's score for choose_runs, so that ink which
    is no digit alone (the "L" of an open 4 beside its stem) joins its neighbour. The recogniser
    adds it to pieces alone only, not to runs read joined (Recognizer._join_by_reading)."""
    scores = []
    for chance in chances:
        chance = min(max(float(chance), 0.0), 1.0 - NOT_DIGIT_FLOOR)
        if chance <= 0.0:
            scores.append(0.0)
            continue
        log_odds = np.log(chance) - np.log1p(-chance) + odds
        scores.append(-weight * float(np.logaddexp(0.0, log_odds)))  # log(1 - q) = -softplus(log odds)
    return scores


def choose_runs(plan: JoinPlan, pieces, single_scores, joined_scores, taught_shares, settings) -> list:
    """The best cut of the pieces into runs -> [(first, end)], left to right, each run one digit.
    single_scores[i]: log p(best digit) of piece i alone (already lowered for a piece not shaped
    like a digit); joined_scores[k], taught_shares[k]: the same for plan.runs[k] joined, and how
    far a join the user taught decides its reading (with its best probability, log, at least
    log settings.confident: always kept). Two pieces of a size both read confidently are joined
    only when their columns overlap by more than sure_apart_overlap x their height (the readers
    are overconfident on odd joined ink), and pieces that all read confidently alone are never
    joined across a gap of max_join_gap or more (read joined only because a join was taught,
    learned_join_gap: a 6 and a 1 beside it once read as the "L" and stem of the 4 taught)."""
    count = len(pieces)
    sure = [score >= np.log(settings.confident) for score in single_scores]
    kept_apart = [plan.gaps[index] > -settings.sure_apart_overlap and sure[index] and sure[index + 1]
                  and of_a_size(pieces[index], pieces[index + 1], settings.part_size) for index in range(count - 1)]
    weight = settings.join_prior_weight
    scores = {(index, index + 1): float(score) for index, score in enumerate(single_scores)}
    for number, ((first, end), score, share) in enumerate(zip(plan.runs, joined_scores, taught_shares, strict=True)):
        if all(sure[first:end]) and max(plan.gaps[first : end - 1]) >= settings.max_join_gap:
            continue  # as far apart as digits, and each a sure digit alone: two digits, whatever was taught
        learned = share >= settings.learned_join_share and score >= np.log(settings.confident)
        if any(kept_apart[first : end - 1]) and not learned:
            continue
        inside = plan.run_log_join[number] if plan.run_log_join else float(plan.log_join[first : end - 1].sum())
        scores[first, end] = float(score) + weight * inside + (LEARNED_JOIN_BONUS if learned else 0.0)

    def apart(first, middle, end):
        """log prior(apart) of run first..middle-1 and run middle..end-1."""
        return plan.edge_log_apart.get((first, middle, end), float(plan.log_apart[middle - 1]))

    # best[run]: (score of the best cut of pieces[:run's end] that ends with that run, the run before it)
    best = {}
    for end in range(1, count + 1):
        for first in range(max(0, end - settings.max_join_run), end):
            if (first, end) not in scores:
                continue
            if not first:
                best[first, end] = (scores[first, end], None)
                continue
            options = [(best[previous][0] + weight * apart(previous[0], first, end), previous)
                       for previous in best if previous[1] == first]
            if options:
                score, previous = max(options)
                best[first, end] = (score + scores[first, end], previous)
    run = max((run for run in best if run[1] == count), key=lambda run: best[run][0])
    chosen = []
    while run is not None:
        chosen.append(run)
        run = best[run][1]
    return chosen[::-1]
