"""Kaldi's RandPrune: small weights kept at the threshold with probability weight / threshold."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.transform.rand_prune import rand_prune


def test_pruned_weights_take_the_threshold_or_zero_and_keep_their_expectation():
    rng = np.random.default_rng(0)
    w = np.array([0.0, 0.1, 1.0, -1.0, 3.9, 4.0, 7.5])
    draws = np.stack([rand_prune(w, 4.0, rng) for _ in range(20000)])
    # zero stays zero; weights at or above the threshold are untouched
    assert np.all(draws[:, 0] == 0) and np.all(draws[:, 5] == 4.0) and np.all(draws[:, 6] == 7.5)
    for i in (1, 2, 3, 4):
        assert set(np.unique(draws[:, i])) <= {0.0, 4.0 * np.sign(w[i])}
    # unbiased: the mean of the draws approaches the weight (standard error 2 sqrt(p (1 - p)) / sqrt(n))
    np.testing.assert_allclose(draws.mean(0), w, atol=0.06)
    assert abs((draws[:, 2] != 0).mean() - 0.25) < 0.015  # a weight 1 is kept a quarter of the time


def test_threshold_zero_keeps_everything_and_a_negative_one_is_refused():
    w = np.array([0.2, 1.0])
    np.testing.assert_array_equal(rand_prune(w, 0.0, np.random.default_rng(0)), w)
    with pytest.raises(ToolkitError, match=">= 0"):
        rand_prune(w, -1.0, np.random.default_rng(0))
