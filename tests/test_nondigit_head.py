"""The reader's training command (training/nondigit_head.py)."""

import pytest

from training.nondigit_head import main


def test_the_command_refuses_a_bad_override_before_reading_anything(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path / "missing.tflite"), "--set", "epochs=several"])
    assert stop.value.code == 2 and "--set 'epochs=several': epochs takes a whole number" in capsys.readouterr().err
