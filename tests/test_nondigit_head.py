"""The reader's training settings from the command line (training/nondigit_head.py --set)."""

import pytest

from training.nondigit_head import HeadSettings, main, with_overrides


@pytest.mark.parametrize("overrides, changed", [
    ([], {}),
    (["outlines=2000"], {"outlines": 2000}),
    (["heads=5", "learning_rate=1e-3"], {"heads": 5, "learning_rate": 0.001}),
    (["pen_limit=none"], {"pen_limit": None}),
    (["pen_limit=50"], {"pen_limit": 50}),
])
def test_overrides_change_only_what_they_name(overrides, changed):
    settings = with_overrides(HeadSettings(), overrides)
    assert {name: getattr(settings, name) for name in changed} == changed
    unchanged = {name for name in HeadSettings.__dataclass_fields__} - set(changed)
    assert all(getattr(settings, name) == getattr(HeadSettings(), name) for name in unchanged)


@pytest.mark.parametrize("override, said", [
    ("outline=5", "expected NAME=VALUE"),
    ("outlines", "expected NAME=VALUE"),
    ("outlines=", "expected NAME=VALUE"),
    ("outlines=many", "outlines takes a whole number, not 'many'"),
    ("heads=2.5", "heads takes a whole number"),
    ("digit_share=half", "digit_share takes a number"),
])
def test_a_bad_override_says_what_was_wrong(override, said):
    with pytest.raises(ValueError, match=said):
        with_overrides(HeadSettings(), [override])


def test_the_command_refuses_a_bad_override_before_reading_anything(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path / "missing.tflite"), "--set", "epochs=several"])
    assert stop.value.code == 2 and "--set 'epochs=several': epochs takes a whole number" in capsys.readouterr().err
