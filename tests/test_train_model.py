import json

import numpy as np
import pytest

import train_model
from digitpad.join_prior import load_prior
from digitpad.model import DigitModel
from digitpad.nondigit import NonDigitReader
from digitpad.storage import UserStore
from digitpad.stroke_reader import StrokeReader

pytestmark = pytest.mark.slow


def test_quick_run_end_to_end(tmp_path):
    # with the stroke model's outlier-exposure trial (its loss, non-digit paths in its pool)
    assert train_model.main(["--quick", "--output-dir", str(tmp_path), "--seed", "3",
                             "--stroke-outlier-share", "0.5"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert 0.5 < metrics["test_accuracy"] <= 1.0 and metrics["epochs_run"] == 2  # one per stage
    assert set(metrics["per_digit"]) == {str(d) for d in range(10)}
    # digits trained on are checked under one drawing condition only (bench/pen_accuracy.py has six)
    assert 0 <= metrics["pen_digits"]["accuracy"] <= 1 and set(metrics["pen_digits"]["conditions"]) == {"normal"}
    for figure in ("training_curves.png", "confusion_matrix.png", "misclassified.png"):
        assert (tmp_path / "reports" / figure).stat().st_size > 1000
    lean = DigitModel(tmp_path / "digitpad.tflite")
    assert lean.predict(np.zeros((2, 28, 28), np.float32)).shape == (2, 10)
    # both stages ran: MNIST, then pen digits mixed in; then the stroke model beside the image model,
    # the grouping prior and the not-a-digit reader of the two
    assert set(metrics["stage_seconds"]) == {"stage 1", "stage 2", "stroke model", "grouping prior",
                                             "not-a-digit reader"}
    assert metrics["pen_training"] and len(load_prior(tmp_path / "grouping-prior.json")) > 1
    assert metrics["pen_digits"]["digits"] == "all, trained on"
    assert metrics["stroke_model"]["digits"] == 300 and metrics["stroke_model"]["hold_out_fold"] is None
    assert metrics["stroke_model"]["pool"] == 450 and metrics["stroke_model"]["outlier_share"] == 0.5
    assert StrokeReader(tmp_path / "digitpad-strokes.tflite").predict_sequences(
        np.zeros((2, 64, 5), np.float32)).shape == (2, 10)
    reader = NonDigitReader(tmp_path / "digitpad-nondigit.npz", lean)  # it belongs to this image model
    assert reader.probability(np.zeros((2, 256)), np.full((2, 10), 0.1)).shape == (2,)
    assert metrics["nondigit"]["hold_out_fold"] is None and metrics["nondigit"]["not_digit_rows"] > 0


def test_stage_two_from_a_base_model_holding_out_a_fold(tmp_path):
    base = tmp_path / "base"
    stage_one = tmp_path / "kept" / "stage1.keras"  # what the fold runs of a full run start from
    assert train_model.main(["--quick", "--no-pen-training", "--no-pen-digits", "--output-dir", str(base),
                             "--save-stage-one", str(stage_one)]) == 0
    assert json.loads((base / "metrics.json").read_text())["stage_seconds"].keys() == {"stage 1"}
    output = tmp_path / "fold"
    arguments = ["--quick", "--base-model", str(stage_one), "--hold-out-fold", "1", "--no-stroke-model",
                 "--output-dir", str(output), "--outlier-share", "0.1"]  # with the outlier-exposure trial's loss
    assert train_model.main(arguments) == 0
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["outlier_share"] == 0.1
    assert metrics["stage_seconds"].keys() == {"stage 2", "grouping prior", "not-a-digit reader"}
    assert metrics["hold_out_fold"] == 1 and metrics["nondigit"]["hold_out_fold"] == 1
    assert not (output / "digitpad-strokes.tflite").exists() and "stroke_model" not in metrics
    assert metrics["pen_digits"]["digits"] == "fold 1, unseen" and "thick" in metrics["pen_digits"]["conditions"]
    held_out = np.load(output / "pen_digits_fold1.npz")
    assert set(held_out["sources"]) == {"gmd", "aga", "art", "lou"} and len(held_out["labels"]) == 1727


@pytest.mark.parametrize("arguments", [["--hold-out-fold", "3"], ["--pen-share", "1.5"], ["--pen-epochs", "0"],
                                       ["--outlier-share", "-0.1"], ["--outlier-share", "1"],
                                       ["--stroke-outlier-share", "-0.1"], ["--stroke-outlier-share", "1.5"],
                                       ["--base-model", "/nonexistent.keras"],
                                       ["--no-pen-training", "--hold-out-fold", "0"],
                                       ["--finetune", "samples", "--save-stage-one", "stage1.keras"]])
def test_bad_pen_flags(arguments):
    with pytest.raises(SystemExit):
        train_model.parse_args(arguments)


def test_finetune_on_taught_samples(tmp_path):
    store = UserStore(tmp_path / "user")
    rng = np.random.default_rng(0)
    for label in (1, 7):
        store.save_sample(rng.random((28, 28)).astype(np.float32), label)
    output = tmp_path / "tuned"
    arguments = ["--quick", "--no-pen-digits", "--finetune", str(store.samples_dir), "--output-dir", str(output)]
    assert train_model.main(arguments) == 0
    assert (output / "digitpad.tflite").is_file()
    assert json.loads((output / "metrics.json").read_text())["finetune"] == str(store.samples_dir)


def test_finetune_without_samples_says_so(tmp_path, capsys):
    with pytest.raises(SystemExit, match="no taught samples"):
        train_model.main(["--quick", "--finetune", str(tmp_path), "--output-dir", str(tmp_path / "out")])


@pytest.mark.parametrize("flag", ["--epochs", "--batch-size"])
def test_bad_flags(flag):
    with pytest.raises(SystemExit):
        train_model.parse_args([flag, "0"])


def test_the_grouping_prior_alone_takes_seconds_and_writes_only_its_file(tmp_path):
    assert train_model.main(["--grouping-prior-only", "--quick", "--output-dir", str(tmp_path)]) == 0
    assert [path.name for path in tmp_path.iterdir()] == ["grouping-prior.json"]
    assert len(load_prior(tmp_path / "grouping-prior.json")) > 1
