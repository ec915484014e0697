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


def test_feature_maps_come_from_the_convolutional_stages(model):
    """The extra outputs: each stage's maps, largest first, the numbers Keras computes."""
    keras = pytest.importorskip("keras")
    from training.export import map_layers

    source = keras.models.load_model(resource_path("model", "digitpad.keras"))
    image = np.zeros((28, 28), np.float32)
    image[6:22, 12:16] = 1.0  # a thick 1
    probabilities, features, maps = model.predict_with_maps(image)
    expected = keras.Model(source.inputs, [layer.output for layer in map_layers(source)])(image[None, :, :, None])
    assert [stage.shape for stage in maps] == [(28, 28, 48), (14, 14, 96), (7, 7, 192)]
    for stage, wanted in zip(maps, expected, strict=True):
        assert np.abs(stage - np.asarray(wanted)[0]).max() <= 1e-4
    assert np.array_equal(probabilities, model.predict(image)[0])
    assert np.array_equal(features, model.predict_with_features(image)[1][0])


def test_pooled_maps_are_the_last_stage_at_its_max_and_mean_from_the_same_run(model):
    images = np.zeros((2, 28, 28), np.float32)
    images[0, 6:22, 12:16] = 1.0  # a thick 1
    images[1, 8:20, 8:20] = 1.0  # a block
    probabilities, features, pooled = model.predict_with_pooled(images)
    assert all(np.array_equal(one, other) for one, other in zip((probabilities, features),
                                                                model.predict_with_features(images), strict=True))
    for row, image in enumerate(images):
        last = model.predict_with_maps(image)[2][-1]  # (7, 7, 192)
        np.testing.assert_allclose(pooled[row], np.concatenate([last.max(axis=(0, 1)), last.mean(axis=(0, 1))]),
                                   rtol=1e-6, atol=1e-6)
    assert not np.allclose(pooled[0], pooled[1])
    with pytest.raises(ValueError, match="28, 28"):
        model.predict_with_pooled(np.zeros((2, 14, 14), np.float32))


def test_extra_outputs_change_no_probability_or_feature(model, mnist_test, tmp_path):
    """All 10,000 MNIST test images: the bundled model, maps and all, gives exactly the
    probabilities and features of the same weights exported without the maps."""
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow")
    from training.export import feature_layer

    source = keras.models.load_model(resource_path("model", "digitpad.keras"))
    without_maps = keras.Model(source.inputs, [source.outputs[0], feature_layer(source).output])
    path = tmp_path / "without-maps.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(without_maps).convert())
    plain = DigitModel(path)
    assert not plain.has_maps and model.has_maps
    images = mnist_test[0].astype(np.float32) / 255
    probabilities, features = model.predict_with_features(images)
    plain_probabilities, plain_features = plain.predict_with_features(images)
    assert np.array_equal(probabilities, plain_probabilities)
    assert np.array_equal(features, plain_features)


def test_a_model_without_maps_says_so(tmp_path):
    keras = pytest.importorskip("keras")
    tf = pytest.importorskip("tensorflow")
    source = keras.models.load_model(resource_path("model", "digitpad.keras"))
    path = tmp_path / "probabilities-only.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(source).convert())
    plain = DigitModel(path)
    probabilities, features, maps = plain.predict_with_maps(np.zeros((28, 28), np.float32))
    assert probabilities.shape == (10,) and features is None and maps == ()
    with pytest.raises(ValueError, match="28, 28"):
        plain.predict_with_maps(np.zeros((2, 28, 28), np.float32))


def test_export_writes_maps_and_reference_images(tmp_path, mnist_test):
    """What train_model.py's export writes for any model of the architecture: the maps as
    extra outputs, and the reference digits with their images."""
    pytest.importorskip("tensorflow")
    from digitpad.inside import load_reference_digits
    from training.architecture import build_model
    from training.export import export_lite, write_reference

    path = export_lite(build_model(), tmp_path / "digitpad.tflite")
    exported = DigitModel(path)
    maps = exported.predict_with_maps(np.zeros((28, 28), np.float32))[2]
    assert [stage.shape for stage in maps] == [(28, 28, 48), (14, 14, 96), (7, 7, 192)]
    images, labels = mnist_test
    write_reference(path, images, labels, count=50)
    reference = load_reference_digits(path)
    assert reference.images.shape == (50, 28, 28) and reference.features.shape == (50, 256)
    rows = [int(np.flatnonzero((images == image).all(axis=(1, 2)))[0]) for image in reference.images[:5]]
    assert [int(labels[row]) for row in rows] == reference.labels[:5].tolist()  # each image with its label
