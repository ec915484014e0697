import dataclasses

import cv2
import numpy as np
import pytest

from training.augment import AugmentedDigits, AugmentSettings, add_writing_variant, augment_image, clean_probability_at

NO_VARIANTS = AugmentSettings(slashed_zero_probability=0.0, crossed_seven_probability=0.0,
                              flagged_one_probability=0.0)


@pytest.fixture(scope="module")
def digits(mnist_test):
    images, labels = mnist_test
    return images[:64], labels[:64]


@pytest.mark.parametrize("seed", range(5))
def test_augmented_images_stay_valid_inputs(digits, seed):
    rng = np.random.default_rng(seed)
    for image, label in zip(*digits, strict=True):
        out = augment_image(image.astype(np.float32) / 255.0, rng, AugmentSettings(), int(label))
        assert out.shape == (28, 28) and out.dtype == np.float32
        assert 0.0 <= out.min() and out.max() <= 1.0 and out.sum() > 5.0  # the digit is still there


@pytest.mark.parametrize("clean, changed", [(1.0, 0), (0.0, 64)])
def test_clean_probability_leaves_images_as_mnist_has_them(digits, clean, changed):
    settings = dataclasses.replace(AugmentSettings(), clean_probability=clean)
    rng = np.random.default_rng(0)
    images = digits[0].astype(np.float32) / 255.0
    outputs = [augment_image(image, rng, settings, int(label)) for image, label in zip(images, digits[1], strict=True)]
    assert sum(not np.array_equal(out, image) for out, image in zip(outputs, images, strict=True)) == changed


@pytest.mark.parametrize("label, field", [(0, "slashed_zero_probability"), (7, "crossed_seven_probability"),
                                          (1, "flagged_one_probability")])
def test_writing_variants_add_ink_and_are_framed_like_mnist(digits, label, field):
    images, labels = digits
    image = images[np.flatnonzero(labels == label)[0]].astype(np.float32) / 255.0
    settings = dataclasses.replace(NO_VARIANTS, **{field: 1.0})
    for seed in range(5):
        out = add_writing_variant(image, label, np.random.default_rng(seed), settings)
        assert not np.array_equal(out, image)
        moments = cv2.moments(out)
        centre = (moments["m10"] / moments["m00"], moments["m01"] / moments["m00"])
        assert np.allclose(centre, (14.0, 14.0), atol=1.0)
    # with every variant off, the digit comes back untouched
    assert np.array_equal(add_writing_variant(image, label, np.random.default_rng(0), NO_VARIANTS), image)


def test_batches_are_reproducible_and_change_each_epoch(digits):
    first = AugmentedDigits(*digits, batch_size=16, seed=3)
    second = AugmentedDigits(*digits, batch_size=16, seed=3)
    images, labels = first[1]
    assert images.shape == (16, 28, 28, 1) and images.dtype == np.float32 and labels.shape == (16,)
    np.testing.assert_array_equal(images, second[1][0])
    first.on_epoch_end()
    assert not np.array_equal(first[1][0], images)
    assert len(first) == 4


@pytest.mark.parametrize("epochs", [1, 2, 3, 10, 24])
def test_distortion_is_annealed_over_the_last_epochs(epochs):
    settings = AugmentSettings(clean_probability=0.2, late_clean_probability=0.5, late_fraction=1 / 3)
    schedule = [clean_probability_at(epoch, epochs, settings) for epoch in range(epochs)]
    late = round(epochs / 3)
    assert schedule[: epochs - late] == [0.2] * (epochs - late)  # constant before the late epochs
    assert (np.diff(schedule[epochs - late - 1 :]) > 0).all()  # then rising every epoch
    assert schedule[-1] == pytest.approx(0.5 if late else 0.2)


def test_batches_follow_the_clean_schedule(digits):
    settings = AugmentSettings(clean_probability=0.0, late_clean_probability=1.0, late_fraction=0.5)
    batches = AugmentedDigits(*digits, batch_size=64, seed=0, settings=settings, epochs=2)
    images = digits[0].astype(np.float32)[..., None] / 255.0
    first_epoch, labels = batches[0]
    originals = images[batches.order]
    assert not any(np.array_equal(out, image) for out, image in zip(first_epoch, originals, strict=True))
    batches.on_epoch_end()
    last_epoch, labels = batches[0]
    np.testing.assert_array_equal(last_epoch, images[batches.order])  # last epoch: all left clean


@pytest.mark.parametrize("field", ["clean_probability", "late_clean_probability", "late_fraction"])
def test_schedule_settings_out_of_range_are_refused(digits, field):
    with pytest.raises(ValueError, match=field):
        AugmentedDigits(*digits, batch_size=16, seed=0, settings=AugmentSettings(**{field: 1.5}))
