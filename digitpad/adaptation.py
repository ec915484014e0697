"""Learning the user's own writing from the digits they teach, at once and offline.

Each taught digit is kept as the model's feature vector of its 28x28 image (the activations of
the last hidden layer, a second output of the LiteRT model) with the label the user gave. A
drawing whose features lie closer to a taught digit of label c than to any reference digit of
another label (2,000 MNIST training digits whose features ship beside the model, see
training/export.py), and closer than `similarity_floor`, is read as c:

    w_c = clip((s_taught(c) - max(s_reference(not c), similarity_floor)) / margin, 0, 1)
    p' = (1 - a) p + a q,   a = max_c w_c,   q = w / sum(w)

with s the cosine similarity of features. A drawing as close to ordinary digits of another
label as to what was taught keeps the network's answer: teaching an odd 8 that was read as 6
does not turn the next real 6 into an 8. Far from every taught digit nothing changes, which
keeps untaught digits (and MNIST) read as before. Teaching costs one feature vector (one model
call, about a millisecond) and no fitting; forgetting is dropping rows. Why this and not
refitting the last layer: see the README ("Teaching").
"""

import dataclasses
import hashlib
import pathlib
import threading

import cv2
import numpy as np

from digitpad.status import counted


@dataclasses.dataclass(frozen=True)
class AdaptationSettings:
    similarity_floor: float = 0.85  # taught digits less similar than this (cosine of features) to
    # a drawing have no say (the nearest MNIST test digit of the same class: median 0.98)
    margin: float = 0.01  # a taught digit this much closer than every reference digit of
    # another label decides alone; nearer to the reference digits, its say shrinks to nothing
    max_samples: int = 5000  # taught digits kept in memory (the oldest go first)
    variant_rotations: tuple[float, ...] = (-8.0, 8.0)  # each taught digit is also kept turned by
    # these angles (degrees) ...
    variant_shears: tuple[float, ...] = (-0.15, 0.15)  # ... and slanted by these shears: the same
    # writer's next drawing of it is never quite the same (see bench/redraw_corrections.py)


def variants(images: np.ndarray, settings: AdaptationSettings) -> np.ndarray:
    """(N, 28, 28) float32 digit images -> (N, V, 28, 28) float32: each image itself first, then
    turned and slanted about the centre as the settings say (V = 1 + their number)."""
    images = np.asarray(images, np.float32).reshape(-1, 28, 28)
    matrices = [cv2.getRotationMatrix2D((13.5, 13.5), angle, 1.0) for angle in settings.variant_rotations]
    matrices += [np.array([[1.0, shear, -13.5 * shear], [0.0, 1.0, 0.0]]) for shear in settings.variant_shears]
    out = np.empty((len(images), 1 + len(matrices), 28, 28), np.float32)
    for row, image in enumerate(images):
        out[row, 0] = image
        for column, matrix in enumerate(matrices, start=1):
            out[row, column] = cv2.warpAffine(image, matrix, (28, 28), flags=cv2.INTER_LINEAR, borderValue=0.0)
    return out


def normalise(features: np.ndarray) -> np.ndarray:
    """(N, F) float32 -> rows of unit length (zero rows stay zero)."""
    features = np.asarray(features, np.float32)
    lengths = np.linalg.norm(features, axis=-1, keepdims=True)
    return features / np.maximum(lengths, 1e-6)


# ----------------------------------------------------------------------------- reference digits
def reference_path(model_path: pathlib.Path) -> pathlib.Path:
    """Where the reference features of a model live: beside it, digitpad.tflite -> digitpad.reference.npz."""
    model_path = pathlib.Path(model_path)
    return model_path.with_name(f"{model_path.stem}.reference.npz")


def file_digest(path: pathlib.Path) -> str:
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def load_reference(model_path: pathlib.Path) -> tuple[np.ndarray, np.ndarray]:
    """(R, F) float32 unit feature vectors and (R,) int64 labels of the model's reference digits.

    ValueError when the file is missing, unreadable or belongs to another model (its
    model_sha256 must be the model file's)."""
    path = reference_path(model_path)
    try:
        with np.load(path) as data:
            features, labels, digest = data["features"], data["labels"], str(data["model_sha256"])
    except (OSError, KeyError, ValueError) as error:
        raise ValueError(f"no usable reference digits for {pathlib.Path(model_path).name} ({path}: {error})") from error
    if digest != file_digest(model_path):
        raise ValueError(f"{path.name} was made for another model than {pathlib.Path(model_path).name}")
    if features.ndim != 2 or len(features) != len(labels) or not len(labels):
        raise ValueError(f"{path.name}: expected (R, F) features and (R,) labels, got {features.shape}, {labels.shape}")
    return normalise(features), labels.astype(np.int64)


