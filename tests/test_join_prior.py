import json

import numpy as np
import pytest

from digitpad import join_prior, resources

LEFT = (100, 100, 200, 300)  # (left, top, right, bottom)


@pytest.mark.parametrize("second, gap", [((220, 100, 320, 300), 0.1), ((180, 100, 280, 300), -0.1),
                                         ((200, 150, 240, 250), 0.0)])
def test_the_gap_is_measured_in_the_taller_piece_heights(second, gap):
    assert join_prior.pair_features(LEFT, second)[join_prior.FEATURE_NAMES.index("gap")] == pytest.approx(gap)


@pytest.mark.parametrize("second, overlap, top_step, bottom_step", [
    ((220, 100, 320, 300), 0.0, 0.0, 0.0),  # beside it, on one line
    ((180, 100, 280, 300), 0.1, 0.0, 0.0),  # overlapping by a tenth of the height
    ((170, 70, 210, 370), 0.1, 0.1, 70 / 300),  # a taller stem crossing it (measured in its height, 300)
])
def test_overlap_and_the_steps_of_top_and_foot(second, overlap, top_step, bottom_step):
    features = join_prior.pair_features(LEFT, second)
    found = [features[join_prior.FEATURE_NAMES.index(name)] for name in ("overlap", "top_step", "bottom_step")]
    assert found == pytest.approx([overlap, top_step, bottom_step])


def test_the_odds_can_be_shifted():
    features, weights = np.zeros(len(join_prior.FEATURE_NAMES)), np.zeros(len(join_prior.FEATURE_NAMES) + 1)
    log_join, log_apart = join_prior.log_join_apart(features, weights, shift=np.log(3.0))
    assert np.exp([log_join, log_apart]) == pytest.approx([0.75, 0.25])


@pytest.mark.parametrize("first_members, second_members, in_sequence", [((0,), (1,), 1.0), ((1,), (0,), 1.0),
                                                                        ((0,), (2,), 0.0), ((), (), 0.0)])
def test_pieces_drawn_one_after_the_other(first_members, second_members, in_sequence):
    features = join_prior.pair_features(LEFT, (220, 100, 320, 300), first_members, second_members)
    assert features[join_prior.FEATURE_NAMES.index("in_sequence")] == in_sequence


@pytest.mark.parametrize("odds", [-3.0, 0.0, 2.5])
def test_join_and_apart_are_the_two_sides_of_one_probability(odds):
    weights = np.zeros(len(join_prior.FEATURE_NAMES) + 1)
    weights[-1] = odds
    log_join, log_apart = join_prior.log_join_apart(np.zeros(len(join_prior.FEATURE_NAMES)), weights)
    assert np.exp(log_join) + np.exp(log_apart) == pytest.approx(1.0)
    assert log_join - log_apart == pytest.approx(odds)


def test_weights_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="weights"):
        join_prior.join_log_odds(np.zeros(len(join_prior.FEATURE_NAMES)), [1.0, 2.0])


def test_a_saved_prior_loads_back(tmp_path):
    weights = np.arange(len(join_prior.FEATURE_NAMES) + 1, dtype=float) / 7
    join_prior.save_prior(tmp_path / "prior.json", weights, {"pairs": 3})
    assert join_prior.load_prior(tmp_path / "prior.json") == pytest.approx(tuple(weights))


@pytest.mark.parametrize("content", ["", "[]", '{"features": ["gap"], "weights": [1, 2]}', None])
def test_a_broken_prior_file_says_what_is_wrong(tmp_path, content):
    path = tmp_path / "prior.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ValueError, match="prior"):
        join_prior.load_prior(path)


def test_the_shipped_prior_loads_and_says_how_it_was_made():
    assert len(join_prior.load_prior(resources.grouping_prior_path())) == len(join_prior.FEATURE_NAMES) + 1
    assert json.loads(resources.grouping_prior_path().read_text())["figures"]["one_digit"] > 0
