"""From strokes or pictures to a recognised number: preprocessing, the model and the verdict."""

import concurrent.futures
import dataclasses
import math

import cv2
import numpy as np

from digitpad import grouping, ink, join_prior, joining, path_shape, preprocess, resources
from digitpad.drawing import Stroke
from digitpad.settings import RecognitionSettings
from digitpad.stroke_features import strokes_to_sequence


@dataclasses.dataclass(frozen=True)
class DigitResult:
    digit: int  # the most probable digit
    confidence: float  # its probability
    probabilities: tuple[float, ...]  # probability of each of 0-9
    image: np.ndarray  # (28, 28) float32, what the model saw
    sure: bool  # confident enough, and shaped like a digit
    doubt: str = ""  # why it is not sure, in a few words (see the reasons below); "" when sure
    strokes: tuple[int, ...] = ()  # indices, into the strokes recognised, of this digit's ink
    # strokes in drawing order (erasers are in no digit); () when read from a mask or a picture
    picture_probabilities: tuple[float, ...] = ()  # the image model's reading (taught samples
    # applied), before the stroke model's is combined with it; () when not given
    stroke_probabilities: tuple[float, ...] = ()  # the stroke model's reading; () when it did not read this digit
    not_digit: float = 0.0  # the not-a-digit reader's probability that this ink is no digit; 0
    # when it was not asked (no reader, a shape doubt, a taught digit had a say)


# Why a digit or a number is "not sure": each says in a few words which check failed.
TOO_MANY_DIGITS = "too many digits: at most {limit}"  # more pieces than max_digits
JUST_A_DOT = "just a dot"  # too small to read, and hardly longer than the pen is wide
TOO_SMALL = "too small to read"  # ink box under min_digit_size of the canvas
TOO_MUCH_INK = "too much ink"  # max_ink_fraction
SOLID_PATCH = "solid patch, not strokes"  # max_ink_depth or max_stroke_share
STROKES_TOO_LONG = "scribble: strokes too long"  # max_ink_length
TOO_MANY_HOLES = "scribble: too many holes"  # max_holes
NOT_A_DIGIT = "not a digit"  # the not-a-digit reader (digitpad/nondigit.py) says so: above not_digit_above
OVERLAPPING = "overlaps the digit beside it"  # neighbours overlap (joining.overlapping: max_overlap, overlap_near)
LOW_CONFIDENCE = "low confidence ({percent}%)"  # below `confident`; the percentage is rounded down,
# so a value just under 80 % never reads "80%" (low_confidence)


def whole_percent(probability: float) -> int:
    """A probability in [0, 1] as a whole percentage, rounded down (0.7999 -> 79, never 80), as
    every percentage of a reading is shown, so that one probability never shows as two numbers
    (the float error of 0.29 x 100 = 28.999... is rounded away first)."""
    return math.floor(round(float(probability) * 100, 6))


def percent_text(probability: float) -> str:
    """"62%": a probability as the panel and `predict` show it (whole_percent)."""
    return f"{whole_percent(probability)}%"


def low_confidence(confidence: float) -> str:
    """The LOW_CONFIDENCE doubt of a probability in [0, 1], its percentage rounded down."""
    return LOW_CONFIDENCE.format(percent=whole_percent(confidence))


@dataclasses.dataclass(frozen=True)
class Result:
    digits: tuple[DigitResult, ...] = ()  # left to right
    scribble: bool = False  # too many pieces to be a number (`digits` holds the first max_digits)
    scribble_reason: str = ""  # why it is a scribble, e.g. "too many digits: at most 12"
    strokes: tuple = ()  # the strokes read (drawings; digitpad.drawing.Stroke): DigitResult.strokes index these

    @property
    def text(self) -> str:
        """The number read, best guesses included; "" for an empty canvas."""
        return "".join(str(digit.digit) for digit in self.digits)

    @property
    def sure(self) -> bool:
        return bool(self.digits) and not self.scribble and all(digit.sure for digit in self.digits)

    @property
    def doubt(self) -> str:
        """Why the number is not sure, in a few words; "" when it is sure or empty. With several
        digits, names the first doubtful one: "digit 3: low confidence (62%)"."""
        if self.scribble:
            return self.scribble_reason or "not a number"
        index = self.doubtful_index
        if index is None:
            return ""
        reason = self.digits[index].doubt or "not sure"
        return reason if len(self.digits) == 1 else f"digit {index + 1}: {reason}"

    @property
    def doubtful_index(self) -> int | None:
        """The digit `doubt` names: the first that is not sure; None when every digit is."""
        return next((index for index, digit in enumerate(self.digits) if not digit.sure), None)

    @property
    def judged_by_confidence(self) -> bool:
        """Whether confidence is what makes this result sure or not: no digit doubted for its
        shape (a dot, ink that is not a digit, ...) and not a scribble. Otherwise a percentage
        says nothing of the ink, and the panel and `predict` show none."""
        return not self.scribble and all(not digit.doubt or digit.doubt.startswith(LOW_CONFIDENCE.split("{")[0])
                                         for digit in self.digits)

    @property
    def confidence(self) -> float:
        """Probability that every digit is right (their product); 0 for an empty result."""
        if not self.digits:
            return 0.0
        return float(np.prod([digit.confidence for digit in self.digits]))

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "sure": self.sure,
            "doubt": self.doubt,
            "confidence": round(self.confidence, 4),
            "digits": [
                {"digit": d.digit, "confidence": round(d.confidence, 4), "doubt": d.doubt,
                 "probabilities": [round(p, 4) for p in d.probabilities]}
                for d in self.digits
            ],
        }


