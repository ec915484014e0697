"""The bundled classifier, run with LiteRT: (N, 28, 28) float32 images -> (N, 10) probabilities.

LiteRT rather than TensorFlow or Keras on the live path: one image costs well under a
millisecond and the runtime adds tens of megabytes to the executable, not a gigabyte.
"""

import contextlib
import os
import pathlib
import sys
import threading

import numpy as np


@contextlib.contextmanager
def quiet_native_stderr():
    """Silence what native code writes to file descriptor 2 (Python's own errors still show
    once the block ends); a no-op where stderr has no descriptor (windowed Windows builds)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (AttributeError, OSError, ValueError):
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class ModelError(RuntimeError):
    """The model file is missing, unreadable or not a digit classifier."""


def load_interpreter(path: pathlib.Path, what: str = "model file"):
    """A ready LiteRT interpreter (one thread) of the model file at path; ModelError saying
    what is wrong when the file is missing, damaged or LiteRT is not installed."""
    if not path.is_file():
        if path.is_dir():
            raise ModelError(f"{what} {path} is a folder, not a file")
        if path.exists():
            raise ModelError(f"{what} {path} is not a regular file (a device, a pipe or a socket)")
        raise ModelError(f"{what} not found: {path}")
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError as error:
        raise ModelError(f"the LiteRT runtime is not installed ({error})") from error
    try:
        content = path.read_bytes()
        with quiet_native_stderr():  # LiteRT's C++ log says "INFO: Created ... delegate"
            interpreter = Interpreter(model_content=content, num_threads=1)
            interpreter.allocate_tensors()
    except (OSError, ValueError, RuntimeError) as error:
        raise ModelError(f"{what} {path} is damaged or not a LiteRT model ({error})") from error
    return interpreter


class DigitModel:
    def __init__(self, path: pathlib.Path | str):
        self.path = pathlib.Path(path)
        self.interpreter = load_interpreter(self.path)
        inputs = self.interpreter.get_input_details()
        outputs = {tuple(int(side) for side in output["shape"][1:]): output["index"]
                   for output in self.interpreter.get_output_details()}
        if len(inputs) != 1 or tuple(inputs[0]["shape"][1:]) != (28, 28, 1) or (10,) not in outputs:
            raise ModelError(f"model file {self.path} is not a 28x28 digit classifier")
        self.input_index = inputs[0]["index"]
        self.output_index = outputs.pop((10,))
        # the last hidden layer's activations, if the model exports them (training/export.py);
        # a fine-tuned model from an older digitpad may not
        features = [index for shape, index in outputs.items() if len(shape) == 1]
        self.features_index = features[0] if len(features) == 1 else None
        # the feature maps of each convolutional stage, (H, W, C), largest first, if the model
        # exports them (training/export.py); read only by predict_with_maps
        self.map_indices = tuple(outputs[shape] for shape in sorted((shape for shape in outputs if len(shape) == 3),
                                                                    key=lambda shape: -shape[0] * shape[1]))
        self.lock = threading.Lock()  # one interpreter, callers on several threads

    @property
    def has_features(self) -> bool:
        return self.features_index is not None

    @property
    def has_maps(self) -> bool:
        return bool(self.map_indices)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """(N, 28, 28) float32 in [0, 1], white ink on black -> (N, 10) float32 probabilities."""
        return self.predict_with_features(images)[0]

    def predict_with_features(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(N, 28, 28) float32 in [0, 1] -> ((N, 10) probabilities, (N, F) features or None)."""
        return self.predict_with_pooled(images, pooled=False)[:2]

    def predict_with_pooled(self, images: np.ndarray, pooled: bool = True):
        """(N, 28, 28) float32 in [0, 1] -> ((N, 10) probabilities, (N, F) features or None,
        (N, 2C) float32 or None): with `pooled`, the last convolutional stage's C feature maps,
        each pooled to its largest and its mean value (max first), from the same run of the model;
        None without `pooled` or when the model exports no maps. What the not-a-digit reader sees
        of the ink besides the features: less shaped by the ten digits than the last hidden layer
        (digitpad/nondigit.py)."""
        images = np.asarray(images, dtype=np.float32)
        if images.ndim == 2:
            images = images[None]
        if images.ndim != 3 or images.shape[1:] != (28, 28):
            raise ValueError(f"expected images of shape (N, 28, 28), got {images.shape}")
        probabilities = np.empty((len(images), 10), np.float32)
        features = None
        maps_index = self.map_indices[-1] if pooled and self.map_indices else None
        pools = None
        with self.lock:
            for row, image in enumerate(images):
                self.interpreter.set_tensor(self.input_index, image[None, :, :, None])
                self.interpreter.invoke()
                probabilities[row] = self.interpreter.get_tensor(self.output_index)[0]
                if self.features_index is not None:
                    vector = self.interpreter.get_tensor(self.features_index)[0]
                    if features is None:
                        features = np.empty((len(images), len(vector)), np.float32)
                    features[row] = vector
                if maps_index is not None:
                    maps = self.interpreter.get_tensor(maps_index)[0]  # (H, W, C)
                    if pools is None:
                        pools = np.empty((len(images), 2 * maps.shape[-1]), np.float32)
                    pools[row] = np.concatenate([maps.max(axis=(0, 1)), maps.mean(axis=(0, 1))])
        return probabilities, features, pools

    def predict_with_maps(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray | None, tuple[np.ndarray, ...]]:
        """One (28, 28) float32 image in [0, 1] -> ((10,) probabilities, (F,) features or None,
        the feature maps of each convolutional stage, largest first: (H, W, C) float32 each,
        () when the model exports none). The same numbers predict_with_features gives."""
        image = np.asarray(image, dtype=np.float32)
        if image.shape != (28, 28):
            raise ValueError(f"expected one image of shape (28, 28), got {image.shape}")
        with self.lock:
            self.interpreter.set_tensor(self.input_index, image[None, :, :, None])
            self.interpreter.invoke()
            probabilities = self.interpreter.get_tensor(self.output_index)[0]
            features = None
            if self.features_index is not None:
                features = self.interpreter.get_tensor(self.features_index)[0]
            maps = tuple(self.interpreter.get_tensor(index)[0] for index in self.map_indices)
        return probabilities, features, maps
