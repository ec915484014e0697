import numpy as np
import pytest

from digitpad.adaptation import AdaptationSettings, AdaptedModel, Adapter, normalise


@pytest.fixture
def adapted(model):
    return AdaptedModel(model, Adapter())


@pytest.fixture(scope="module")
def mnist_sample(mnist_test):
    images, labels = mnist_test
    return images[:400].astype(np.float32) / 255.0, labels[:400]


def test_untaught_predictions_are_the_models(adapted, model, mnist_sample):
    images, _ = mnist_sample
    assert np.array_equal(adapted.predict(images[:20]), model.predict(images[:20]))


def test_a_taught_digit_is_read_as_taught_and_forgetting_restores(adapted, model, mnist_sample):
    images, labels = mnist_sample
    image, label = images[0], int(labels[0])
    other = (label + 3) % 10  # a label the model does not give this image
    adapted.teach(image, other)
    assert adapted.adapter.count == 1
    assert adapted.predict(image[None])[0].argmax() == other
    assert adapted.adapter.remove_last()
    assert np.array_equal(adapted.predict(image[None]), model.predict(image[None]))


def test_teaching_a_few_digits_leaves_the_rest_alone(adapted, model, mnist_sample):
    images, labels = mnist_sample
    adapted.teach(images[:5], labels[:5])
    rest = images[5:]
    assert (adapted.predict(rest).argmax(1) == model.predict(rest).argmax(1)).mean() >= 0.995


def test_adjust_raises_only_close_labels():
    adapter = Adapter(AdaptationSettings(similarity_floor=0.9, strength=8.0))
    adapter.add(np.array([1.0, 0.0, 0.0]), 3)
    probabilities = np.full((2, 10), 0.1, np.float32)
    adjusted = adapter.adjust(probabilities, np.array([[2.0, 0.1, 0.0], [0.0, 1.0, 0.0]]))
    assert adjusted[0].argmax() == 3 and adjusted[0, 3] > 0.9
    assert np.allclose(adjusted[1], probabilities[1])
    assert np.allclose(adjusted.sum(axis=1), 1.0)


@pytest.mark.parametrize("features, labels", [
    (np.ones((2, 4)), [1]),  # one label for two vectors
    (np.ones(4), [10]),  # not a digit
    (np.ones(4), [-1]),
])
def test_add_rejects_bad_input(features, labels):
    with pytest.raises(ValueError):
        Adapter().add(features, labels)


def test_feature_length_must_match():
    adapter = Adapter()
    adapter.add(np.ones(4), 1)
    with pytest.raises(ValueError, match="length"):
        adapter.add(np.ones(5), 1)


def test_oldest_samples_go_beyond_the_limit():
    adapter = Adapter(AdaptationSettings(max_samples=3))
    adapter.add(np.eye(5), [0, 1, 2, 3, 4])
    assert adapter.count == 3
    adjusted = adapter.adjust(np.full((1, 10), 0.1, np.float32), np.eye(5)[:1])
    assert np.allclose(adjusted, 0.1)  # the first taught digit was dropped


def test_clear_forgets_everything():
    adapter = Adapter()
    adapter.add(np.eye(3), [1, 2, 3])
    adapter.clear()
    assert adapter.count == 0 and not adapter.remove_last()


def test_normalise_keeps_zero_rows():
    rows = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(rows, [[0.6, 0.8], [0.0, 0.0]])
