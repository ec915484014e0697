import numpy as np
import pytest

from training.mixed import MnistAndPenDigits, hold_back_writers


@pytest.fixture(scope="module")
def pen(pen_digit_set):
    return pen_digit_set[::50]


def test_batches_mix_mnist_and_pen_digits(mnist_test, pen):
    images, labels = mnist_test
    batches = MnistAndPenDigits(images[:500], labels[:500], pen, batch_size=32, seed=0, pen_share=0.25,
                                mnist_per_epoch=240)
    assert len(batches) == 10 and batches.pen_per_batch == 8
    batch, batch_labels = batches[0]
    assert batch.shape == (32, 28, 28, 1) and batch.dtype == np.float32 and batch_labels.shape == (32,)
    assert 0.0 <= batch.min() and batch.max() <= 1.0
    pen_labels = {digit.label for digit in pen}
    assert set(batch_labels[24:]) <= pen_labels
    assert np.array_equal(batches[3][0], batches[3][0])  # the same batch is the same images


def test_every_pen_digit_is_drawn_each_epoch_when_there_is_room(mnist_test, pen):
    images, labels = mnist_test
    batches = MnistAndPenDigits(images, labels, pen, batch_size=64, seed=1, pen_share=0.5, mnist_per_epoch=4000)
    drawn = batches.pen_order[: len(batches) * batches.pen_per_batch]
    assert set(drawn) == set(range(len(pen)))


def test_writing_variants_are_added_to_pen_digits_only(mnist_test, pen):
    from training.stroke_model import StrokeTrainingSettings

    always = StrokeTrainingSettings(slashed_zero_probability=1.0, crossed_seven_probability=1.0,
                                    flagged_one_probability=1.0)
    arguments = dict(batch_size=32, seed=0, pen_share=0.5, mnist_per_epoch=160)
    plain, _ = MnistAndPenDigits(*mnist_test, pen, **arguments)[0]
    varied, labels = MnistAndPenDigits(*mnist_test, pen, writing_variants=always, **arguments)[0]
    changed = np.abs(plain - varied).reshape(len(labels), -1).max(axis=1) > 0.1
    assert not changed[:16].any()  # MNIST: drawn as without
    assert changed[16:][np.isin(labels[16:], (0, 1, 7))].all()  # a slash, a bar or a flag each


@pytest.mark.parametrize("share", [0.0, 1.0])
def test_bad_share_says_so(mnist_test, pen, share):
    with pytest.raises(ValueError, match="pen_share"):
        MnistAndPenDigits(*mnist_test, pen, batch_size=32, seed=0, pen_share=share, mnist_per_epoch=100)


def test_held_back_writers_are_not_trained_on(pen_digit_set):
    training, held = hold_back_writers(pen_digit_set, share=0.1, seed=0)
    assert len(training) + len(held) == len(pen_digit_set)
    assert not {d.writer for d in training} & {d.writer for d in held}
    assert 0.03 < len(held) / len(pen_digit_set) < 0.2
