"""Settings changed by "name=value" strings (training/overrides.py: the --set flags)."""

import dataclasses

import pytest

from training.nondigit_head import HeadSettings
from training.overrides import replaced


@dataclasses.dataclass(frozen=True)
class Kinds:
    flag: bool = False
    word: str = "ink"
    share: float = 0.5


@pytest.mark.parametrize("overrides, changed", [
    ([], {}),
    (["outlines=2000"], {"outlines": 2000}),
    (["heads=5", "learning_rate=1e-3"], {"heads": 5, "learning_rate": 0.001}),
    (["pen_limit=none"], {"pen_limit": None}),
    (["pen_limit=50"], {"pen_limit": 50}),
])
def test_overrides_change_only_what_they_name(overrides, changed):
    settings = replaced(HeadSettings(), overrides)
    assert {name: getattr(settings, name) for name in changed} == changed
    unchanged = {name for name in HeadSettings.__dataclass_fields__} - set(changed)
    assert all(getattr(settings, name) == getattr(HeadSettings(), name) for name in unchanged)


@pytest.mark.parametrize("override, value", [
    ("flag=1", True), ("flag=Yes", True), ("flag=0", False), ("flag=off", False),
    ("word=pen", "pen"), ("share=inf", float("inf")),
])
def test_values_are_read_as_their_field_is_typed(override, value):
    name = override.partition("=")[0]
    assert getattr(replaced(Kinds(), [override]), name) == value


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
        replaced(HeadSettings(), [override])
