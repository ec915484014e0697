import numpy as np
import pytest

from digitpad import grouping
from digitpad.drawing import Stroke
from digitpad.recognition import EMPTY, Recognizer, Result, combine_readings, touched_by_eraser
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


@pytest.mark.parametrize("count, too_many", [(3, False), (4, True), (8, True)])
def test_too_many_pieces_say_too_many_digits(count, too_many):
    recognizer = Recognizer(FixedModel(confident(1, 0.99)), RecognitionSettings(max_digits=3))
    strokes = [Stroke(((40 + 60 * i, 200), (40 + 60 * i, 300)), 10.0) for i in range(count)]
    result = recognizer.recognise_strokes(strokes, 560)
    assert result.scribble is too_many and result.sure is not too_many and len(result.digits) == min(count, 3)
    assert result.doubt == ("too many digits: at most 3" if too_many else "")
    assert result.to_json()["doubt"] == result.doubt


def tangle(seed, count=60):
    return tuple(map(tuple, np.random.default_rng(seed).uniform(60, 500, size=(count, 2))))


def loop(centre_x, centre_y, radius):
    angles = np.linspace(0, 2 * np.pi, 60)
    return Stroke(tuple(zip(centre_x + radius * np.cos(angles), centre_y + radius * np.sin(angles), strict=True)), 12.0)


CHAIN_OF_LOOPS = [loop(280, 100 + 70 * i, 40) for i in range(5)]  # one piece, five holes, thin ink
ZIGZAG = [Stroke(tuple((100 + 30 * (i % 2) + 12 * i, 100 + 360 * (i % 2)) for i in range(30)), 12.0)]
TINY_SEVEN = [Stroke(((270, 270), (290, 270), (278, 295)), 6.0)]  # 25 canvas pixels tall


@pytest.mark.parametrize("strokes, doubt", [
    ([Stroke(((280, 280),), 24.0)], "just a dot"),  # a click
    ([Stroke(((280, 280),), 64.0)], "just a dot"),  # with the largest brush
    (TINY_SEVEN, "too small to read"),
    ([Stroke(tangle(5, 12), 12.0)], "scribble: strokes too long"),
    (CHAIN_OF_LOOPS, "scribble: too many holes"),
    (ZIGZAG, "too much ink"),
    ([Stroke(((200, 200), (360, 200), (360, 360), (200, 360), (200, 200)), 200.0)], "solid patch, not strokes"),
    (SEVEN, ""),
])
def test_each_doubt_is_named(strokes, doubt):
    recognizer = Recognizer(FixedModel(confident(7, 0.99)))
    result = recognizer.recognise_strokes(strokes, 560)
    assert result.digits[0].doubt == doubt and result.doubt == doubt and result.sure is (doubt == "")


def test_low_confidence_names_the_confidence():
    recognizer = Recognizer(FixedModel(confident(7, 0.62)))
    result = recognizer.recognise_strokes(SEVEN, 560)
    assert result.digits[0].doubt == "low confidence (62%)" and not result.sure
    assert result.judged_by_confidence  # its percentage is the reason


def test_a_shape_doubt_is_not_judged_by_confidence():
    recognizer = Recognizer(FixedModel(confident(1, 0.99)))
    strokes = [Stroke(((100, 100), (100, 400)), 20.0), Stroke(((300, 280),), 20.0)]
    assert not recognizer.recognise_strokes(strokes, 560).judged_by_confidence  # "just a dot"
    assert recognizer.recognise_strokes(strokes[:1], 560).judged_by_confidence  # sure


def test_the_first_doubtful_digit_of_a_number_is_named():
    recognizer = Recognizer(FixedModel(confident(1, 0.99)))
    strokes = [Stroke(((100, 100), (100, 400)), 20.0), Stroke(((300, 280),), 20.0)]
    result = recognizer.recognise_strokes(strokes, 560)
    assert [digit.doubt for digit in result.digits] == ["", "just a dot"]
    assert result.doubt == "digit 2: just a dot"


@pytest.mark.parametrize("fraction, small", [(0.06, False), (0.12, True)])
def test_too_small_follows_the_setting(fraction, small):
    recognizer = Recognizer(FixedModel(confident(7, 0.99)), RecognitionSettings(min_digit_size=fraction))
    seven = [Stroke(((260, 260), (300, 260), (275, 300)), 6.0)]  # box about 0.09 of the canvas
    assert (recognizer.recognise_strokes(seven, 560).doubt == "too small to read") is small


