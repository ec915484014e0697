import numpy as np
import pytest

from digitpad.model import DigitModel, ModelError
from digitpad.resources import resource_path


def test_bundled_model_accuracy_on_mnist_test(model, mnist_test):
    images, labels = mnist_test
    probabilities = model.predict(images.astype(np.float32) / 255)
    accuracy = (probabilities.argmax(axis=1) == labels).mean()
    assert accuracy >= 0.995, f"accuracy {accuracy:.4%}"


def test_lean_copy_agrees_with_keras(model, mnist_test):
    keras = pytest.importorskip("keras")
    source = keras.models.load_model(resource_path("model", "digitpad.keras"))
    images = mnist_test[0].astype(np.float32)[..., None] / 255
    expected = source.predict(images, batch_size=1000, verbose=0)
    lean = model.predict(images[..., 0])
    assert (lean.argmax(axis=1) == expected.argmax(axis=1)).all()
    assert np.abs(lean - expected).max() <= 1e-4


def test_single_image_and_shape_checks(model):
    assert model.predict(np.zeros((28, 28), np.float32)).shape == (1, 10)
    with pytest.raises(ValueError, match="28, 28"):
        model.predict(np.zeros((3, 32, 32), np.float32))


def test_missing_model_file(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        DigitModel(tmp_path / "nothing.tflite")


@pytest.mark.parametrize("content", [b"", b"garbage" * 100, None])
def test_damaged_model_file(tmp_path, content):
    path = tmp_path / "broken.tflite"
    if content is None:  # a real model cut short
        content = resource_path("model", "digitpad.tflite").read_bytes()[:5000]
    path.write_bytes(content)
    with pytest.raises(ModelError, match="damaged"):
        DigitModel(path)
