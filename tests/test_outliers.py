import keras
import numpy as np
import pytest

from training import nondigits
from training.mixed import MnistAndPenDigits
from training.outliers import OUTLIER, NonDigitDrawer, OutlierSettings, digit_or_outlier_crossentropy


def losses(labels, probabilities, weight=0.5):
    loss = digit_or_outlier_crossentropy(weight)
    return keras.ops.convert_to_numpy(loss(np.asarray(labels, np.int32), np.asarray(probabilities, np.float32)))


@pytest.mark.parametrize("label", [0, 4, 9])
def test_a_digit_has_the_usual_crossentropy(label):
    probabilities = np.random.default_rng(label).dirichlet(np.ones(10), size=3)
    expected = keras.ops.convert_to_numpy(keras.losses.sparse_categorical_crossentropy(
        np.full(3, label), probabilities.astype(np.float32)))
    np.testing.assert_allclose(losses(np.full(3, label), probabilities), expected, rtol=1e-5)


@pytest.mark.parametrize("weight", [0.5, 1.0])
def test_a_non_digit_is_taught_to_give_every_digit_the_same_probability(weight):
    even, sure = np.full(10, 0.1), np.r_[0.9991, np.full(9, 1e-4)]
    loss_even, loss_sure = losses([OUTLIER, OUTLIER], [even, sure], weight)
    assert loss_even == pytest.approx(weight * np.log(10), rel=1e-5)  # the least it can be
    assert loss_sure > 2 * loss_even


def test_the_drawer_draws_only_families_its_fold_may_learn():
    held_out = {family.name for family in nondigits.held_out_families(1)}
    drawer = NonDigitDrawer(1)
    assert drawer.families and not held_out & set(drawer.families)
    assert set(NonDigitDrawer(None).families) >= held_out  # the shipped model learns them all
    images = drawer.images(6, np.random.default_rng(0))
    assert images.shape == (6, 28, 28) and images.dtype == np.float32
    assert (images.reshape(6, -1).max(axis=1) > 0.5).all() and 0.0 <= images.min() and images.max() <= 1.0


def test_stage_two_batches_gain_the_non_digits_labelled_as_such(mnist_test, pen_digit_set):
    arguments = dict(batch_size=32, seed=0, pen_share=0.25, mnist_per_epoch=240)
    plain = MnistAndPenDigits(*mnist_test, pen_digit_set[::50], **arguments)
    mixed = MnistAndPenDigits(*mnist_test, pen_digit_set[::50], outliers=NonDigitDrawer(0, OutlierSettings()),
                              outliers_per_batch=5, **arguments)
    (plain_images, plain_labels), (images, labels) = plain[2], mixed[2]
    assert images.shape == (37, 28, 28, 1) and list(labels[32:]) == [OUTLIER] * 5
    np.testing.assert_array_equal(images[:32], plain_images)  # the digits are drawn as without
    np.testing.assert_array_equal(labels[:32], plain_labels)
    assert len(mixed) == len(plain)
