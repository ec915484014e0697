"""What the "inside" view shows of one digit: what each model saw and said, and why the
verdict is what it is. Pure computation (numpy and the models), no pygame: the painting is in
digitpad/inside_view.py, `predict --json --inside` writes the same readings (to_json).

For the picked digit of a Result: the image model's 28x28 input, the feature maps of each of its
convolutional stages and its 256 dense features (one extra model call, DigitModel.predict_with_maps);
the pen path the stroke model read (the 64 resampled steps) and its probabilities; both readings
and their combination; and the reference digits nearest by the features (the 2,000 MNIST
training digits that ship beside the model, training/export.py write_reference).
"""

import dataclasses
import pathlib

import numpy as np

from digitpad.adaptation import AdaptedModel, load_reference, normalise, reference_path
from digitpad.recognition import LOW_CONFIDENCE, Result, touched_by_eraser, whole_percent
from digitpad.stroke_features import strokes_to_sequence

NEAREST_COUNT = 5  # reference digits shown, nearest first
TAUGHT_CHANGE = 0.005  # taught samples "moved" the picture's reading when a probability moved more than this


@dataclasses.dataclass(frozen=True)
class ReferenceDigits:
    features: np.ndarray  # (R, F) float32 unit feature vectors
    labels: np.ndarray  # (R,) int64 their labels
    images: np.ndarray | None  # (R, 28, 28) uint8, white ink on black; None when the file has none


def load_reference_digits(model_path: pathlib.Path) -> ReferenceDigits:
    """The reference digits of a model (beside it, see adaptation.reference_path), with their
    images when the file has them. ValueError, saying why, when there are none for this model."""
    features, labels = load_reference(model_path)  # checks the file belongs to this model
    with np.load(reference_path(model_path)) as data:
        images = data["images"] if "images" in data.files else None
    if images is not None and images.shape != (len(labels), 28, 28):
        images = None  # not the images of these digits: show their labels alone
    return ReferenceDigits(features, labels, images)


@dataclasses.dataclass(frozen=True)
class Neighbour:
    label: int  # the reference digit's label
    similarity: float  # cosine similarity of its features to the drawn digit's
    image: np.ndarray | None  # (28, 28) uint8, white ink on black; None when not shipped


def nearest(features: np.ndarray, reference: ReferenceDigits, count: int = NEAREST_COUNT) -> tuple[Neighbour, ...]:
    """(F,) features -> the `count` reference digits of most similar features, nearest first."""
    query = normalise(np.asarray(features, np.float32)[None])[0]
    # einsum, not @: a matrix-vector product through BLAS waits for its threads, 20-60 ms on a busy machine
    similarity = np.einsum("rf,f->r", reference.features, query)  # (R,)
    count = min(count, len(similarity))
    rows = np.argpartition(-similarity, count - 1)[:count]
    rows = rows[np.argsort(-similarity[rows], kind="stable")]
    return tuple(Neighbour(int(reference.labels[row]), float(similarity[row]),
                           None if reference.images is None else reference.images[row]) for row in rows)


@dataclasses.dataclass(frozen=True)
class Inside:
    index: int  # which digit of the result, 0 = leftmost
    count: int  # how many digits the result has
    image: np.ndarray  # (28, 28) float32 in [0, 1], white ink on black: the image model's input
    maps: tuple[np.ndarray, ...]  # (H, W, C) float32 >= 0, each convolutional stage's maps, largest first
    features: np.ndarray | None  # (F,) float32 >= 0, the dense features; None when the model has none
    model_alone: tuple[float, ...]  # (10,) the image model's own probabilities
    picture: tuple[float, ...]  # (10,) the picture's reading, taught samples applied
    pen: tuple[float, ...]  # (10,) the stroke model's probabilities; () when it did not read the digit
    together: tuple[float, ...]  # (10,) what the app answers
    pen_path: np.ndarray | None  # (64, 5) float32, the stroke model's input (stroke_features.CHANNELS);
    # None for pictures
    pen_note: str  # why the stroke model did not read this digit, "" when it did
    nearest: tuple[Neighbour, ...]  # the nearest reference digits; () when there are none (reference_note says why)
    reference_note: str  # why no reference digits are shown, "" when they are
    taught_note: str  # what taught samples did to the reading, "" when nothing
    doubt: str  # why the app is not sure of this digit, "" when it is

    @property
    def verdict(self) -> str:
        """"picture: 7 (62 %), pen path: 1 (97 %), together: 1 (91 %)"."""
        parts = [f"picture: {say(self.picture)}"]
        if self.pen:
            parts += [f"pen path: {say(self.pen)}", f"together: {say(self.together)}"]
        return ", ".join(parts)

    def to_json(self) -> dict:
        def rounded(values):
            return [round(float(value), 4) for value in values] if len(values) else None

        return {"picture": rounded(self.picture), "pen_path": rounded(self.pen), "together": rounded(self.together),
                "model_alone": rounded(self.model_alone), "verdict": self.verdict, "taught": self.taught_note,
                "pen_note": self.pen_note, "reference_note": self.reference_note,
                "nearest": [{"label": neighbour.label, "similarity": round(neighbour.similarity, 4)}
                            for neighbour in self.nearest]}


