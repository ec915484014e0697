"""The not-a-digit reader (digitpad/nondigit.py) and what the app does with it."""

import shutil

import numpy as np
import pytest

from digitpad import path_shape
from digitpad.drawing import Stroke
from digitpad.nondigit import INPUTS, POOLED, NonDigitError, NonDigitReader, head_inputs, head_path, load_reader
from digitpad.recognition import NOT_A_DIGIT
from digitpad.resources import model_path, nondigit_path
from tests.conftest import PEN_DIGITS
from tests.replay import draw_strokes
from training import nondigits, pen_digits

SHAPES = ("plus", "cross", "equals", "triangle", "box", "star", "smiley", "heart",  # the issue's
          "house", "hexagon")  # closed shapes with corners: read as sure 0s before the pen path's turns and maps


def shape_strokes(name, seed=0):
    """A shape of training/nondigits.py drawn plainly: 0.6 of the canvas tall, in its middle."""
    rng = np.random.default_rng(seed)
    if name == "star":  # the outlined star (a one-stroke pentagram is "too many holes" already)
        rng = np.random.default_rng(1)
    paths = nondigits.draw_paths(f"shapes/{name}", rng)
    placed = pen_digits.place(paths, 560, 0.6, (0.5, 0.5))
    return [Stroke(tuple(map(tuple, np.round(path))), 24.0) for path in placed]


def read(app, strokes):
    from bench.common import clear

    clear(app)
    draw_strokes(app, strokes)
    app.flush()
    return app.result


@pytest.fixture(scope="module")
def pen_by_label():
    by_label = {}
    for digit in pen_digits.load(PEN_DIGITS):
        by_label.setdefault(digit.label, []).append(digit)
    return by_label


@pytest.mark.parametrize("name", SHAPES)
def test_the_issues_shapes_are_not_sure_because_they_are_not_digits(app, name):
    result = read(app, shape_strokes(name))
    assert len(result.digits) == 1, result.text
    assert not result.sure and result.doubt == NOT_A_DIGIT
    assert result.to_json()["doubt"] == NOT_A_DIGIT and result.to_json()["digits"][0]["doubt"] == NOT_A_DIGIT


@pytest.mark.parametrize("operator", ["plus", "equals"])
def test_a_sum_is_not_a_sure_number_and_its_operator_is_marked(app, pen_by_label, operator):
    rng = np.random.default_rng(0)
    strokes = nondigits.compose_sum([pen_by_label[3][0]], nondigits.OPERATORS[operator](rng), [pen_by_label[4][0]],
                                    rng, 560)
    result = read(app, strokes)
    assert len(result.digits) == 3 and not result.sure  # 3, the operator, 4: three pieces
    assert [digit.doubt == NOT_A_DIGIT for digit in result.digits] == [False, True, False]
    assert result.doubt == f"digit 2: {NOT_A_DIGIT}"
    assert result.text[0] == "3" and result.text[2] == "4"


@pytest.mark.parametrize("letter", ["V", "W", "N", "M"])
def test_letters_of_straight_strokes_that_meet_are_not_a_run_of_ones(app, letter):
    """The simplex font draws these in separate strokes, each a sure 1 alone (V read 11, W 1111)."""
    paths = [stroke.copy() for stroke in nondigits.font_glyphs("futural", letter)[0]]
    placed = pen_digits.place(paths, 560, 0.6, (0.5, 0.5))
    result = read(app, [Stroke(tuple(map(tuple, np.round(path))), 24.0) for path in placed])
    assert not result.sure, (result.text, result.doubt)


def test_ones_written_apart_stay_sure(app):
    ones = [Stroke(((x + 10.0, 150.0), (x, 400.0)), 24.0) for x in (200.0, 260.0)]  # 1.5 brushes apart
    result = read(app, ones)
    assert result.sure and result.text == "11", (result.text, result.doubt)


@pytest.mark.parametrize("label", [4, 7, 0])
def test_plain_digits_stay_sure(app, pen_by_label, label):
    for digit in pen_by_label[label][:3]:
        result = read(app, pen_digits.to_strokes(digit, pen_digits.CONDITIONS[0], 560))
        assert result.sure and result.text == str(label), (result.text, result.doubt)


def test_a_taught_sample_is_a_digit(app):
    assert read(app, shape_strokes("plus")).doubt == NOT_A_DIGIT
    app.teach(4)  # "this is a 4": the user says so
    app.flush()
    assert app.result.text == "4" and app.result.sure and app.result.digits[0].doubt == ""


