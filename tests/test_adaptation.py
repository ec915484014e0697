import shutil

import numpy as np
import pytest

from digitpad import adaptation
from digitpad.resources import model_path


@pytest.fixture
def adapted(model):
    return adaptation.AdaptedModel(model)


@pytest.fixture(scope="module")
def mnist_sample(mnist_test):
    images, labels = mnist_test
    return images[:400].astype(np.float32) / 255.0, labels[:400]


def test_the_bundled_reference_belongs_to_the_bundled_model():
    features, labels = adaptation.load_reference(model_path())
    assert features.shape == (2000, 256) and set(labels.tolist()) == set(range(10))
    assert np.allclose(np.linalg.norm(features, axis=1), 1.0, atol=1e-3)


def test_untaught_predictions_are_the_models(adapted, model, mnist_sample):
    images, _ = mnist_sample
    assert adapted.cannot_adapt == "" and adapted.taught == 0
    assert np.array_equal(adapted.predict(images[:20]), model.predict(images[:20]))


def test_a_taught_digit_is_read_as_taught_and_forgetting_restores(adapted, model, mnist_sample):
    images, labels = mnist_sample
    image, label = images[0], int(labels[0])
    other = (label + 3) % 10  # a label the model does not give this image
    adapted.teach(image, other)
    assert adapted.taught == 1
    assert adapted.predict(image[None])[0].argmax() == other
    assert adapted.adapter.remove_last()
    assert np.array_equal(adapted.predict(image[None]), model.predict(image[None]))


def test_teaching_a_few_digits_leaves_the_rest_alone(adapted, model, mnist_sample):
    images, labels = mnist_sample
    adapted.teach(images[:5], labels[:5])
    rest = images[5:]
    assert (adapted.predict(rest).argmax(1) == model.predict(rest).argmax(1)).mean() >= 0.995


def reference_of(*rows):
    return np.array(rows, np.float32), np.arange(len(rows))


def test_a_drawing_nearer_ordinary_digits_of_another_label_keeps_its_reading():
    """Taught: an odd 8 at (1, 0, 0). A drawing at (0.9, 0.44, 0) is nearer the reference 1
    at (0.8, 0.6, 0) than the taught 8: the network's answer stands. One at (1, 0.05, 0)
    is nearer the taught 8: it is read as 8."""
    settings = adaptation.AdaptationSettings(similarity_floor=0.5)
    adapter = adaptation.Adapter(reference_of([0.0, 0.0, 1.0], [0.8, 0.6, 0.0]), settings)
    adapter.add(np.array([1.0, 0.0, 0.0]), 8)
    probabilities = np.full((2, 10), 0.02, np.float32)
    probabilities[:, 1] = 0.82
    adjusted = adapter.adjust(probabilities, np.array([[0.9, 0.44, 0.0], [1.0, 0.05, 0.0]]))
    assert np.allclose(adjusted[0], probabilities[0])
    assert adjusted[1].argmax() == 8 and adjusted[1, 8] > 0.99
    assert np.allclose(adjusted.sum(axis=1), 1.0)


@pytest.mark.parametrize("features, labels", [
    (np.ones((2, 3)), [1]),  # one label for two vectors
    (np.ones(3), [10]),  # not a digit
    (np.ones(3), [-1]),
    (np.ones(4), [1]),  # the model's features have length 3
])
def test_add_rejects_bad_input(features, labels):
    with pytest.raises(ValueError):
        adaptation.Adapter(reference_of([1.0, 0.0, 0.0])).add(features, labels)


def test_oldest_samples_go_beyond_the_limit():
    settings = adaptation.AdaptationSettings(max_samples=3)
    adapter = adaptation.Adapter(reference_of([0.0, 0.0, 0.0, 0.0, 0.0, 1.0]), settings)
    adapter.add(np.eye(6)[:5], [0, 1, 2, 3, 4])
    assert adapter.count == 3
    adjusted = adapter.adjust(np.full((1, 10), 0.1, np.float32), np.eye(6)[:1])
    assert np.allclose(adjusted, 0.1)  # the first taught digit was dropped
    adapter.clear()
    assert adapter.count == 0 and not adapter.remove_last()


def test_reference_of_another_model_is_refused(tmp_path):
    copy = tmp_path / "digitpad.tflite"
    copy.write_bytes(model_path().read_bytes() + b"\0")  # another file
    shutil.copy(adaptation.reference_path(model_path()), adaptation.reference_path(copy))
    with pytest.raises(ValueError, match="another model"):
        adaptation.load_reference(copy)
    assert adaptation.file_digest(model_path()) != adaptation.file_digest(copy)


def test_a_model_without_reference_predicts_unadapted(tmp_path, model):
    from digitpad.model import DigitModel

    copy = tmp_path / "digitpad.tflite"
    shutil.copy(model_path(), copy)
    adapted = adaptation.AdaptedModel(DigitModel(copy))
    assert "reference" in adapted.cannot_adapt and adapted.taught == 0
    with pytest.raises(ValueError, match="cannot learn"):
        adapted.teach(np.zeros((28, 28), np.float32), 1)


def test_normalise_keeps_zero_rows():
    rows = adaptation.normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]])


def test_a_taught_digit_keeps_turned_and_slanted_variants_taken_back_together(adapted, mnist_sample):
    from digitpad.adaptation import variants

    images, labels = mnist_sample
    turned = variants(images[:2], adapted.adapter.settings)
    assert turned.shape == (2, 5, 28, 28) and np.array_equal(turned[:, 0], images[:2])
    assert not np.allclose(turned[:, 1:], turned[:, :1])  # the variants differ from the digit
    adapted.teach(images[:2], labels[:2])
    assert adapted.taught == 2 and len(adapted.adapter._labels) == 10
    adapted.untaught()
    assert adapted.taught == 1 and len(adapted.adapter._labels) == 5