EMPTY = Result()

PROBABILITY_FLOOR = 1e-7  # probabilities are floored here before the log of combine_readings


def _shipped_join_prior():
    """The weights of the shipped grouping prior (model/grouping-prior.json), or None when the
    file cannot be read (the hand-set join rules then decide)."""
    try:
        return join_prior.load_prior(resources.grouping_prior_path())
    except ValueError:
        return None


def combine_readings(image: np.ndarray, strokes: np.ndarray, stroke_weight: float) -> np.ndarray:
    """(..., 10) image-model and stroke-model probabilities of the same digits -> (..., 10)
    float32: softmax((1 - w) log p_image + w log p_strokes), a weighted product of the two
    readings, renormalised. w = 0 gives the image's reading, w = 1 the strokes'."""
    if not 0.0 <= stroke_weight <= 1.0:
        raise ValueError(f"stroke_weight must be in [0, 1], got {stroke_weight}")
    image, strokes = np.asarray(image, np.float64), np.asarray(strokes, np.float64)
    if image.shape != strokes.shape or image.shape[-1:] != (10,):
        raise ValueError(f"expected two (..., 10) arrays of the same shape, got {image.shape} and {strokes.shape}")
    logits = (1 - stroke_weight) * np.log(np.maximum(image, PROBABILITY_FLOOR)) \
        + stroke_weight * np.log(np.maximum(strokes, PROBABILITY_FLOOR))
    logits -= logits.max(axis=-1, keepdims=True)
    weights = np.exp(logits)
    return (weights / weights.sum(axis=-1, keepdims=True)).astype(np.float32)


def touched_by_eraser(ink_strokes, erasers) -> bool:
    """Whether any eraser stroke comes near the ink strokes' box (each widened by half its
    stroke's width): then the ink the user sees is not the pen path the strokes describe."""
    if not ink_strokes or not erasers:
        return False

    def box(stroke):
        points = np.asarray(stroke.points, np.float64).reshape(-1, 2)
        reach = stroke.width / 2
        return points.min(axis=0) - reach, points.max(axis=0) + reach

    ink_boxes = [box(stroke) for stroke in ink_strokes]
    low = np.min([low for low, _ in ink_boxes], axis=0)
    high = np.max([high for _, high in ink_boxes], axis=0)
    for eraser in erasers:
        eraser_low, eraser_high = box(eraser)
        if np.all(eraser_low <= high) and np.all(eraser_high >= low):
            return True
    return False


def _join_shown(first, second, first_shown, second_shown):
    """The shown ink of two pieces joined (see preprocess.join), or None without it."""
    if first_shown is None or second_shown is None:
        return None
    return preprocess.join(preprocess.DigitInk(first_shown, first.box),
                           preprocess.DigitInk(second_shown, second.box)).mask


def _region(image, box):
    """image[box] for box (left, top, right, bottom), or None without an image."""
    if image is None:
        return None
    left, top, right, bottom = box
    return image[top:bottom, left:right]


