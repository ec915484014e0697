"""The stroke model, run with LiteRT: digits' strokes -> (N, 10) probabilities.

It reads the pen path (digitpad/stroke_features.py), not the picture: the order and direction
the 28x28 image forgets. Trained by training/stroke_model.py.
"""

import pathlib
import threading

import numpy as np

from digitpad.model import ModelError, load_interpreter
from digitpad.stroke_features import CHANNELS, SEQUENCE_LENGTH, strokes_to_sequence


class StrokeReader:
    def __init__(self, path: pathlib.Path | str):
        self.path = pathlib.Path(path)
        self.interpreter = load_interpreter(self.path, "stroke model file")
        inputs = self.interpreter.get_input_details()
        outputs = self.interpreter.get_output_details()
        shape = (SEQUENCE_LENGTH, len(CHANNELS))
        if len(inputs) != 1 or tuple(inputs[0]["shape"][1:]) != shape or len(outputs) != 1 \
                or tuple(outputs[0]["shape"][1:]) != (10,):
            raise ModelError(f"stroke model file {self.path} does not read {shape} pen paths into 10 digits")
        self.input_index = inputs[0]["index"]
        self.output_index = outputs[0]["index"]
        self.lock = threading.Lock()  # one interpreter, callers on several threads

    def predict(self, digits) -> np.ndarray:
        """A list of digits, each a list of digitpad.drawing.Stroke (canvas pixels, drawing order;
        eraser strokes are ignored) -> (N, 10) float32 probabilities. ValueError for a digit
        without ink strokes."""
        sequences = [strokes_to_sequence(strokes) for strokes in digits]
        if not sequences:
            return np.empty((0, 10), np.float32)
        return self.predict_sequences(np.stack(sequences))

    def predict_sequences(self, sequences: np.ndarray) -> np.ndarray:
        """(N, 64, 5) float32 pen paths (stroke_features.strokes_to_sequence) -> (N, 10) float32."""
        sequences = np.asarray(sequences, dtype=np.float32)
        shape = (SEQUENCE_LENGTH, len(CHANNELS))
        if sequences.ndim != 3 or sequences.shape[1:] != shape:
            raise ValueError(f"expected sequences of shape (N, {shape[0]}, {shape[1]}), got {sequences.shape}")
        probabilities = np.empty((len(sequences), 10), np.float32)
        with self.lock:
            for row, sequence in enumerate(sequences):
                self.interpreter.set_tensor(self.input_index, sequence[None])
                self.interpreter.invoke()
                probabilities[row] = self.interpreter.get_tensor(self.output_index)[0]
        return probabilities
