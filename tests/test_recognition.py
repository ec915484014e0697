import numpy as np
import pytest

from digitpad.drawing import Stroke
from digitpad.recognition import EMPTY, Recognizer, Result
from digitpad.settings import RecognitionSettings


class FixedModel:
    """Stands in for DigitModel: returns given probabilities."""

    def __init__(self, row):
        self.row = np.asarray(row, np.float32)

    def predict(self, images):
        return np.tile(self.row, (len(images), 1))


def confident(digit, probability):
    row = np.full(10, (1 - probability) / 9)
    row[digit] = probability
    return row


SEVEN = [Stroke(((150, 130), (400, 130), (260, 460)), 24.0)]


def test_empty_canvas_is_empty_result():
    recognizer = Recognizer(FixedModel(confident(3, 0.99)))
    assert recognizer.recognise_strokes([], 560) == EMPTY
    assert EMPTY.text == "" and not EMPTY.sure and EMPTY.confidence == 0.0


@pytest.mark.parametrize("probability, sure", [(0.99, True), (0.81, True), (0.5, False)])
def test_confidence_threshold_from_settings(probability, sure):
    recognizer = Recognizer(FixedModel(confident(7, probability)), RecognitionSettings(confident=0.8))
    result = recognizer.recognise_strokes(SEVEN, 560)
    assert result.text == "7" and result.sure is sure


def test_a_blob_of_ink_is_not_a_digit():
    recognizer = Recognizer(FixedModel(confident(8, 0.99)))
    blob = [Stroke(((200, 200), (360, 200), (360, 360), (200, 360), (200, 200)), 200.0)]
    result = recognizer.recognise_strokes(blob, 560)
    assert result.digits and not result.sure


def test_too_many_pieces_is_a_scribble():
    recognizer = Recognizer(FixedModel(confident(1, 0.99)), RecognitionSettings(max_digits=3))
    strokes = [Stroke(((40 + 60 * i, 200), (40 + 60 * i, 300)), 10.0) for i in range(8)]
    result = recognizer.recognise_strokes(strokes, 560)
    assert result.scribble and not result.sure and len(result.digits) == 3


def test_result_json_and_confidence_of_a_number():
    recognizer = Recognizer(FixedModel(confident(1, 0.9)))
    strokes = [Stroke(((100, 100), (100, 400)), 20.0), Stroke(((300, 100), (300, 400)), 20.0)]
    result = recognizer.recognise_strokes(strokes, 560)
    assert result.text == "11" and result.confidence == pytest.approx(0.81, abs=1e-3)
    data = result.to_json()
    assert data["text"] == "11" and len(data["digits"]) == 2 and len(data["digits"][0]["probabilities"]) == 10


def test_result_defaults():
    assert Result().digits == () and not Result().scribble


class FailingModel:
    def predict(self, images):
        raise RuntimeError("the model broke")


def test_a_model_failure_reaches_the_caller():
    # the model runs on the recognizer's inference thread; its errors must still be raised here
    recognizer = Recognizer(FailingModel())
    with pytest.raises(RuntimeError, match="the model broke"):
        recognizer.recognise_strokes(SEVEN, 560)
    recognizer.close()