def test_the_panel_marks_a_not_a_digit_thumbnail(app):
    import pygame

    from digitpad import view

    read(app, shape_strokes("heart"))
    surface = pygame.Surface(app.layout.panel.size)
    plan = view.draw_panel(surface, app.fonts, pygame.Rect((0, 0), app.layout.panel.size), app)
    assert "not a digit" in plan.text() and view.is_not_a_digit(app.result.digits[0])
    square = plan.thumbnails[0]
    middle = surface.get_at(square.center)[:3]  # the strike goes through the middle of the input
    assert tuple(middle) == view.WARNING


def test_pictures_with_an_operator_are_not_sure(recognizer, pen_by_label, model):
    from digitpad.ink import render_mask
    from digitpad.recognition import Recognizer

    reader, notice = load_reader(model)
    assert reader is not None and not notice
    rng = np.random.default_rng(0)
    strokes = nondigits.compose_sum([pen_by_label[3][0]], nondigits.plus(rng), [pen_by_label[4][0]], rng, 560)
    picture = np.where(render_mask(strokes, (560, 560)) > 0, 20, 235).astype(np.uint8)
    with_reader = Recognizer(model, nondigit=reader)
    try:
        result = with_reader.recognise_picture(picture)
    finally:
        with_reader.close()
    assert len(result.digits) == 3 and not result.sure and result.digits[1].doubt == NOT_A_DIGIT
    assert recognizer.recognise_picture(picture).digits[1].doubt != NOT_A_DIGIT  # no reader, no such doubt


def test_the_bundled_reader_belongs_to_the_bundled_model(model):
    reader = NonDigitReader(nondigit_path(), model)
    assert head_path(model_path()) == nondigit_path()
    chances = reader.probability(np.zeros((3, 256), np.float32), np.full((3, 10), 0.1, np.float32))
    assert chances.shape == (3,) and np.all((chances >= 0) & (chances <= 1))


def test_head_inputs_stand_in_the_image_for_missing_strokes():
    features, image = np.ones((2, 256)), np.eye(10)[[3, 4]]
    strokes = np.eye(10)[[3, 5]]
    shapes = np.full((2, len(path_shape.NAMES)), 0.5)
    pooled = np.arange(2 * POOLED, dtype=np.float32).reshape(2, POOLED)
    inputs = head_inputs(features, image, strokes, np.array([True, False]), shapes, pooled)
    assert inputs.shape == (2, INPUTS) == (2, 256 + 22 + len(path_shape.NAMES) + POOLED)
    agree, known, turns = 276, 277, slice(278, 278 + len(path_shape.NAMES))
    assert inputs[0, agree] == 1 and inputs[0, known] == 1  # agree, strokes known
    assert inputs[1, agree] == 1 and inputs[1, known] == 0  # no strokes: the image's reading stands for them
    np.testing.assert_array_equal(inputs[1, 266:276], inputs[1, 256:266])
    np.testing.assert_array_equal(inputs[0, turns], shapes[0])  # the path's turns, where there is a path
    assert not inputs[1, turns].any()  # none without one
    np.testing.assert_array_equal(inputs[:, -POOLED:], pooled)  # the maps, with or without a path
    with pytest.raises(ValueError, match="do not match"):
        head_inputs(features, image, np.eye(10)[:3])
    with pytest.raises(ValueError, match="path shapes"):
        head_inputs(features, image, strokes, None, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="pooled maps"):
        head_inputs(features, image, strokes, None, None, np.zeros((2, 5)))


def test_a_model_without_maps_gets_no_reader(tmp_path, model):
    from digitpad.model import DigitModel

    class WithoutMaps(DigitModel):
        def predict_with_pooled(self, images, pooled=True):
            return (*super().predict_with_pooled(images, pooled=False)[:2], None)

    with pytest.raises(NonDigitError, match="no feature maps"):
        NonDigitReader(nondigit_path(), WithoutMaps(model_path()))


def test_a_reader_from_before_the_path_turns_says_retrain(tmp_path):
    with np.load(nondigit_path()) as data:
        arrays = dict(data)
    old_inputs = 256 + 22  # one head on features and readings alone, as the first reader was
    arrays["mean"], arrays["scale"] = arrays["mean"][:old_inputs], arrays["scale"][:old_inputs]
    arrays["hidden_weights"] = arrays["hidden_weights"][0, :old_inputs]
    arrays["hidden_bias"], arrays["output_weights"] = arrays["hidden_bias"][0], arrays["output_weights"][0]
    arrays["output_bias"] = arrays["output_bias"][:1]
    old = tmp_path / "old-nondigit.npz"
    with open(old, "wb") as file:
        np.savez(file, **arrays)
    with pytest.raises(NonDigitError, match="older digitpad.*--nondigit-only"):
        NonDigitReader(old)


