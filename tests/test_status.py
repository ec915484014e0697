import pytest

from digitpad.status import StatusLine, counted, folder_text


@pytest.mark.parametrize("about, shown_later", [(3, ""), (None, "hello")])
def test_a_message_about_the_drawing_goes_when_it_changes(about, shown_later):
    status = StatusLine()
    status.say("hello", error=True, drawing_version=about)
    assert status.shown(3).text == "hello" and status.shown(3).error
    assert status.shown(4).text == shown_later
    assert status.shown(3).text == shown_later  # gone for good, not back at the old version


def test_clear_and_a_new_message():
    status = StatusLine()
    status.say("one")
    status.say("two", drawing_version=1)
    assert status.shown(1).text == "two"
    status.clear()
    assert status.shown(1).text == "" and not status.shown(1).error


@pytest.mark.parametrize("count, text", [(0, "0 strokes"), (1, "1 stroke"), (2, "2 strokes")])
def test_counted_says_the_plural_when_it_is_not_one(count, text):
    assert counted(count, "stroke") == text


@pytest.mark.parametrize("folder, shown", [
    ("home/me/.local/share/digitpad/drawings", "~/.local/share/digitpad/drawings"),
    ("home/me", "~"),
    ("srv/drawings", "srv/drawings"),
])
def test_folders_under_home_are_named_from_it(tmp_path, monkeypatch, folder, shown):
    import pathlib

    monkeypatch.setattr(pathlib.Path, "home", classmethod(lambda cls: tmp_path / "home" / "me"))
    expected = str(pathlib.Path(shown)) if shown.startswith("~") else str(tmp_path / shown)
    assert folder_text(tmp_path / folder) == expected
