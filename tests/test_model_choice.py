import pytest

from digitpad import model_choice
from digitpad.model_choice import choose_model, user_model_path
from digitpad.resources import model_path


@pytest.fixture
def fine_tuned(tmp_path):
    """Writes `content` as the user's fine-tuned model in tmp_path; returns its path."""

    def write(content: bytes):
        path = user_model_path(tmp_path)
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        return path

    return write


def test_the_bundled_model_by_default(tmp_path):
    for user_dir in (None, tmp_path):
        choice = choose_model(None, user_dir)
        assert choice.model.path == model_path() and choice.notice == "" and not choice.is_error


def test_the_fine_tuned_model_is_preferred_and_named(tmp_path, fine_tuned):
    path = fine_tuned(model_path().read_bytes())
    choice = choose_model(None, tmp_path)
    assert choice.model.path == path and choice.notice == f"Using your fine-tuned model: {path}"
    assert not choice.is_error
    assert choose_model(None, None).model.path == model_path()  # no user folder: none looked for


def test_a_damaged_fine_tuned_model_is_skipped_with_a_reason(tmp_path, fine_tuned):
    fine_tuned(b"broken")
    choice = choose_model(None, tmp_path)
    assert choice.model.path == model_path() and choice.is_error and not choice.wanted_skipped
    assert choice.notice.startswith("Your fine-tuned model was skipped (") and "damaged" in choice.notice


def test_model_option_wins_over_the_fine_tuned_model(tmp_path, fine_tuned):
    fine_tuned(b"broken")
    copy = tmp_path / "copy.tflite"
    copy.write_bytes(model_path().read_bytes())
    choice = choose_model(copy, tmp_path)
    assert choice.model.path == copy and choice.notice == ""


@pytest.mark.parametrize("kind, reason", [("missing", "model file not found"), ("folder", "is a folder"),
                                          ("device", "is not a regular file")])
def test_a_model_option_that_cannot_be_loaded_gives_way_to_the_bundled_one(tmp_path, kind, reason):
    path = {"missing": tmp_path / "none.tflite", "folder": tmp_path, "device": "/dev/null"}[kind]
    choice = choose_model(path, tmp_path)
    assert choice.model.path == model_path() and choice.is_error and choice.wanted_skipped
    assert reason in choice.notice and choice.notice.endswith(model_choice.FALLBACK)


def test_no_model_at_all_says_reinstall(tmp_path, monkeypatch):
    monkeypatch.setattr(model_choice, "model_path", lambda: tmp_path / "gone.tflite")
    choice = choose_model(tmp_path / "none.tflite", None)
    assert choice.model is None and choice.is_error
    assert choice.notice.endswith("Reinstall digitpad.") and "the bundled model: model file not found" in choice.notice