def damaged_copy(tmp_path, problem):
    """A copy of the bundled model with a broken head beside it; returns the model's path."""
    model_file = tmp_path / "digitpad.tflite"
    shutil.copyfile(model_path(), model_file)
    head = head_path(model_file)
    if problem == "damaged":
        head.write_bytes(b"not a head at all")
    elif problem == "another image model":
        with np.load(nondigit_path()) as data:
            arrays = dict(data)
        arrays["probe_features"] = arrays["probe_features"] + 0.5
        with open(head, "wb") as file:
            np.savez(file, **arrays)
    return model_file


@pytest.mark.parametrize("problem", ["damaged", "another image model"])
def test_a_broken_reader_is_said_and_digits_are_still_read(user_home, tmp_path, capsys, problem):
    from digitpad.app import App
    from tests.test_app import warned_and_still_reads

    application = App(model_file=damaged_copy(tmp_path, problem), user_dir=user_home)
    try:
        application.flush()
        assert application.model_ready and application.recognizer.nondigit is None
        notice = warned_and_still_reads(application, capsys)
        assert problem in notice and "read as digits" in notice
    finally:
        application.close()


def test_a_missing_reader_is_said(monkeypatch, tmp_path):
    import digitpad.resources
    from digitpad.model import DigitModel

    monkeypatch.setattr(digitpad.resources, "nondigit_path", lambda: tmp_path / "gone.npz")
    reader, notice = load_reader(DigitModel(damaged_copy(tmp_path, "missing")))  # nothing beside it either
    assert reader is None and "not-a-digit reader not found" in notice and "gone.npz" in notice
    with pytest.raises(NonDigitError, match="not found"):
        NonDigitReader(tmp_path / "gone.npz")


def test_the_settings_can_turn_it_off(model):
    assert load_reader(model, not_digit_above=1.0) == (None, "")


def test_train_model_retrains_the_reader_alone(tmp_path):
    import json

    import train_model
    from digitpad.model import DigitModel

    shutil.copyfile(model_path(), tmp_path / "digitpad.tflite")
    assert train_model.main(["--nondigit-only", "--quick", "--output-dir", str(tmp_path)]) == 0
    NonDigitReader(tmp_path / "digitpad-nondigit.npz", DigitModel(tmp_path / "digitpad.tflite"))
    figures = json.loads((tmp_path / "digitpad-nondigit.json").read_text())
    assert figures["stroke_model"] is None and figures["not_digit_rows"] > 0


def test_predict_json_says_which_piece_is_not_a_digit(tmp_path, capsys, pen_by_label):
    import json

    import cv2

    from digitpad import cli
    from digitpad.ink import render_mask

    rng = np.random.default_rng(0)
    strokes = nondigits.compose_sum([pen_by_label[1][0], pen_by_label[2][0]], nondigits.equals(rng),
                                    [pen_by_label[5][0]], rng, 560)
    picture = tmp_path / "sum.png"
    cv2.imwrite(str(picture), np.where(render_mask(strokes, (560, 560)) > 0, 20, 235).astype(np.uint8))
    assert cli.main(["predict", "--json", str(picture)]) == 0
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert not answer["sure"] and answer["doubt"]  # the first doubtful piece's reason
    marked = [digit["doubt"] == NOT_A_DIGIT for digit in answer["digits"]]
    assert len(marked) == 4 and marked[2] and not marked[0] and not marked[3]  # the "=", not the 1 or the 5
    assert answer["digits"][1]["doubt"]  # this looped 2 reads from a picture as an 8 at 55 %: doubtful either way
    assert cli.main(["predict", str(picture)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line == f"{picture}: {answer['text']} (not sure: {answer['doubt']})"  # no percentage, as the panel


@pytest.mark.parametrize("weight, text", [(0.0, "61"), (1.0, "4")])
def test_an_open_four_whose_l_is_no_digit_alone_reads_as_one_four(model, weight, text):
    from digitpad.recognition import Recognizer
    from digitpad.resources import stroke_model_path
    from digitpad.settings import RecognitionSettings
    from digitpad.stroke_reader import StrokeReader

    four = pen_digits.load(PEN_DIGITS)[1089]  # a writer's 4: an "L", then its stem apart from the bar
    strokes = pen_digits.to_strokes(four, pen_digits.CONDITION_BY_NAME["large"], 560)
    reader, _ = load_reader(model)
    recognizer = Recognizer(model, RecognitionSettings(not_digit_join_weight=weight), StrokeReader(stroke_model_path()),
                            nondigit=reader)
    try:
        result = recognizer.recognise_strokes(strokes, 560)
    finally:
        recognizer.close()
    assert four.label == 4 and result.text == text  # without the reader's say the geometry splits it