def test_pictures_have_no_size_limit():
    recognizer = Recognizer(FixedModel(confident(7, 0.99)))
    picture = np.full((1000, 1000), 255, np.uint8)
    picture[480:520, 490:498] = 0  # a 1 four percent of the picture tall
    assert recognizer.recognise_picture(picture).sure


def test_result_json_and_confidence_of_a_number():
    recognizer = Recognizer(FixedModel(confident(1, 0.9)))
    strokes = [Stroke(((100, 100), (100, 400)), 20.0), Stroke(((300, 100), (300, 400)), 20.0)]
    result = recognizer.recognise_strokes(strokes, 560)
    assert result.text == "11" and result.confidence == pytest.approx(0.81, abs=1e-3)
    data = result.to_json()
    assert data["text"] == "11" and len(data["digits"]) == 2 and len(data["digits"][0]["probabilities"]) == 10


def test_result_defaults():
    assert Result().digits == () and not Result().scribble and Result().doubt == ""


class FailingModel:
    def predict(self, images):
        raise RuntimeError("the model broke")


def test_a_model_failure_reaches_the_caller():
    # the model runs on the recognizer's inference thread; its errors must still be raised here
    recognizer = Recognizer(FailingModel())
    with pytest.raises(RuntimeError, match="the model broke"):
        recognizer.recognise_strokes(SEVEN, 560)
    recognizer.close()


SEVEN_WITHOUT_BAR = Stroke(((100, 150), (220, 150), (150, 420)), 24.0)
SEVEN_BAR = Stroke(((120, 290), (200, 290)), 24.0)
ONE_AT_350 = Stroke(((350, 150), (345, 420)), 24.0)


def test_each_digit_carries_the_indices_of_its_strokes():
    recognizer = Recognizer(FixedModel(confident(7, 0.99)))
    strokes = [ONE_AT_350, SEVEN_WITHOUT_BAR, Stroke(((0, 0),), 30.0, erase=True), SEVEN_BAR]  # the 1 first
    result = recognizer.recognise_strokes(strokes, 560)
    assert [digit.strokes for digit in result.digits] == [(1, 3), (0,)]  # left to right; erasers in none


def test_pictures_and_masks_have_no_strokes():
    recognizer = Recognizer(FixedModel(confident(7, 0.99)))
    mask = recognizer.strokes_to_mask(SEVEN, 560)
    assert [digit.strokes for digit in recognizer.recognise_mask(mask).digits] == [()]


def test_erasers_apply_to_every_digit():
    recognizer = Recognizer(FixedModel(confident(1, 0.99)))
    ones = [Stroke(((200, 100), (200, 460)), 24.0), Stroke(((400, 100), (400, 460)), 24.0)]
    lower_half = Stroke(((100, 380), (500, 380)), 200.0, erase=True)  # clears y 280-480
    pieces, shown, members = recognizer.stroke_pieces([*ones, lower_half], 560)
    assert members == [(0,), (1,)] and len(shown) == 2
    scale = recognizer.settings.recognition_scale
    assert all(piece.box[3] <= 281 * scale for piece in pieces)  # raster pixels
    assert all(solid.shape == piece.mask.shape for solid, piece in zip(shown, pieces, strict=True))


def test_ink_erased_entirely_is_nothing():
    recognizer = Recognizer(FixedModel(confident(1, 0.99)))
    strokes = [*SEVEN, Stroke(((150, 130), (400, 130), (260, 460)), 80.0, erase=True)]
    assert recognizer.recognise_strokes(strokes, 560) == EMPTY


# ----------------------------------------------------------------------------- the stroke reader's say
class FixedStrokeReader:
    """Stands in for StrokeReader: returns a given row per digit and keeps what it was asked."""

    def __init__(self, row):
        self.row = np.asarray(row, np.float32)
        self.asked = []  # per call, the digits' strokes

    def predict(self, digits):
        self.asked.append(digits)
        return np.tile(self.row, (len(digits), 1))


