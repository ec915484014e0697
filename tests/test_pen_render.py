import dataclasses

import numpy as np
import pytest

from training import pen_digits
from training.pen_render import PenAugmentSettings, PenRenderer, mouse_samples, mouse_strokes, strokes_to_image

CANVAS = 560


@pytest.fixture(scope="module")
def sample(pen_digit_set):
    return pen_digit_set[::21][:300]  # many writers


def test_render_gives_model_inputs(sample):
    images = PenRenderer().render_many(sample[:40], seed=0)
    assert images.shape == (40, 28, 28) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert (images.sum(axis=(1, 2)) > 20).all()  # every digit has ink


def test_render_is_deterministic_given_a_seed(sample):
    renderer = PenRenderer()
    first, again = renderer.render_many(sample[:20], seed=5), renderer.render_many(sample[:20], seed=5)
    other = renderer.render_many(sample[:20], seed=6)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def _mass_and_centre(images):
    mass = images.sum(axis=(1, 2))
    rows, columns = np.mgrid[0:28, 0:28]
    centre = np.stack([(images * rows).sum(axis=(1, 2)), (images * columns).sum(axis=(1, 2))], axis=1) / mass[:, None]
    return mass, centre


def test_rendered_pen_digits_look_like_mnist(sample, mnist_test):
    pen_mass, pen_centre = _mass_and_centre(PenRenderer().render_many(sample, seed=1))
    mnist_mass, mnist_centre = _mass_and_centre(mnist_test[0][:2000].astype(np.float32) / 255.0)
    assert abs(pen_mass.mean() / mnist_mass.mean() - 1) < 0.1  # ink mass (MNIST: about 100)
    assert np.abs(pen_centre.mean(axis=0) - mnist_centre.mean(axis=0)).max() < 0.2
    assert np.abs(pen_centre - 14.0).max() < 1.0  # centred the MNIST way, every one


def test_render_is_the_apps_own_path(sample, recognizer):
    # the image the app gives the model for the same strokes, whenever it reads one digit
    rng = np.random.default_rng(0)
    compared = 0
    for digit in sample[:30]:
        strokes = mouse_strokes(digit, rng, PenAugmentSettings(), CANVAS)
        result = recognizer.recognise_strokes(strokes, CANVAS)
        if len(result.digits) == 1:
            assert np.array_equal(strokes_to_image(strokes, CANVAS), result.digits[0].image)
            compared += 1
    assert compared >= 25


def test_rendered_digits_stay_legible(sample, model):
    images = PenRenderer().render_many(sample[:200], seed=2)
    labels = np.array([digit.label for digit in sample[:200]])
    assert (model.predict(images).argmax(axis=1) == labels).mean() > 0.9


@pytest.mark.parametrize("seed", range(4))
def test_mouse_samples_follow_the_path_in_whole_pixels(seed):
    path = np.array([[100.0, 100.0], [300.0, 120.0], [310.0, 400.0]])
    rng = np.random.default_rng(seed)
    samples = mouse_samples(path, rng, PenAugmentSettings())
    assert np.array_equal(samples, np.round(samples))
    assert np.array_equal(samples[0], path[0]) and np.array_equal(samples[-1], path[-1])
    # every report lies on the path, give or take the jitter and the rounding
    dense = np.concatenate([np.linspace(a, b, 500) for a, b in zip(path[:-1], path[1:], strict=True)])
    distances = np.linalg.norm(samples[:, None, :] - dense[None, :, :], axis=2).min(axis=1)
    assert distances.max() <= np.sqrt(2) * 1.5 + 0.1
    # 60-125 reports a second at 300-2000 px/s (slower at the ends): a 480-px path takes 3-400 reports
    assert 3 <= len(samples) <= 400


def test_faster_mouse_reports_fewer_points():
    path = np.array([[50.0, 50.0], [500.0, 500.0]])
    slow = dataclasses.replace(PenAugmentSettings(), speed_range=(200.0, 201.0), mouse_rate_range=(125.0, 125.1))
    fast = dataclasses.replace(PenAugmentSettings(), speed_range=(2000.0, 2001.0), mouse_rate_range=(60.0, 60.1))
    assert len(mouse_samples(path, np.random.default_rng(0), slow)) > 5 * len(
        mouse_samples(path, np.random.default_rng(0), fast))


@pytest.mark.parametrize("seed", range(3))
def test_digits_are_sized_and_placed_on_the_canvas(sample, seed):
    settings = PenAugmentSettings()
    rng = np.random.default_rng(seed)
    for digit in sample[:50]:
        points = np.concatenate([stroke.points for stroke in mouse_strokes(digit, rng, settings, CANVAS)])
        height = points[:, 1].max() - points[:, 1].min()
        assert points.min() >= -2 and points.max() <= CANVAS + 2
        assert height <= settings.height_range[1] * CANVAS + 4


def test_single_point_strokes_survive():
    digit = pen_digits.PenDigit(1, "w", (np.array([[0.0, 0.0], [0.0, 100.0]]), np.array([[5.0, -20.0]])))
    image = PenRenderer().render(digit, np.random.default_rng(0))
    assert image.shape == (28, 28) and image.sum() > 10
