"""Teaching in the window: a correction (Return, the digits, Return) adapts the recogniser at
once, Ctrl+Z takes it back, F forgets (after asking), and a restart rebuilds the adaptation from
the stored samples. Corrections of a whole number: tests/test_correction.py."""

import pygame
import pytest

from digitpad import view
from digitpad.app import FORGET
from digitpad.drawing import Stroke
from tests.conftest import ellipse
from tests.replay import draw_strokes, key_event

CTRL = pygame.KMOD_LCTRL


# Ways of writing that the bundled model misreads, each drawn twice a little differently: the
# first drawing is taught, the second must then be read as taught.
STYLES = {
    "0 crossed by a bar": (0, [Stroke(ellipse(280, 280, 90, 170), 24.0), Stroke(((170, 280), (390, 280)), 24.0)],
                           [Stroke(ellipse(290, 270, 85, 165), 24.0), Stroke(((185, 272), (395, 284)), 24.0)]),
    "1 with a long flat flag": (1, [Stroke(((120, 150), (330, 100), (330, 470)), 24.0)],
                                [Stroke(((125, 160), (335, 105), (330, 465)), 24.0)]),
}


def read(app, strokes) -> str:
    app.handle_event(key_event(pygame.K_DELETE))
    draw_strokes(app, strokes)
    app.flush()
    return app.result.text


def press(app, key, mod=0):
    app.handle_event(key_event(key, mod))
    app.flush()


def correct(app, typed: str):
    """Return, the digits, Return: the drawing is `typed`."""
    for key in [pygame.K_RETURN] + [getattr(pygame, f"K_{digit}") for digit in typed] + [pygame.K_RETURN]:
        press(app, key)


@pytest.fixture
def misread(app):
    """(label, taught drawing, second drawing) of the first style the bundled model misreads."""
    for label, first, second in STYLES.values():
        if read(app, first) != str(label) and read(app, second) != str(label):
            return label, first, second
    pytest.fail("the bundled model reads every style in STYLES right: add one it misreads")


def sample_files(user_home):
    return sorted((user_home / "samples").rglob("*.png"))


def test_a_misread_style_is_read_right_after_one_teach(app, misread, user_home):
    label, first, second = misread
    read(app, first)
    correct(app, str(label))
    assert app.result.text == str(label)  # the drawing is read again at once
    assert read(app, second) == str(label)  # and the next one like it
    assert app.adaptation_status == "adapted to your writing: 1 sample"
    assert "adapted to your writing: 1 sample" in [line.text for line in view.panel_lines(app)]
    assert len(sample_files(user_home)) == 1


def test_ctrl_z_right_after_a_teach_takes_it_back(app, misread, user_home):
    label, first, second = misread
    misreading = read(app, first)
    correct(app, str(label))
    press(app, pygame.K_z, CTRL)
    assert app.message == "Correction taken back."
    assert app.result.text == misreading and app.adaptation_status == ""
    assert sample_files(user_home) == [] and len(app.drawing.strokes) == len(first)  # the strokes stay
    press(app, pygame.K_z, CTRL)  # nothing left to take back: the stroke is undone
    assert len(app.drawing.strokes) == len(first) - 1


def test_ctrl_z_after_the_drawing_changed_undoes_the_stroke(app, misread, user_home):
    label, first, _ = misread
    read(app, first)
    correct(app, str(label))
    draw_strokes(app, [Stroke(((500, 500), (520, 520)), 24.0)])
    press(app, pygame.K_z, CTRL)
    assert len(app.drawing.strokes) == len(first) and len(sample_files(user_home)) == 1


def test_forgetting_asks_first_and_restores_the_bundled_reading(app, misread, user_home):
    label, first, second = misread
    misreading = read(app, second)
    read(app, first)
    correct(app, str(label))
    press(app, pygame.K_f)
    assert "Press Y to forget" in app.message and app.question == FORGET
    press(app, pygame.K_n)  # any other key keeps them
    assert app.question is None and len(sample_files(user_home)) == 1
    press(app, pygame.K_f)
    press(app, pygame.K_y)
    assert sample_files(user_home) == [] and app.adaptation_status == ""
    assert read(app, second) == misreading


def test_a_restart_rebuilds_what_was_taught(app, misread, user_home):
    from digitpad.app import App

    label, first, second = misread
    read(app, first)
    correct(app, str(label))
    app.close()
    again = App(user_dir=user_home)
    try:
        again.flush()
        assert again.adaptation_status == "adapted to your writing: 1 sample"
        assert read(again, second) == str(label)
    finally:
        again.close()


def test_damaged_and_foreign_files_in_the_samples_folder_are_skipped_with_a_message(user_home):
    from digitpad.app import App

    samples = user_home / "samples"
    (samples / "3").mkdir(parents=True)
    (samples / "3" / "broken.png").write_bytes(b"\x89PNG not really")
    (samples / "3" / "notes.txt").write_text("mine")
    (samples / "x").mkdir()
    (samples / "readme.md").write_text("hello")
    app = App(user_dir=user_home)
    try:
        app.flush()
        assert app.model_ready and "Skipped 4 files" in app.message and "3/broken.png" in app.message
        assert app.adaptation_status == ""
        assert read(app, [Stroke(((300, 100), (290, 460)), 24.0)]) == "1"
    finally:
        app.close()


def test_teaching_the_picked_digit_of_a_number(app, misread, user_home):
    label, first, _ = misread
    one = [Stroke(((80, 200), (80, 380)), 24.0)]
    shrunk = [Stroke(tuple((300 + (x - 280) * 0.5, 280 + (y - 280) * 0.5) for x, y in stroke.points), 12.0)
              for stroke in first]
    read(app, one + shrunk)
    assert len(app.result.digits) == 2
    correct(app, f"1{label}")  # every digit of the number is taught
    assert sorted(path.parent.name for path in sample_files(user_home)) == sorted(["1", str(label)])
    assert app.result.text == f"1{label}"