@pytest.mark.parametrize("weight, expected", [(0.0, 1), (0.4, 7), (1.0, 7)])
def test_combining_weighs_the_two_readings(weight, expected):
    image, strokes = confident(1, 0.6), confident(7, 0.95)
    combined = combine_readings(image, strokes, weight)
    assert combined.shape == (10,) and combined.sum() == pytest.approx(1.0, abs=1e-5)
    assert int(combined.argmax()) == expected
    if weight == 0.0:
        assert np.allclose(combined, image, atol=1e-6)


def test_two_agreeing_readings_combine_to_a_confidence_between_theirs():
    # a weighted geometric mean, renormalised: no surer than the surer of the two
    combined = combine_readings(confident(4, 0.7), confident(4, 0.8), 0.4)
    assert combined.argmax() == 4 and 0.7 < combined[4] < 0.8


@pytest.mark.parametrize("weight, shapes", [(1.5, ((10,), (10,))), (-0.1, ((10,), (10,))), (0.4, ((10,), (2, 10))),
                                            (0.4, ((9,), (9,)))])
def test_combining_refuses_bad_input(weight, shapes):
    with pytest.raises(ValueError):
        combine_readings(np.full(shapes[0], 0.1), np.full(shapes[1], 0.1), weight)


@pytest.mark.parametrize("eraser, touched", [(((130, 300), (170, 300)), True), (((500, 500), (540, 540)), False),
                                             (None, False)])
def test_touched_by_eraser(eraser, touched):
    erasers = [Stroke(eraser, 20.0, erase=True)] if eraser else []
    assert touched_by_eraser([SEVEN_WITHOUT_BAR], erasers) is touched


def test_the_stroke_reader_sways_a_drawn_digit():
    strokes = FixedStrokeReader(confident(7, 0.95))
    recognizer = Recognizer(FixedModel(confident(1, 0.6)), RecognitionSettings(stroke_weight=0.4), strokes)
    result = recognizer.recognise_strokes([SEVEN_WITHOUT_BAR, SEVEN_BAR], 560)
    assert result.text == "7"
    assert result.digits[0].probabilities == pytest.approx(
        tuple(combine_readings(confident(1, 0.6), confident(7, 0.95), 0.4)), abs=1e-6)
    assert strokes.asked == [[[SEVEN_WITHOUT_BAR, SEVEN_BAR]]]  # the digit's own strokes, in drawing order


def test_each_digit_of_a_number_is_read_from_its_own_strokes():
    strokes = FixedStrokeReader(confident(7, 0.95))
    recognizer = Recognizer(FixedModel(confident(7, 0.9)), RecognitionSettings(stroke_weight=0.4), strokes)
    result = recognizer.recognise_strokes([SEVEN_WITHOUT_BAR, ONE_AT_350, SEVEN_BAR], 560)
    assert len(result.digits) == 2
    assert strokes.asked == [[[SEVEN_WITHOUT_BAR, SEVEN_BAR], [ONE_AT_350]]]


@pytest.mark.parametrize("weight, eraser, asked", [(0.0, None, False), (0.4, ((130, 300), (170, 300)), False),
                                                   (0.4, ((500, 500), (540, 540)), True)])
def test_the_picture_alone_when_the_strokes_have_no_say(weight, eraser, asked):
    # a weight of 0, or an eraser over the digit: its strokes no longer say what the user sees
    strokes = FixedStrokeReader(confident(7, 0.95))
    recognizer = Recognizer(FixedModel(confident(1, 0.6)), RecognitionSettings(stroke_weight=weight), strokes)
    drawn = [SEVEN_WITHOUT_BAR] + ([Stroke(eraser, 20.0, erase=True)] if eraser else [])
    result = recognizer.recognise_strokes(drawn, 560)
    assert bool(strokes.asked) is asked and result.text == ("7" if asked else "1")


def test_pictures_are_read_by_the_image_model_alone():
    strokes = FixedStrokeReader(confident(7, 0.95))
    recognizer = Recognizer(FixedModel(confident(1, 0.6)), RecognitionSettings(stroke_weight=0.4), strokes)
    mask = np.zeros((200, 200), np.uint8)
    mask[40:160, 95:105] = 1
    assert recognizer.recognise_mask(mask).text == "1" and not strokes.asked