# ----------------------------------------------------------------------------- taught digits
class Adapter:
    """The taught digits as (unit feature vector, label) pairs; safe to read while another
    thread teaches (every change replaces the arrays, never edits them in place)."""

    def __init__(self, reference: tuple[np.ndarray, np.ndarray], settings: AdaptationSettings = AdaptationSettings()):
        if not 0.0 <= settings.similarity_floor < 1.0:
            raise ValueError(f"similarity_floor must be in [0, 1), got {settings.similarity_floor}")
        if not settings.margin > 0:
            raise ValueError(f"margin must be positive, got {settings.margin}")
        reference_features, reference_labels = reference
        self.settings = settings
        self.reference_features = normalise(reference_features)  # (R, F) unit vectors
        self.reference_labels = np.asarray(reference_labels, np.int64)  # (R,) their labels
        self._lock = threading.Lock()  # one writer at a time; readers take the current arrays
        self._features = np.zeros((0, self.reference_features.shape[1]), np.float32)  # (T, F) taught
        self._labels = np.zeros((0,), np.int64)  # (T,) their labels
        self._owners = np.zeros((0,), np.int64)  # (T,) which taught digit each row is of (its variants)
        self._next_owner = 0

    @property
    def count(self) -> int:
        """How many digits are taught (each may have several rows: its variants)."""
        return len(np.unique(self._owners))

    def add(self, features: np.ndarray, labels, per_digit: int = 1) -> None:
        """Teach (F,) or (N, F) feature vectors with their label(s) 0-9; each run of `per_digit`
        rows is one taught digit (the digit and its variants, taken back together)."""
        features = normalise(np.atleast_2d(features))
        labels = np.atleast_1d(np.asarray(labels, np.int64))
        if len(labels) != len(features):
            raise ValueError(f"{len(features)} feature vectors but {len(labels)} labels")
        if per_digit < 1 or len(labels) % per_digit:
            raise ValueError(f"{len(labels)} rows cannot be digits of {per_digit} rows each")
        if labels.size and (labels.min() < 0 or labels.max() > 9):
            raise ValueError(f"labels must be digits 0-9, got {sorted(set(labels.tolist()))}")
        if features.shape[1] != self.reference_features.shape[1]:
            raise ValueError(f"feature vectors of length {features.shape[1]}, the model's have "
                             f"{self.reference_features.shape[1]}")
        with self._lock:
            owners = self._next_owner + np.arange(len(labels)) // per_digit
            self._next_owner += len(labels) // per_digit
            owners = np.concatenate([self._owners, owners])
            kept = owners >= self._next_owner - self.settings.max_samples
            self._features = np.concatenate([self._features, features])[kept]
            self._labels = np.concatenate([self._labels, labels])[kept]
            self._owners = owners[kept]

    def remove_last(self) -> bool:
        """Forget the most recently taught digit (with its variants); False if there was none."""
        with self._lock:
            if not len(self._owners):
                return False
            kept = self._owners != self._owners.max()
            self._features, self._labels, self._owners = self._features[kept], self._labels[kept], self._owners[kept]
            return True

    def clear(self) -> None:
        with self._lock:
            self._features, self._labels, self._owners = self._features[:0], self._labels[:0], self._owners[:0]

    def weights(self, features: np.ndarray) -> np.ndarray:
        """(N, F) features -> (N, 10) float32 w_c: how far the taught digits of each label decide
        each image's reading (0: not at all, 1: alone); all 0 when nothing taught is near."""
        taught, labels = self._features, self._labels  # one consistent pair, whatever add() does meanwhile
        weights = np.zeros((len(features), 10), np.float32)
        if not len(labels):
            return weights
        settings = self.settings
        queries = normalise(features)
        similarity = queries @ taught.T  # (N, T)
        if similarity.max() < settings.similarity_floor:
            return weights  # the usual case: nothing taught is near
        to_reference = queries @ self.reference_features.T  # (N, R)
        for label in np.unique(labels):
            closest_taught = similarity[:, labels == label].max(axis=1)
            closest_other = to_reference[:, self.reference_labels != label].max(axis=1)
            threshold = np.maximum(closest_other, settings.similarity_floor)
            weights[:, label] = np.clip((closest_taught - threshold) / settings.margin, 0.0, 1.0)
        return weights

    def adjust(self, probabilities: np.ndarray, features: np.ndarray) -> np.ndarray:
        """(N, 10) probabilities and (N, F) features of the same images -> (N, 10) probabilities."""
        return self.adjust_with_share(probabilities, features)[0]

    def adjust_with_share(self, probabilities: np.ndarray, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """adjust, and (N,) float32 how far taught digits decided each reading (0: not at all)."""
        weights = self.weights(features)
        share = weights.max(axis=1, keepdims=True)  # (N, 1) how far the taught digits decide
        if not share.any():
            return probabilities, share[:, 0]
        votes = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
        return ((1.0 - share) * probabilities + share * votes).astype(np.float32), share[:, 0]


class AdaptedModel:
    """A DigitModel whose predictions take the taught digits into account: what the
    Recognizer is given. When the model cannot adapt (no features output or no reference
    digits, e.g. a model fine-tuned by an older digitpad), it predicts as the model alone and
    `cannot_adapt` says why."""

    def __init__(self, model, settings: AdaptationSettings = AdaptationSettings()):
        self.model = model  # DigitModel: predict_with_features((N, 28, 28)) -> ((N, 10), (N, F) | None)
        self.adapter: Adapter | None = None
        self.joins: Adapter | None = None  # the digits a correction made of several pieces (a
        # two-stroke 4 read as "21"), also in `adapter`: neighbours whose joined ink they decide
        # are read as one digit (Recognizer._join_close_pieces)
        self.cannot_adapt = ""  # why teaching cannot change what is read, "" when it can
        if not model.has_features:
            self.cannot_adapt = f"model {model.path.name} has no features output"
            return
        try:
            reference = load_reference(model.path)
        except ValueError as error:
            self.cannot_adapt = str(error)
            return
        self.adapter, self.joins = Adapter(reference, settings), Adapter(reference, settings)

    @property
    def path(self) -> pathlib.Path:
        return self.model.path

    @property
    def taught(self) -> int:
        """How many taught digits the predictions use."""
        return self.adapter.count if self.adapter is not None else 0

    @property
    def joins_taught(self) -> int:
        """How many taught digits were joined from several pieces by a correction."""
        return self.joins.count if self.joins is not None else 0

    def teach(self, images: np.ndarray, labels, joined: bool = False) -> None:
        """(N, 28, 28) or (28, 28) float32 digit images with their label(s); joined: each was
        made of several pieces by a correction (see `joins`). ValueError when this model
        cannot adapt."""
        if self.adapter is None:
            raise ValueError(f"cannot learn from teaching: {self.cannot_adapt}")
        images = variants(images, self.adapter.settings)  # (N, V, 28, 28)
        count, per_digit = images.shape[:2]
        features = self.model.predict_with_features(images.reshape(-1, 28, 28))[1]
        labels = np.repeat(np.broadcast_to(np.asarray(labels, np.int64), (count,)), per_digit)
        self.adapter.add(features, labels, per_digit)
        if joined:
            self.joins.add(features, labels, per_digit)

    def untaught(self, joined: bool = False) -> None:
        """Take back the most recent teach (made with `joined` as given)."""
        if self.adapter is not None:
            self.adapter.remove_last()
            if joined:
                self.joins.remove_last()

    def forget(self) -> None:
        """Forget everything taught."""
        if self.adapter is not None:
            self.adapter.clear()
            self.joins.clear()

    def join_shares(self, features: np.ndarray) -> np.ndarray:
        """(N, F) features of joined ink -> (N,) how far the digits joined by corrections decide
        each reading, 0-1 (0 without any)."""
        if self.joins is None:
            return np.zeros(len(features), np.float32)
        return self.joins.weights(features).max(axis=1)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """(N, 28, 28) float32 in [0, 1] -> (N, 10) float32 probabilities, adapted."""
        return self.predict_with_evidence(images)[0]

    def predict_with_features(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """The model's own ((N, 10) probabilities, (N, F) features or None), not adapted."""
        return self.model.predict_with_features(images)

    def predict_with_evidence(self, images: np.ndarray, pooled: bool = False):
        """(N, 28, 28) float32 in [0, 1] -> ((N, 10) probabilities adapted, (N, 10) the model's
        own, (N, F) features or None, (N,) bool: a taught digit had a say in the reading, and with
        `pooled` the model's pooled maps or None: DigitModel.predict_with_pooled). Where a taught
        digit has a say the ink is a digit: the user said so (digitpad/nondigit.py)."""
        probabilities, features, pools = self.model.predict_with_pooled(images, pooled)
        if self.adapter is None or features is None:
            return probabilities, probabilities, features, np.zeros(len(probabilities), bool), pools
        adapted, share = self.adapter.adjust_with_share(probabilities, features)
        return adapted, probabilities, features, share > 0, pools


def learn_taught_samples(model: AdaptedModel, samples) -> str:
    """Teach `model` the samples stored in the user's folder (storage.TaughtSamples); returns
    what the user should hear about it ("" when all went well): files skipped, or why this
    model cannot learn from them."""
    notes = []
    if samples.skipped:
        shown = ", ".join(samples.skipped[:3])
        if len(samples.skipped) > 3:
            shown += f" and {len(samples.skipped) - 3} more"
        notes.append(f"Skipped {counted(len(samples.skipped), 'file')} in the samples folder that are not taught "
                     f"samples: {shown}.")
    if len(samples.labels) and model.adapter is None:
        notes.append(f"Your {len(samples.labels)} taught samples are kept, but this model cannot learn from them "
                     f"({model.cannot_adapt}).")
    elif len(samples.labels):
        images = samples.images.astype(np.float32) / 255.0
        joined = np.array([is_joined_sample(path) for path in samples.paths], bool)
        if not joined.all():
            model.teach(images[~joined], samples.labels[~joined])
        if joined.any():
            model.teach(images[joined], samples.labels[joined], joined=True)
    return " ".join(notes)


JOINED_PREFIX = "joined-"  # file names of taught samples a correction joined from several pieces


def is_joined_sample(path) -> bool:
    return pathlib.Path(path).name.startswith(JOINED_PREFIX)
