"""From strokes or pictures to a recognised number: preprocessing, the model and the verdict."""

import concurrent.futures
import dataclasses

import numpy as np

from digitpad import ink, preprocess
from digitpad.drawing import Stroke
from digitpad.settings import RecognitionSettings


@dataclasses.dataclass(frozen=True)
class DigitResult:
    digit: int  # the most probable digit
    confidence: float  # its probability
    probabilities: tuple[float, ...]  # probability of each of 0-9
    image: np.ndarray  # (28, 28) float32, what the model saw
    sure: bool  # confident enough, and shaped like a digit
    doubt: str = ""  # why it is not sure, in a few words (see the reasons below); "" when sure


# Why a digit or a number is "not sure": each says in a few words which check failed.
TOO_MANY_DIGITS = "too many digits: at most {limit}"  # more pieces than max_digits
JUST_A_DOT = "just a dot"  # too small to read, and hardly longer than the pen is wide
TOO_SMALL = "too small to read"  # ink box under min_digit_size of the canvas
TOO_MUCH_INK = "too much ink"  # max_ink_fraction
SOLID_PATCH = "solid patch, not strokes"  # max_ink_depth or max_stroke_share
STROKES_TOO_LONG = "scribble: strokes too long"  # max_ink_length
TOO_MANY_HOLES = "scribble: too many holes"  # max_holes
LOW_CONFIDENCE = "low confidence ({confidence:.0%})"  # below `confident`


@dataclasses.dataclass(frozen=True)
class Result:
    digits: tuple[DigitResult, ...] = ()  # left to right
    scribble: bool = False  # too many pieces to be a number (`digits` holds the first max_digits)
    scribble_reason: str = ""  # why it is a scribble, e.g. "too many digits: at most 12"

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
        doubtful = [(index, digit) for index, digit in enumerate(self.digits) if not digit.sure]
        if not doubtful:
            return ""
        index, digit = doubtful[0]
        reason = digit.doubt or "not sure"
        return reason if len(self.digits) == 1 else f"digit {index + 1}: {reason}"

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


def _region(image, box):
    """image[box] for box (left, top, right, bottom), or None without an image."""
    if image is None:
        return None
    left, top, right, bottom = box
    return image[top:bottom, left:right]


class Recognizer:
    """Reads ink masks, strokes or pictures with one model and one set of settings."""

    def __init__(self, model, settings: RecognitionSettings = RecognitionSettings()):
        self.model = model  # anything with predict((N, 28, 28)) -> (N, 10)
        self.settings = settings
        # The model runs on this thread while the caller's thread checks the ink's shape: both
        # spend their time in native code that releases the GIL, so on two cores they overlap.
        self.inference = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="inference")

    def recognise_mask(self, mask: np.ndarray, shown: np.ndarray | None = None, min_side: float = 0.0) -> Result:
        """Ink mask (H, W) uint8, 1 = ink -> Result. `shown`, same shape, is the ink as the
        user sees it when the mask was drawn with another brush (see strokes_to_mask); it
        tells a patch coloured in solid from strokes. A digit whose ink box is shorter than
        `min_side` pixels on its longest side is too small to read (recognise_strokes sets it
        from the canvas; a picture's digits may be any size, so pictures have none)."""
        settings = self.settings.preprocess
        pieces = preprocess.split_digits(mask, settings) if np.count_nonzero(mask) >= settings.min_ink_pixels else []
        if not pieces:
            return EMPTY
        limit = self.settings.max_digits
        scribble = TOO_MANY_DIGITS.format(limit=limit) if len(pieces) > limit else ""
        pieces = pieces[:limit]
        images = [preprocess.digit_to_mnist(piece.mask, settings) for piece in pieces]
        predicted = self.inference.submit(self.model.predict, np.stack(images))
        # meanwhile, on this thread, the shape of each piece (joined pieces are checked again below)
        originals = list(pieces)
        verdicts = {id(piece): self._shape_doubt(image, piece.mask, _region(shown, piece.box), min_side)
                    for image, piece in zip(images, pieces, strict=True)}
        probabilities = list(predicted.result())
        self._join_close_pieces(pieces, images, probabilities)
        doubts = [verdicts[id(piece)] if any(piece is original for original in originals)
                  else self._shape_doubt(image, piece.mask, _region(shown, piece.box), min_side)  # joined
                  for image, piece in zip(images, pieces, strict=True)]
        return self._result(images, probabilities, scribble, doubts)

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

    def _join_close_pieces(self, pieces, images, probabilities) -> None:
        """Segmentation by recognition. Neighbours closer than join_gap x their height, one of
        which the model is unsure of, become one digit when the model is surer of the joined
        ink than of both pieces together. A piece that (nearly) touches a neighbour and is much
        narrower or shorter (settings.part_size) -- an open 4's stem, a 5's floating flag --
        becomes part of it whenever the joined ink is read confidently. Two confident digits of
        a size are never joined: the model is overconfident on odd joined shapes; nor is ink
        joined into something far wider than a digit. Lists are changed in place."""
        settings = self.settings
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
            if (unsure or touching) and gap < settings.join_gap and digit_shaped:
                joined = preprocess.join(first, second)
                image = preprocess.digit_to_mnist(joined.mask, settings.preprocess)
                joined_probabilities = self.model.predict(image[None])[0]
                best = joined_probabilities.max()
                if (unsure and best > parts) or (touching and best >= settings.confident):
                    pieces[index : index + 2] = [joined]
                    images[index : index + 2] = [image]
                    probabilities[index : index + 2] = [joined_probabilities]
                    continue  # the joined digit may take its next neighbour too
            index += 1

    def recognise_images(self, images: np.ndarray, scribble: bool = False) -> Result:
        """(N, 28, 28) float32 digit images, left to right -> Result. `scribble`: the caller
        found more digits than max_digits and passes the first ones."""
        doubts = [self._shape_doubt(image) for image in images]
        reason = TOO_MANY_DIGITS.format(limit=self.settings.max_digits) if scribble else ""
        return self._result(list(images), list(self.model.predict(images)), reason, doubts)

    def _result(self, images, probabilities, scribble: str, doubts) -> Result:
        """scribble: why the whole is not a number ("" when it may be); doubts[i]: why digit i
        is not shaped like a digit ("" when it is, see _shape_doubt)."""
        digits = []
        for image, row, doubt in zip(images, probabilities, doubts, strict=True):
            best = int(row.argmax())
            confidence = float(row[best])
            if not doubt and confidence < self.settings.confident:
                doubt = LOW_CONFIDENCE.format(confidence=confidence)
            digits.append(DigitResult(best, confidence, tuple(float(p) for p in row), image, not doubt, doubt))
        return Result(tuple(digits), bool(scribble), scribble)

    def recognise_strokes(self, strokes: list[Stroke], canvas_size: int) -> Result:
        """Strokes in canvas pixels on a square canvas of side canvas_size -> Result."""
        mask = self.strokes_to_mask(strokes, canvas_size)
        shown = self.strokes_to_mask(strokes, canvas_size, as_drawn=True) if self.settings.recognition_brush else None
        return self.recognise_mask(mask, shown, min_side=self.settings.min_digit_size * max(mask.shape))

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