def test_a_taught_reading_survives_a_confident_stroke_reading():
    # where a taught sample decides alone, adaptation puts the picture's reading all on one digit
    taught = np.eye(10, dtype=np.float32)[1]
    strokes = FixedStrokeReader(confident(7, 1 - 1e-6))
    recognizer = Recognizer(FixedModel(taught), RecognitionSettings(stroke_weight=0.4), strokes)
    result = recognizer.recognise_strokes([SEVEN_WITHOUT_BAR, SEVEN_BAR], 560)
    assert strokes.asked and result.text == "1" and result.sure


def test_a_scribble_is_not_read_by_the_stroke_reader():
    strokes = FixedStrokeReader(confident(7, 0.95))
    recognizer = Recognizer(FixedModel(confident(8, 0.99)), RecognitionSettings(stroke_weight=0.4), strokes)
    result = recognizer.recognise_strokes([Stroke(tangle(5, 12), 12.0)], 560)
    assert result.digits[0].doubt == "scribble: strokes too long"
    assert not strokes.asked and result.text == "8"


def test_pieces_joined_by_the_hand_set_rules_are_read_again_as_one_by_the_stroke_reader():
    # two digit-tall strokes close together: two groups, joined because the image model is surer
    # of the whole (with this stand-in, as sure as of each piece, and the pieces together less so)
    left, right = Stroke(((200, 100), (200, 460)), 24.0), Stroke(((240, 100), (240, 460)), 24.0)
    strokes = FixedStrokeReader(confident(4, 0.9))
    settings = RecognitionSettings(stroke_weight=0.4, join_by_reading=False)
    recognizer = Recognizer(FixedModel(confident(4, 0.6)), settings, strokes)
    result = recognizer.recognise_strokes([left, right], 560)
    assert len(result.digits) == 1 and result.digits[0].strokes == (0, 1)
    assert strokes.asked == [[[left], [right]], [[left, right]]]  # each piece while the image model ran; the whole
    assert result.digits[0].confidence > 0.6  # the stroke reader's say counts for the joined digit


@pytest.mark.parametrize("confidence, shown", [(0.7999, "79%"), (np.float32(0.79999), "79%"), (0.62, "62%"),
                                               (0.005, "0%")])
def test_low_confidence_is_rounded_down(confidence, shown):
    """A value just under the 80 % bar never shows as 80 %."""
    from digitpad.recognition import low_confidence

    assert low_confidence(confidence) == f"low confidence ({shown})"


@pytest.mark.parametrize("probability, whole", [(0.29, 29), (0.57, 57), (0.6799, 67), (0.999999, 99), (1.0, 100)])
def test_percentages_are_whole_and_rounded_down(probability, whole):
    from digitpad.recognition import percent_text, whole_percent

    assert whole_percent(probability) == whole and percent_text(probability) == f"{whole}%"


def test_just_under_the_bar_reads_below_it():
    recognizer = Recognizer(FixedModel(confident(7, 0.7996)))
    assert recognizer.recognise_strokes(SEVEN, 560).digits[0].doubt == "low confidence (79%)"

def real_recognizer(**changes):
    from digitpad.model import DigitModel
    from digitpad.resources import model_path, stroke_model_path
    from digitpad.stroke_reader import StrokeReader

    return Recognizer(DigitModel(model_path()), RecognitionSettings(**changes), StrokeReader(stroke_model_path()))


@pytest.mark.parametrize("bar_end, stem", [(296, 318), (290, 320), (300, 330), (280, 320)])
def test_an_l_then_its_stem_beside_it_reads_as_one_four(bar_end, stem):
    strokes = [Stroke(((200, 150), (160, 320), (bar_end, 320)), 24.0), Stroke(((stem, 180), (stem, 440)), 24.0)]
    assert len(grouping.group_strokes(strokes, grouping.PROPOSAL)) == 2  # the pieces reading starts from
    result = real_recognizer().recognise_strokes(strokes, 560)
    assert result.text == "4" and result.digits[0].strokes == (0, 1)


def test_two_digits_that_touch_read_as_two():
    angles = np.linspace(0, 2 * np.pi, 40)
    strokes = [Stroke(tuple(zip(x + 60 * np.cos(angles), 285 + 130 * np.sin(angles), strict=True)), 24.0)
               for x in (160, 290)]  # two 0s whose ink touches
    result = real_recognizer().recognise_strokes(strokes, 560)
    assert result.text == "00"