def say(probabilities) -> str:
    """(10,) probabilities -> "7 (62 %)"."""
    best = int(np.argmax(probabilities))
    return f"{best} ({whole_percent(probabilities[best])} %)"


def read_inside(result: Result, index: int, model, reference: ReferenceDigits | None = None,
                reference_note: str = "", stroke_reader_note: str = "") -> Inside | None:
    """What the inside view shows of digit `index` of `result` (None for an empty result).

    model: the Recognizer's image model (an AdaptedModel or a DigitModel), run once more on the
    digit's input for its maps and features; reference: the model's reference digits (None:
    reference_note says why there are none); stroke_reader_note: why drawings are read without
    the stroke model ("" when they are read with it)."""
    if not result.digits:
        return None
    index = min(max(0, index), len(result.digits) - 1)
    digit = result.digits[index]
    base = model.model if isinstance(model, AdaptedModel) else model
    alone, features, maps = base.predict_with_maps(digit.image)
    picture = digit.picture_probabilities or tuple(map(float, alone))
    neighbours = nearest(features, reference) if reference is not None and features is not None else ()
    if reference is not None and features is None:
        reference_note = "this model has no features output"
    pen_path, pen_note = _pen_path(result, digit, stroke_reader_note)
    return Inside(index, len(result.digits), digit.image, maps, features, tuple(map(float, alone)), picture,
                  digit.stroke_probabilities, digit.probabilities, pen_path, pen_note, neighbours,
                  "" if neighbours else reference_note or "no reference digits", _taught(alone, picture), digit.doubt)


def _pen_path(result: Result, digit, stroke_reader_note: str) -> tuple[np.ndarray | None, str]:
    """The digit's pen path as the stroke model reads it (None for pictures), and why the stroke
    model did not read it ("" when it did); see Recognizer._read_strokes for the rules."""
    ink_strokes = [result.strokes[i] for i in digit.strokes if i < len(result.strokes) and not result.strokes[i].erase]
    if not ink_strokes:
        return None, "a picture has no pen path"
    path = strokes_to_sequence(ink_strokes)
    if digit.stroke_probabilities:
        return path, ""
    later_erasers = [stroke for i, stroke in enumerate(result.strokes) if stroke.erase and i > digit.strokes[0]]
    if stroke_reader_note:
        return path, stroke_reader_note
    if touched_by_eraser(ink_strokes, later_erasers):
        return path, "not read: the eraser changed this digit, so the picture alone decides"
    if digit.doubt and not digit.doubt.startswith(LOW_CONFIDENCE.partition("{")[0]):  # a shape doubt
        return path, f"not read: {digit.doubt}, so the picture alone decides"
    return path, "not read"


def _taught(alone, picture) -> str:
    """What taught samples did to the picture's reading, in a few words ("" when nothing)."""
    alone, picture = np.asarray(alone, np.float64), np.asarray(picture, np.float64)
    if len(picture) != len(alone) or np.abs(picture - alone).max() <= TAUGHT_CHANGE:
        return ""
    if int(picture.argmax()) != int(alone.argmax()):
        return f"a taught sample decided: the model alone reads {say(alone)}"
    return f"taught samples moved the picture's reading (the model alone: {say(alone)})"
