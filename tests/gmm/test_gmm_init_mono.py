"""Flat start: global mean and variance over feature matrices, one Gaussian per pdf."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.gmm.init_mono import global_mean_var, init_mono_gmm


def test_global_stats_over_matrices_equal_numpys():
    rng = np.random.default_rng(0)
    mats = [rng.normal(3.0, 2.0, size=(n, 4)).astype(np.float32) for n in (10, 1, 50)]
    mean, var, count = global_mean_var(iter(mats))
    whole = np.concatenate(mats).astype(np.float64)
    assert count == 61
    np.testing.assert_allclose(mean, whole.mean(0), rtol=1e-12)
    np.testing.assert_allclose(var, whole.var(0), rtol=1e-9)


@pytest.mark.parametrize("mats, message", [
    ([], "no feature frames"),
    ([np.zeros((0, 3))], "no feature frames"),
    ([np.ones((4, 2)), np.ones((4, 3))], "dimension 3 differs"),
    ([np.column_stack([np.arange(5.0), np.full(5, 2.0)])], r"dimension\(s\) \[1\]"),
])
def test_global_stats_errors(mats, message):
    with pytest.raises(ToolkitError, match=message):
        global_mean_var(mats)


def test_every_pdf_gets_the_global_gaussian():
    mean, var = np.array([1.0, -2.0]), np.array([4.0, 0.25])
    am = init_mono_gmm(5, mean, var)
    assert (am.num_pdfs, am.num_gauss) == (5, 5)
    np.testing.assert_array_equal(am.means, np.tile(mean, (5, 1)))
    np.testing.assert_array_equal(am.variances, np.tile(var, (5, 1)))
    np.testing.assert_array_equal(am.weights, 1.0)
    perturbed = init_mono_gmm(5, mean, var, perturb_factor=0.1, seed=3)
    shift = (perturbed.means - mean) / np.sqrt(var)
    assert np.all(shift != 0) and np.abs(shift).max() < 0.6  # 0.1 sd times a standard normal
    with pytest.raises(ToolkitError, match="at least one pdf"):
        init_mono_gmm(0, mean, var)
