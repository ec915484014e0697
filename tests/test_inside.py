"""digitpad/inside.py: what the inside view computes, without a window; and predict --inside."""

import json

import cv2
import numpy as np
import pytest

from digitpad import cli
from digitpad.drawing import Stroke
from digitpad.ink import render_mask
from digitpad.inside import NEAREST_COUNT, load_reference_digits, nearest, read_inside, say
from digitpad.recognition import Recognizer, combine_readings, whole_percent
from digitpad.resources import model_path, stroke_model_path
from digitpad.stroke_reader import StrokeReader

SEVEN = [Stroke(((150, 130), (400, 130), (260, 460)), 24.0)]
FOUR = [Stroke(((300, 110), (190, 330), (380, 330)), 24.0), Stroke(((330, 200), (330, 460)), 24.0)]


@pytest.fixture(scope="module")
def reading_recognizer(model):
    recognizer = Recognizer(model, strokes=StrokeReader(stroke_model_path()))
    yield recognizer
    recognizer.close()


@pytest.fixture(scope="module")
def reference():
    return load_reference_digits(model_path())


def test_reference_digits_ship_their_images(reference):
    assert reference.images is not None and reference.images.shape == (len(reference.labels), 28, 28)
    assert reference.images.dtype == np.uint8 and reference.images.max() == 255


def test_nearest_reference_digit_of_a_reference_digit_is_itself(model, reference):
    row = 17
    features = model.predict_with_features(reference.images[row].astype(np.float32) / 255)[1][0]
    found = nearest(features, reference)
    assert len(found) == NEAREST_COUNT
    assert found[0].label == reference.labels[row] and found[0].similarity == pytest.approx(1.0, abs=2e-3)
    assert np.array_equal(found[0].image, reference.images[row])
    assert [n.similarity for n in found] == sorted((n.similarity for n in found), reverse=True)


@pytest.mark.parametrize("strokes", [SEVEN, FOUR])
def test_a_drawn_digit_shows_both_readings_maps_and_its_pen_path(reading_recognizer, model, reference, strokes):
    result = reading_recognizer.recognise_strokes(strokes, 560)
    digit = result.digits[0]
    inside = read_inside(result, 0, model, reference)
    assert [stage.shape for stage in inside.maps] == [(28, 28, 48), (14, 14, 96), (7, 7, 192)]
    assert inside.features.shape == (256,) and inside.pen_path.shape == (64, 5)
    assert inside.pen_note == "" and len(inside.pen) == 10
    # the readings the app combined, and their combination is what it answered
    weight = reading_recognizer.settings.stroke_weight
    combined = combine_readings(np.array(inside.picture), np.array(inside.pen), weight)
    assert np.allclose(combined, digit.probabilities, atol=1e-6)
    assert inside.verdict == (f"picture: {say(inside.picture)}, pen path: {say(inside.pen)}, "
                              f"together: {say(digit.probabilities)}")
    assert inside.verdict.endswith(f"together: {digit.digit} ({whole_percent(digit.confidence)} %)")
    # a pen lift for each stroke after the first
    assert (inside.pen_path[:, 4] > 0).any() == (len(strokes) > 1)
    assert sum(n.label == digit.digit for n in inside.nearest) >= 3


def test_a_scribble_is_read_from_its_picture_alone_and_says_why(reading_recognizer, model, reference):
    rng = np.random.default_rng(1)
    scribble = [Stroke(tuple(map(tuple, rng.uniform(100, 460, (60, 2)))), 24.0)]
    result = reading_recognizer.recognise_strokes(scribble, 560)
    inside = read_inside(result, 0, model, reference)
    assert result.digits[0].doubt and inside.pen == () and inside.doubt == result.digits[0].doubt
    assert inside.pen_note.startswith("not read: ") and result.digits[0].doubt in inside.pen_note
    assert inside.verdict == f"picture: {say(inside.picture)}" and len(inside.maps) == 3


def test_an_erased_digit_is_read_from_its_picture_alone(reading_recognizer, model, reference):
    strokes = SEVEN + [Stroke(((380, 120), (420, 150)), 40.0, erase=True)]
    inside = read_inside(reading_recognizer.recognise_strokes(strokes, 560), 0, model, reference)
    assert inside.pen == () and "eraser" in inside.pen_note


def test_empty_result_shows_nothing(reading_recognizer, model, reference):
    assert read_inside(reading_recognizer.recognise_strokes([], 560), 0, model, reference) is None


def test_pictures_have_no_pen_path(reading_recognizer, model, reference):
    result = reading_recognizer.recognise_picture(render_mask(SEVEN, (560, 560)) * 255)
    inside = read_inside(result, 0, model, None, "no reference here")
    assert inside.pen_path is None and inside.pen == () and inside.nearest == ()
    assert inside.reference_note == "no reference here" and inside.verdict.startswith("picture: 7")


def test_taught_samples_are_named_when_they_decide(model, reference):
    from digitpad.adaptation import AdaptedModel

    adapted = AdaptedModel(model)
    recognizer = Recognizer(adapted)
    try:
        before = recognizer.recognise_strokes(SEVEN, 560)
        assert read_inside(before, 0, adapted, reference).taught_note == ""
        wrong = (before.digits[0].digit + 1) % 10
        adapted.teach(before.digits[0].image, wrong)
        after = recognizer.recognise_strokes(SEVEN, 560)
        inside = read_inside(after, 0, adapted, reference)
        assert after.digits[0].digit == wrong
        assert inside.taught_note.startswith("a taught sample decided") and say(before.digits[0].probabilities) \
            in inside.taught_note
    finally:
        recognizer.close()


def test_predict_inside_writes_both_readings_and_nearest_labels(tmp_path, capsys):
    path = tmp_path / "four.png"
    cv2.imwrite(str(path), render_mask(FOUR, (560, 560)) * 255)
    assert cli.main(["predict", "--inside", "--no-adapt", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    inside = data["digits"][0]["inside"]
    assert data["text"] == "4" and inside["pen_path"] is None and len(inside["picture"]) == 10
    assert inside["together"] == data["digits"][0]["probabilities"]
    assert len(inside["nearest"]) == NEAREST_COUNT and all(0 <= n["label"] <= 9 for n in inside["nearest"])
    assert inside["verdict"].startswith("picture: 4")