def six(dx=0):
    points = [(300, 150), (262, 230), (240, 320), (248, 395), (285, 425), (322, 400), (325, 350), (290, 325),
              (250, 350)]
    return Stroke(tuple((x + dx, y) for x, y in points), 24.0)


@pytest.mark.parametrize("one_at", [205, 215, 222])  # from a hair's gap to overlapping the 6's columns
def test_a_one_written_touching_the_digit_after_it_reads_as_two_digits(one_at):
    strokes = [Stroke(((one_at + 4, 150), (one_at - 4, 425)), 24.0), six()]
    assert real_recognizer().recognise_strokes(strokes, 560).text == "16"


@pytest.mark.parametrize("one_at", [215, 222])  # the 1 overlaps the columns of the 6 before it
def test_a_one_written_touching_the_digit_before_it_reads_as_two_digits(one_at):
    strokes = [six(-150), Stroke(((one_at - 16, 150), (one_at - 24, 425)), 24.0)]
    assert real_recognizer().recognise_strokes(strokes, 560).text == "61"


def test_an_unreadable_prior_leaves_the_joins_to_the_hand_set_rules(monkeypatch, tmp_path):
    from digitpad import resources

    monkeypatch.setattr(resources, "grouping_prior_path", lambda: tmp_path / "missing.json")
    recognizer = Recognizer(FixedModel(confident(4, 0.99)))
    assert recognizer.join_prior is None
    strokes = [Stroke(((200, 150), (160, 320), (296, 320)), 24.0), Stroke(((318, 180), (318, 440)), 24.0)]
    assert len(recognizer.recognise_strokes(strokes, 560).digits) == 1  # the stem touches: part of the 4


class JoinTaughtModel(FixedModel):
    """Reads every piece as a sure 1, and says a correction joined ink like any of it before."""

    joins_taught = 1

    def predict_with_features(self, images):
        return self.predict(images), np.ones((len(images), 4), np.float32)

    def join_shares(self, features):
        return np.ones(len(features))


@pytest.mark.parametrize("model, count", [(FixedModel(confident(1, 0.99)), 2),
                                          (JoinTaughtModel(confident(1, 0.99)), 1)])
def test_a_join_taught_by_a_correction_wins_over_two_sure_pieces(model, count):
    strokes = [Stroke(((200, 100), (200, 460)), 24.0), Stroke(((240, 100), (240, 460)), 24.0)]
    assert len(Recognizer(model).recognise_strokes(strokes, 560).digits) == count


TWO_ONES = [Stroke(((200, 100), (200, 460)), 24.0), Stroke(((330, 100), (330, 460)), 24.0)]


@pytest.mark.parametrize("groups, doubted", [(None, True), ([[0], [1]], False)])  # a grouping the user gave: asked not
def test_digits_reaching_into_their_neighbour_are_not_sure(monkeypatch, groups, doubted):
    from digitpad import joining
    from digitpad.recognition import OVERLAPPING

    monkeypatch.setattr(joining, "overlapping", lambda pieces, *limits: [True] * len(pieces))  # geometry: test_joining
    result = Recognizer(FixedModel(confident(1, 0.99))).recognise_strokes(TWO_ONES, 560, groups=groups)
    assert result.text == "11"
    assert [digit.doubt for digit in result.digits] == [OVERLAPPING if doubted else ""] * 2


def test_two_ones_side_by_side_are_sure():
    assert Recognizer(FixedModel(confident(1, 0.99))).recognise_strokes(TWO_ONES, 560).sure


def test_a_four_leaning_under_the_seven_before_it_is_not_doubted_for_overlapping():
    """A try-out's "74": the 4's "L" leans left under the 7's foot, so their ink boxes overlap,
    but every row shows a gap between them."""
    def stroke(*points):
        return Stroke(tuple((x * 5.6, y * 5.6) for x, y in points), 24.0)

    strokes = [stroke((20, 30), (38, 30), (26, 70)), stroke((52, 30), (38, 58), (60, 58)), stroke((54, 42), (54, 72))]
    result = real_recognizer().recognise_strokes(strokes, 560)
    assert result.text == "74" and result.sure