class Recognizer:
    """Reads ink masks, strokes or pictures with one model and one set of settings; drawn
    digits, whose strokes are known, also with a stroke reader when given one."""

    def __init__(self, model, settings: RecognitionSettings = RecognitionSettings(), strokes=None, nondigit=None):
        self.model = model  # the image reader: anything with predict((N, 28, 28)) -> (N, 10)
        self.strokes = strokes  # the stroke reader (digitpad.stroke_reader.StrokeReader): anything
        # with predict(list of digits, each a list of Strokes) -> (N, 10); None: pictures of ink only
        self.nondigit = nondigit  # the not-a-digit reader (digitpad.nondigit.NonDigitReader) of this
        # model's features, or None: then no ink is called "not a digit"
        self.settings = settings
        # The model runs on this thread while the caller's thread checks the ink's shape: both
        # spend their time in native code that releases the GIL, so on two cores they overlap.
        self.inference = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="inference")
        # the geometric prior of joining by reading (digitpad.joining): weights of digitpad.join_prior
        # (settings.join_prior, or the shipped file); None (the file cannot be read): the
        # hand-set join rules decide instead
        self.join_prior = tuple(settings.join_prior) or _shipped_join_prior()

    def recognise_mask(self, mask: np.ndarray, shown: np.ndarray | None = None, min_side: float = 0.0) -> Result:
        """Ink mask (H, W) uint8, 1 = ink -> Result. `shown`, same shape, is the ink as the
        user sees it when the mask was drawn with another brush (see strokes_to_mask); it
        tells a patch coloured in solid from strokes. A digit whose ink box is shorter than
        `min_side` pixels on its longest side is too small to read (recognise_strokes sets it
        from the canvas; a picture's digits may be any size, so pictures have none). The ink
        is split into digits by its geometry alone (preprocess.split_digits)."""
        settings = self.settings.preprocess
        pieces = preprocess.split_digits(mask, settings) if np.count_nonzero(mask) >= settings.min_ink_pixels else []
        return self._read(pieces, [_region(shown, piece.box) for piece in pieces], min_side)

    def _read(self, pieces, shown, min_side, members=None, strokes=None, join: bool = True) -> Result:
        """Digits' ink (DigitInk, left to right) -> Result. shown[i]: piece i's ink as the user
        sees it, cropped to its box (or None); members[i]: the indices of piece i's strokes
        into `strokes`, the strokes drawn (None for masks and pictures). join=False keeps the
        pieces as they are (a grouping the user gave, see recognise_strokes)."""
        if not pieces:
            return EMPTY
        members = list(members) if members is not None else [() for _ in pieces]
        shown = list(shown)
        limit = self.settings.max_digits
        scribble = TOO_MANY_DIGITS.format(limit=limit) if len(pieces) > limit else ""
        pieces, shown, members = list(pieces[:limit]), shown[:limit], members[:limit]
        settings = self.settings.preprocess
        images = [preprocess.digit_to_mnist(piece.mask, settings) for piece in pieces]
        # joining by reading: the runs of pieces worth reading joined, read in the same model call
        learned_joins = bool(getattr(self.model, "joins_taught", 0))  # a correction joined pieces before
        by_reading = join and self.joins_by_reading and strokes is not None  # drawings: the prior learned strokes
        plan = joining.plan_joins(pieces, members, self.settings, self.join_prior, learned_joins) \
            if by_reading else None
        joined_images = [preprocess.digit_to_mnist(piece.mask, settings) for piece in plan.pieces] if plan else []
        predicted = self.inference.submit(self._predict, np.stack(images + joined_images),
                                          learned_joins and plan is not None)
        # meanwhile, on this thread, the shape of each piece (joined pieces are checked again below)
        originals = list(pieces)  # kept alive, so no joined piece can take an original's id
        verdicts = {id(piece): self._shape_doubt(image, piece.mask, solid, min_side)
                    for image, piece, solid in zip(images, pieces, shown, strict=True)}
        # and the stroke reader's reading of each piece's strokes (kept by their indices), and of the runs
        joined_members = plan.members if plan else []
        stroke_readings = self._read_strokes(members + joined_members, strokes,
                                             [verdicts[id(piece)] for piece in pieces] + [""] * len(joined_members), {})
        read, found, taught_shares = predicted.result()
        probabilities, evidence = list(read[: len(pieces)]), list(found[: len(pieces)])
        chances_known = {}  # stroke indices of a piece -> the not-a-digit reader's probability, when asked
        if plan is not None:
            chances_known = self._join_by_reading(plan, pieces, images, probabilities, shown, members, verdicts,
                                                  stroke_readings, joined_images, read[len(pieces) :],
                                                  taught_shares[len(pieces) :], evidence, found[len(pieces) :],
                                                  strokes)
        elif join and not by_reading:  # pictures, or no prior: the hand-set joins
            self._join_close_pieces(pieces, images, probabilities, shown, members, evidence)
        doubts = [verdicts[id(piece)] if any(piece is original for original in originals)
                  else self._shape_doubt(image, piece.mask, solid, min_side)  # joined
                  for image, piece, solid in zip(images, pieces, shown, strict=True)]
        stroke_readings = self._read_strokes(members, strokes, doubts, stroke_readings)  # joined pieces
        weight = self.settings.stroke_weight
        pictures = list(probabilities)
        probabilities = [combine_readings(row, stroke_readings[group], weight)
                         if group in stroke_readings and not doubt else row
                         for row, group, doubt in zip(probabilities, members, doubts, strict=True)]
        readings = [(tuple(map(float, picture)), tuple(map(float, stroke_readings.get(group, ()))))
                    for picture, group in zip(pictures, members, strict=True)]
        doubts, chances = self._not_digit_doubts(doubts, evidence, [stroke_readings.get(group) for group in members],
                                                 members, strokes, chances_known)
        if join:  # not a grouping the user gave; nor pieces a taught digit had a say in
            taught = [found is not None and bool(found[2]) for found in evidence]
            overlaps = joining.overlapping(pieces, self.settings.max_overlap, self.settings.overlap_near)
            meeting = joining.paths_meeting(self._pen_paths(members, strokes), self.settings.paths_meet)
            overlaps = [overlap or meets for overlap, meets in zip(overlaps, meeting, strict=True)]
            doubts = [OVERLAPPING if overlapping and not doubt and not decided else doubt
                      for overlapping, doubt, decided in zip(overlaps, doubts, taught, strict=True)]
        return self._result(images, probabilities, scribble, doubts, members, readings, chances)

    def _predict(self, images, learned_joins: bool = False):
        """(N, 28, 28) -> ((N, 10) probabilities, N pieces of evidence for the not-a-digit reader
        (features (F,), the model's own probabilities (10,), whether a taught digit had a say,
        the pooled maps (2C,) or None), or None each without a reader or without features; (N,)
        how far a digit the user joined by a correction decides each reading, 0 each unless
        `learned_joins`)."""
        count = len(images)
        wants_evidence = self.nondigit is not None and hasattr(self.model, "predict_with_features")
        if not wants_evidence and not learned_joins:
            return np.asarray(self.model.predict(images)), [None] * count, np.zeros(count)
        if hasattr(self.model, "predict_with_evidence"):  # adaptation.AdaptedModel
            probabilities, own, features, taught, pools = self.model.predict_with_evidence(images, wants_evidence)
        elif wants_evidence and hasattr(self.model, "predict_with_pooled"):  # digitpad.model.DigitModel
            probabilities, features, pools = self.model.predict_with_pooled(images)
            own, taught = probabilities, np.zeros(count, bool)
        else:
            (probabilities, features), pools = self.model.predict_with_features(images), None
            own, taught = probabilities, np.zeros(count, bool)
        shares = np.zeros(count)
        if learned_joins and features is not None:
            shares = np.asarray(self.model.join_shares(features), np.float64)
        if not wants_evidence or features is None:
            return np.asarray(probabilities), [None] * count, shares
        pools = [None] * count if pools is None else list(pools)
        return np.asarray(probabilities), list(zip(features, own, taught, pools, strict=True)), shares

    def _not_digit_doubts(self, doubts, evidence, stroke_readings, members, strokes,
                          known: dict | None = None) -> tuple[list[str], list[float]]:
        """(doubts with NOT_A_DIGIT for each piece shaped like a digit that the not-a-digit
        reader calls no digit, above settings.not_digit_above; the reader's probability for each
        piece, 0 where it was not asked). `known`: {a piece's stroke indices: its probability},
        already read when joining (_join_by_reading), not read again. The rest as for
        _not_digit_chances."""
        asked = [index for index, doubt in enumerate(doubts) if not doubt]
        known = known or {}  # its keys are pieces' stroke indices, never () (a mask's piece)
        unread = [index for index in asked if members[index] not in known]
        chances = [known.get(members[index], 0.0) if not doubt else 0.0 for index, doubt in enumerate(doubts)]
        read = self._not_digit_chances([evidence[index] for index in unread],
                                       [stroke_readings[index] for index in unread],
                                       [members[index] for index in unread], strokes)
        for index, chance in zip(unread, read, strict=True):
            chances[index] = chance
        doubts = list(doubts)
        for index in asked:
            if chances[index] > self.settings.not_digit_above:
                doubts[index] = NOT_A_DIGIT
        return doubts, chances

    def _not_digit_chances(self, evidence, stroke_readings, members, strokes) -> list[float]:
        """The not-a-digit reader's probability of each piece; 0 for a piece without evidence
        and for one a taught digit had a say in (a digit: the user said so). evidence[i]: from
        _predict, or None; stroke_readings[i]: the stroke model's (10,) of piece i, or None (no
        pen path read); members[i]: piece i's indices into `strokes`, whose pen path's turns the
        reader also weighs where the stroke model read it (digitpad.path_shape), with the pooled
        maps in evidence[i] (None: zeros, for a test's model without them)."""
        chances = [0.0] * len(evidence)
        asked = [index for index, found in enumerate(evidence) if found is not None and not found[2]]
        if not asked or self.nondigit is None:
            return chances
        features = np.stack([evidence[index][0] for index in asked])
        own = np.stack([evidence[index][1] for index in asked])
        known = np.array([stroke_readings[index] is not None for index in asked])
        strokes_read = np.stack([stroke_readings[index] if stroke_readings[index] is not None else evidence[index][1]
                                 for index in asked])
        shapes = np.zeros((len(asked), len(path_shape.NAMES)), np.float32)
        for row, index in enumerate(asked):
            if known[row]:  # the stroke model read members[index]'s ink strokes
                ink = [strokes[member] for member in members[index] if not strokes[member].erase]
                shapes[row] = path_shape.path_shapes(strokes_to_sequence(ink)[None])[0]
        pooled = None
        if all(evidence[index][3] is not None for index in asked):
            pooled = np.stack([evidence[index][3] for index in asked])
        read = self.nondigit.probability(features, own, strokes_read, known, shapes, pooled)
        for index, chance in zip(asked, read, strict=True):
            chances[index] = float(chance)
        return chances

    @staticmethod
    def _pen_paths(members, strokes) -> list[list]:
        """Each digit's ink Strokes, as drawn: [] without strokes (masks, pictures) and for a digit
        the eraser touched (its pen path no longer says where its ink is)."""
        if not strokes:
            return [[] for _ in members]
        erasers = [(index, stroke) for index, stroke in enumerate(strokes) if stroke.erase]
        paths = []
        for group in members:
            ink = [strokes[index] for index in group if not strokes[index].erase]
            later = [eraser for index, eraser in erasers if group and index > group[0]]
            paths.append([] if not ink or touched_by_eraser(ink, later) else ink)
        return paths

    def _read_strokes(self, members, strokes, doubts, known: dict) -> dict:
        """{indices of a digit's strokes: (10,) the stroke reader's probabilities} for each digit
        in `members` the stroke reader reads, those in `known` (the same kind of dict) not read
        again. Its reading is combined with the image's (combine_readings, weight
        settings.stroke_weight). The image alone stands for a digit touched by the eraser (its
        strokes no longer say what the user sees), for ink not shaped like a digit (doubts[i]
        says why; a scribble's long path is costly to read and is no digit either way), and for
        all digits without a stroke reader, without strokes (masks, pictures) or with a weight
        of 0. Joining by reading (digitpad.joining) scores its candidates with both readings;
        the hand-set join rules (_join_close_pieces) with the image's alone."""
        if self.strokes is None or not self.settings.stroke_weight or strokes is None:
            return known
        readable = {group: ink for group, doubt, ink in zip(members, doubts, self._pen_paths(members, strokes),
                                                            strict=True)
                    if not doubt and group and group not in known and ink}
        if not readable:
            return known
        return known | dict(zip(readable, self.strokes.predict(list(readable.values())), strict=True))

    def close(self) -> None:
        """Let the inference thread go (it also ends by itself when the program exits)."""
        self.inference.shutdown(wait=False)

    def _shape_doubt(self, image, mask=None, shown=None, min_side: float = 0.0) -> str:
        """Why the ink is not shaped like a digit (one of the reasons at the top), or "" when it
        is. Judged on the 28x28 input `image` (too much or too deep ink) and, when the digit's
        ink `mask` is known: its size against `min_side` pixels (too small; just a dot when it
        is hardly longer than its strokes are wide), strokes too long or too criss-crossed, or
        (judged on the ink as `shown`, if given) too wide for one digit. See the settings."""
        settings = self.settings
        if mask is not None and max(mask.shape) < min_side:
            # a dot: its box is hardly longer than its stroke is wide (max_dot_extent)
            dot = max(mask.shape) < settings.max_dot_extent * preprocess.estimate_stroke_width(mask)
            return JUST_A_DOT if dot else TOO_SMALL
        if float(image.mean()) > settings.max_ink_fraction:
            return TOO_MUCH_INK
        if preprocess.ink_depth(image) > settings.max_ink_depth:
            return SOLID_PATCH
        if mask is None:
            return ""
        length, holes = preprocess.outline_measures(mask)
        if length > settings.max_ink_length:
            return STROKES_TOO_LONG
        if holes > settings.max_holes:
            return TOO_MANY_HOLES
        solid = shown if shown is not None and shown.any() else mask
        return SOLID_PATCH if preprocess.stroke_share(solid) > settings.max_stroke_share else ""

    @property
    def joins_by_reading(self) -> bool:
        """Whether neighbouring pieces are joined by reading (else by the hand-set rules)."""
        return self.settings.join_by_reading and self.join_prior is not None

    def _join_by_reading(self, plan, pieces, images, probabilities, shown, members, verdicts, stroke_readings,
                         joined_images, joined_probabilities, taught_shares, evidence, joined_evidence,
                         strokes) -> dict:
        """Segmentation by reading (digitpad.joining): of the runs `plan` lists, read joined
        (joined_images, and the image model's joined_probabilities and taught_shares), keep the best cut of the
        pieces into digits. Both readers count (stroke_readings, by stroke indices); a piece not
        shaped like a digit alone (verdicts, by id: too small, a dot, ...) reads at
        settings.doubt_factor x its probability, and each piece alone at (1 - q) ** w x its
        probability, q the not-a-digit reader's probability with its log odds shifted by
        settings.not_digit_join_odds, w settings.not_digit_join_weight: the "L" of an open 4 is
        no digit alone. Runs read joined are judged by the readers and the prior alone (the
        not-a-digit reader calls many a real 5 of a tight number 0.9 "not a digit" with its
        flag, and the flag then joined the digit beside it). Lists are changed in place, as by
        _join_close_pieces. Returns {stroke indices of each piece the not-a-digit reader read:
        its probability}."""
        settings = self.settings

        def score(row, group):
            """log p(best digit) of an image reading `row`, with its strokes' when read."""
            known = stroke_readings.get(group)
            row = row if known is None else combine_readings(row, known, settings.stroke_weight)
            return float(np.log(max(float(row.max()), PROBABILITY_FLOOR)))

        single = [score(row, group) + (np.log(settings.doubt_factor) if verdicts[id(piece)] else 0.0)
                  for row, group, piece in zip(probabilities, members, pieces, strict=True)]
        joined = [score(row, group) for row, group in zip(joined_probabilities, plan.members, strict=True)]
        known = {}
        if settings.not_digit_join_weight and self.nondigit is not None:  # each piece alone, not the runs
            found = [None if verdicts[id(piece)] else found for piece, found in zip(pieces, evidence, strict=True)]
            chances = self._not_digit_chances(found, [stroke_readings.get(group) for group in members], members,
                                              strokes)
            single = [score + penalty for score, penalty in zip(single, joining.log_a_digit(
                chances, settings.not_digit_join_weight, settings.not_digit_join_odds), strict=True)]
            known = {group: chance for group, chance in zip(members, chances, strict=True) if group}
        chosen = joining.choose_runs(plan, pieces, single, joined, taught_shares, settings)
        number_of = {run: number for number, run in enumerate(plan.runs)}
        for first, end in reversed(chosen):  # right to left, so earlier indices stay put
            if end - first < 2:
                continue
            number = number_of[first, end]
            joined_piece, joined_shown = pieces[first], shown[first]
            for index in range(first + 1, end):
                joined_shown = _join_shown(joined_piece, pieces[index], joined_shown, shown[index])
                joined_piece = preprocess.join(joined_piece, pieces[index])
            pieces[first:end] = [plan.pieces[number]]
            images[first:end] = [joined_images[number]]
            probabilities[first:end] = [joined_probabilities[number]]
            shown[first:end] = [joined_shown]
            members[first:end] = [plan.members[number]]
            evidence[first:end] = [joined_evidence[number]]
        return known

    def _join_close_pieces(self, pieces, images, probabilities, shown, members, evidence) -> None:
        """Segmentation by recognition. Neighbours closer than join_gap x their height, one of
        which the model is unsure of, become one digit when the model is surer of the joined
        ink than of both pieces together; with joins taught, neighbours up to learned_join_gap
        apart become one when a taught join decides the joined ink (learned_join_share). A piece
        that (nearly) touches a neighbour and is much narrower or shorter (settings.part_size) --
        an open 4's stem, a 5's floating flag -- becomes part of it whenever the joined ink is
        read confidently. Two confident digits of a size are never joined (but by a taught
        join): the model is overconfident on odd joined shapes; nor is ink joined into
        something far wider than a digit. Lists (shown: each piece's ink as the
        user sees it, or None; members: its strokes' indices; evidence: see _predict) are
        changed in place."""
        settings = self.settings
        learned_joins = bool(getattr(self.model, "joins_taught", 0))  # a correction joined pieces before
        index = 0
        while index < len(pieces) - 1:
            first, second = pieces[index], pieces[index + 1]
            gap = (second.box[0] - first.box[2]) / max(first.height, second.height)
            parts = probabilities[index].max() * probabilities[index + 1].max()
            unsure = min(probabilities[index].max(), probabilities[index + 1].max()) < settings.confident
            part_of = (min(first.width, second.width) < settings.part_size * max(first.width, second.width)
                       or min(first.height, second.height) < settings.part_size * max(first.height, second.height))
            touching = gap < settings.touch_gap and part_of
            left, top, right, bottom = preprocess.union_box([first.box, second.box])
            digit_shaped = right - left <= settings.max_joined_aspect * (bottom - top)
            close = gap < settings.join_gap
            # a join taught reaches further (learned_join_gap), as when joining by reading, but
            # never across a digit's gap between two sure digits
            taught_reach = learned_joins and gap < settings.learned_join_gap and (unsure or gap < settings.max_join_gap)
            if (close and (unsure or touching) or taught_reach) and digit_shaped:  # close and taught: in reach
                joined = preprocess.join(first, second)
                image = preprocess.digit_to_mnist(joined.mask, settings.preprocess)
                joined_read, joined_evidence, taught_shares = self._predict(image[None], learned_joins)
                joined_probabilities, taught_share = joined_read[0], float(taught_shares[0])
                best = joined_probabilities.max()
                learned = taught_share >= settings.learned_join_share and best >= settings.confident
                if close and ((unsure and best > parts) or (touching and best >= settings.confident)) or learned:
                    pieces[index : index + 2] = [joined]
                    images[index : index + 2] = [image]
                    probabilities[index : index + 2] = [joined_probabilities]
                    evidence[index : index + 2] = joined_evidence
                    shown[index : index + 2] = [_join_shown(first, second, shown[index], shown[index + 1])]
                    members[index : index + 2] = [tuple(sorted(members[index] + members[index + 1]))]
                    continue  # the joined digit may take its next neighbour too
            index += 1

    def _result(self, images, probabilities, scribble: str, doubts, members=None, readings=None,
                chances=None) -> Result:
        """scribble: why the whole is not a number ("" when it may be); doubts[i]: why digit i
        is not shaped like a digit ("" when it is, see _shape_doubt); members[i]: the indices
        of digit i's strokes (none given: ()); readings[i]: digit i's (picture, strokes)
        probabilities before they were combined (none given: ((), ())); chances[i]: the
        not-a-digit reader's probability (none given: 0)."""
        digits = []
        members = members if members is not None else [() for _ in images]
        readings = readings if readings is not None else [((), ()) for _ in images]
        chances = chances if chances is not None else [0.0 for _ in images]
        for image, row, doubt, strokes, (picture, pen), chance in zip(images, probabilities, doubts, members,
                                                                      readings, chances, strict=True):
            best = int(row.argmax())
            confidence = float(row[best])
            if not doubt and confidence < self.settings.confident:
                doubt = low_confidence(confidence)
            digits.append(DigitResult(best, confidence, tuple(float(p) for p in row), image, not doubt, doubt,
                                      tuple(strokes), picture, pen, chance))
        return Result(tuple(digits), bool(scribble), scribble)

    def recognise_strokes(self, strokes: list[Stroke], canvas_size: int, groups=None) -> Result:
        """Strokes in canvas pixels, in drawing order, on a square canvas of side canvas_size
        -> Result. The strokes are grouped into digits by their order and place
        (digitpad.grouping); each digit is rendered alone, the erasers applied to all, and read
        by the image model and (see _read_strokes) the stroke reader. `groups` (lists of stroke
        indices, one per digit, left to right) is a grouping the user gave by a correction: it
        is read as given, no pieces joined."""
        pieces, shown, members = self.stroke_pieces(strokes, canvas_size, groups)
        side = max(1, int(round(canvas_size * self.settings.recognition_scale)))
        result = self._read(pieces, shown, self.settings.min_digit_size * side, members, strokes,
                            join=groups is None)
        return dataclasses.replace(result, strokes=tuple(strokes)) if result.digits else result

    def read_groups(self, strokes: list[Stroke], canvas_size: int, groups) -> np.ndarray:
        """Each group of strokes (indices into `strokes`) read as one digit by both readers ->
        (N, 10) float32 probabilities, one row per group in the order given; a group with no
        ink left (erased) reads as all digits alike. No shape checks, no joining: this scores
        the groupings a correction may mean (digitpad.correction)."""
        groups = [tuple(group) for group in groups]
        if not groups:
            return np.zeros((0, 10), np.float32)
        rows = np.full((len(groups), 10), 0.1, np.float32)
        found = self._group_images(strokes, canvas_size, groups)
        readable = [index for index, image in enumerate(found) if image is not None]
        if not readable:
            return rows
        predicted = self.inference.submit(self.model.predict, np.stack([found[index] for index in readable]))
        members = [groups[index] for index in readable]
        stroke_readings = self._read_strokes(members, strokes, [""] * len(members), {})
        for index, row in zip(readable, predicted.result(), strict=True):
            reading = stroke_readings.get(groups[index])
            rows[index] = row if reading is None else combine_readings(row, reading, self.settings.stroke_weight)
        return rows

    def read_group_images(self, strokes: list[Stroke], canvas_size: int, groups) -> list[np.ndarray]:
        """The (28, 28) float32 model input of each group of strokes read as one digit (as
        recognise_strokes makes it for that grouping); an all-black one for a group erased."""
        return [np.zeros((28, 28), np.float32) if image is None else image
                for image in self._group_images(strokes, canvas_size, groups)]

    def _group_images(self, strokes, canvas_size, groups) -> list[np.ndarray | None]:
        """The (28, 28) float32 model input of each group of strokes read as one digit, None
        for a group with no ink left."""
        pieces = [self._group_piece(strokes, canvas_size, group)[0] for group in groups]
        return [None if piece is None else preprocess.digit_to_mnist(piece.mask, self.settings.preprocess)
                for piece in pieces]

    def _group_piece(self, strokes, canvas_size, group):
        """One group's ink (its strokes and the erasers drawn after its first) on the
        recognition raster, cropped to its box: (DigitInk or None when nothing is left, the
        strokes rendered, in drawing order)."""
        erasers = [index for index, stroke in enumerate(strokes) if stroke.erase and index > min(group)]
        chosen = [strokes[index] for index in sorted(set(group) | set(erasers))]
        mask = self.strokes_to_mask(chosen, canvas_size)
        left, top, width, height = cv2.boundingRect(mask)
        if not width:
            return None, chosen
        return preprocess.DigitInk(mask[top : top + height, left : left + width],
                                   (left, top, left + width, top + height)), chosen

    def stroke_pieces(self, strokes: list[Stroke], canvas_size: int, groups=None):
        """(pieces, shown, members), one each per digit, left to right: the digit's ink on the
        recognition raster as a DigitInk (mask cropped to its box, the box in raster pixels),
        its ink as the user sees it cropped to the same box (None when recognition keeps the
        user's brush), and the indices of its strokes. [] for each when there is no ink.
        `groups`: the strokes' grouping into digits, left to right (None: digitpad.grouping's,
        with settings.grouping when joining by reading, else with settings.hand_grouping)."""
        if groups is None:
            settings = self.settings.grouping if self.joins_by_reading else self.settings.hand_grouping
            groups = grouping.group_strokes(strokes, settings)
        groups = [list(group) for group in groups]
        pieces, shown, members, ink = [], [], [], 0
        for group in groups:
            piece, chosen = self._group_piece(strokes, canvas_size, group)
            if piece is None:
                continue  # erased on the finer raster
            pieces.append(piece)
            if self.settings.recognition_brush:
                shown.append(_region(self.strokes_to_mask(chosen, canvas_size, as_drawn=True), piece.box))
            else:
                shown.append(None)
            members.append(tuple(group))
            ink += int(np.count_nonzero(pieces[-1].mask))
        if ink < self.settings.preprocess.min_ink_pixels:
            return [], [], []
        return pieces, shown, members

    def strokes_to_mask(self, strokes: list[Stroke], canvas_size: int, as_drawn: bool = False) -> np.ndarray:
        """The recognition raster: (S, S) uint8 with S = canvas_size * recognition_scale.

        Ink strokes are re-rendered from their points with the recognition brush, whatever
        brush shows them on screen (erasers keep their own width): a thick brush then cannot
        fill the holes of a small 8, and a thin one cannot leave a pen lift as a gap."""
        scale = self.settings.recognition_scale
        side = max(1, int(round(canvas_size * scale)))
        brush = self.settings.recognition_brush
        if brush and not as_drawn:
            strokes = [stroke if stroke.erase else dataclasses.replace(stroke, width=brush) for stroke in strokes]
        return ink.render_mask(strokes, (side, side), scale)

    def recognise_picture(self, image: np.ndarray) -> Result:
        """A photo, scan or screenshot (H, W[, C]) uint8, either polarity -> Result."""
        return self.recognise_mask(preprocess.image_to_mask(image))
