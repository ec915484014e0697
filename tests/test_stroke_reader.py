import numpy as np
import pytest

from digitpad.drawing import Stroke
from digitpad.model import ModelError
from digitpad.resources import resource_path
from digitpad.stroke_reader import StrokeReader


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        StrokeReader(tmp_path / "nothing.tflite")


@pytest.mark.parametrize("content", [b"", b"garbage" * 100])
def test_damaged_model_file(tmp_path, content):
    path = tmp_path / "broken.tflite"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="damaged"):
        StrokeReader(path)


def test_the_image_model_is_not_a_stroke_model():
    with pytest.raises(ModelError, match="pen paths"):
        StrokeReader(resource_path("model", "digitpad.tflite"))


@pytest.mark.slow
def test_reads_strokes_as_keras_does(tmp_path):
    """A stroke model trained for a moment on a few pen paths, exported, read back through LiteRT."""
    pytest.importorskip("tensorflow")
    from training.stroke_model import StrokeTrainingSettings, export_stroke_lite, fit

    rng = np.random.default_rng(0)
    digits = [[Stroke(tuple(map(tuple, rng.uniform(0, 500, (int(rng.integers(2, 30)), 2)))), 24.0)
               for _ in range(int(rng.integers(1, 3)))] for _ in range(40)]
    from digitpad.stroke_features import digits_to_sequences

    sequences = digits_to_sequences(digits)
    model = fit(sequences, rng.integers(0, 10, len(digits)), StrokeTrainingSettings(epochs=1, batch_size=8), verbose=0)
    reader = StrokeReader(export_stroke_lite(model, tmp_path / "strokes.tflite"))
    probabilities = reader.predict(digits)
    assert probabilities.shape == (40, 10) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(probabilities, model.predict(sequences, verbose=0), atol=1e-5)
    assert reader.predict([]).shape == (0, 10)
    with pytest.raises(ValueError, match="shape"):
        reader.predict_sequences(np.zeros((2, 32, 5), np.float32))


def test_the_bundled_stroke_model_reads_pen_digits(pen_digit_set):
    """The shipped file is a working stroke model: it reads pen digits drawn on the canvas (ones
    it trained on, so this checks the file, not how well it reads unseen writers: bench/)."""
    from digitpad.resources import stroke_model_path
    from training import pen_digits

    reader = StrokeReader(stroke_model_path())
    chosen = pen_digit_set[::20]
    drawn = [pen_digits.to_strokes(digit, pen_digits.CONDITIONS[0], 560) for digit in chosen]
    probabilities = reader.predict(drawn)
    accuracy = np.mean(probabilities.argmax(axis=1) == [digit.label for digit in chosen])
    assert len(chosen) > 300 and accuracy > 0.97
