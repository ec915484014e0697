import numpy as np
import pytest

keras = pytest.importorskip("keras")

from training.averaging import WeightAverage  # noqa: E402

pytestmark = pytest.mark.slow


def tiny_model():
    inputs = keras.Input(shape=(28, 28, 1))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    return model


def test_training_returns_the_weights_with_the_best_validation_loss(mnist_test):
    images, labels = mnist_test
    images = images[:600, :, :, None].astype(np.float32) / 255.0
    labels = labels[:600].astype(np.int64)
    keras.utils.set_random_seed(0)
    model = tiny_model()
    averager = WeightAverage(images[500:], labels[500:], decay=0.9, every=2)
    model.fit(images[:500], labels[:500], batch_size=50, epochs=3, verbose=0,
              validation_data=(images[500:], labels[500:]), callbacks=[averager])
    assert len(averager.history["val_average_loss"]) == 3
    assert averager.chosen in ("raw", "moving average")
    best_loss, _, best_weights = averager.best
    assert all(np.array_equal(kept, now) for kept, now in zip(best_weights, model.get_weights(), strict=True))
    probabilities = model.predict(images[500:], verbose=0)
    loss = -np.log(probabilities[np.arange(100), labels[500:]]).mean()
    assert loss == pytest.approx(best_loss, rel=1e-3)
    assert best_loss <= min(averager.history["val_average_loss"]) + 1e-9


@pytest.mark.parametrize("decay", [0.0, 1.0, 1.5])
def test_decay_must_be_a_fraction(decay):
    with pytest.raises(ValueError, match="decay"):
        WeightAverage(np.zeros((1, 28, 28, 1)), np.zeros(1), decay=decay)
