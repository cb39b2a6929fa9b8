"""AmDiagGmm: vectorised log-likelihoods against the direct per-Gaussian formula, layout checks, arrays."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.gmm import diag_gmm
from toolkit.gmm.diag_gmm import AmDiagGmm


def test_pdf_log_likelihoods_match_direct_formula(gmm_helpers):
    am = gmm_helpers.make([1, 3, 1, 5, 2, 1, 8], dim=6)
    x = np.random.default_rng(1).normal(0, 4, size=(300, 6)).astype(np.float32)
    ref = gmm_helpers.direct_pdf(am, x)
    out = am.log_likelihoods(x)
    assert out.shape == (300, 7) and out.dtype == np.float32
    np.testing.assert_allclose(out, ref, rtol=2e-6, atol=2e-4)
    np.testing.assert_allclose(am.gauss_log_likelihoods(x).T,
                               gmm_helpers.direct_gauss(am.means, am.variances, am.weights, x), rtol=2e-6, atol=2e-4)


def test_log_likelihoods_of_a_subset_of_pdfs(gmm_helpers):
    am = gmm_helpers.make([1, 3, 1, 5, 2, 1, 8], dim=6)
    x = np.random.default_rng(3).normal(0, 4, size=(50, 6)).astype(np.float32)
    ref = gmm_helpers.direct_pdf(am, x)
    for pdfs in ([6, 0, 3], [2], [1, 1, 4], list(range(7))):
        out = am.log_likelihoods_of(x, np.array(pdfs))
        assert out.shape == (50, len(pdfs)) and out.dtype == np.float32
        np.testing.assert_allclose(out, ref[:, pdfs], rtol=2e-6, atol=2e-4)
    assert am.log_likelihoods_of(x, np.array([], dtype=int)).shape == (50, 0)
    with pytest.raises(ToolkitError, match="pdf ids"):
        am.log_likelihoods_of(x, np.array([7]))


def test_single_gaussian_pdfs_and_one_frame(gmm_helpers):
    am = gmm_helpers.make([1, 1, 1, 1], dim=3)
    x = np.array([[0.5, -1.0, 2.0]], dtype=np.float32)
    np.testing.assert_allclose(am.log_likelihoods(x), gmm_helpers.direct_pdf(am, x), rtol=1e-6, atol=1e-4)
    assert am.log_likelihoods(np.zeros((0, 3), np.float32)).shape == (0, 4)


def test_far_frames_stay_finite_and_exact(gmm_helpers):
    # Each pdf's sum is scaled by its own best Gaussian: a frame 1e3 sd away gives a huge
    # but exact log-likelihood, not -inf (a shared per-frame scale would underflow).
    am = gmm_helpers.make([4, 2, 3], dim=4)
    x = np.full((2, 4), 1e3, dtype=np.float32)
    x[1] = -50
    out = am.log_likelihoods(x)
    assert np.all(np.isfinite(out))
    np.testing.assert_allclose(out, gmm_helpers.direct_pdf(am, x), rtol=1e-5)


def test_chunking_does_not_change_results(gmm_helpers, monkeypatch):
    am = gmm_helpers.make([2, 3, 1], dim=5)
    x = np.random.default_rng(2).normal(size=(1000, 5)).astype(np.float32)
    whole = am.log_likelihoods(x)
    monkeypatch.setattr(diag_gmm, "_CHUNK_ELEMENTS", 6 * 300)  # 300 frames per product
    np.testing.assert_array_equal(am.log_likelihoods(x), whole)


def test_layout_properties(gmm_helpers):
    am = gmm_helpers.make([2, 1, 3], dim=2)
    assert (am.num_pdfs, am.num_gauss, am.dim) == (3, 6, 2)
    assert am.offsets.tolist() == [0, 2, 3, 6] and am.gauss_counts.tolist() == [2, 1, 3]
    np.testing.assert_allclose(np.bincount(am.pdf_of_gauss, weights=am.weights), 1.0)
    with pytest.raises(ValueError):
        am.means[0, 0] = 1.0  # immutable: cached parameters never go stale


def test_arrays_round_trip(gmm_helpers):
    am = gmm_helpers.make([3, 1, 2], dim=4)
    back = AmDiagGmm.from_arrays(am.to_arrays())
    for name in ("means", "inv_vars", "log_weights", "pdf_of_gauss"):
        np.testing.assert_array_equal(getattr(back, name), getattr(am, name))
    assert back.num_pdfs == 3


@pytest.mark.parametrize("pdf_of_gauss, num_pdfs, message", [
    ([0, 2, 2], 3, "every one of the 3 pdfs"),
    ([1, 0, 2], None, "grouped by pdf"),
    ([0, 1, 2], 2, "every one of the 2 pdfs"),
])
def test_bad_layouts_are_refused(pdf_of_gauss, num_pdfs, message):
    with pytest.raises(ToolkitError, match=message):
        AmDiagGmm(np.zeros((3, 2)), np.ones((3, 2)), np.zeros(3), np.array(pdf_of_gauss), num_pdfs)


def test_bad_parameters_are_refused():
    with pytest.raises(ToolkitError, match="positive"):
        AmDiagGmm(np.zeros((1, 2)), np.array([[1.0, 0.0]]), np.zeros(1), np.zeros(1, int))
    with pytest.raises(ToolkitError, match="shape"):
        AmDiagGmm(np.zeros((2, 2)), np.ones((2, 3)), np.zeros(2), np.zeros(2, int))
    am = AmDiagGmm(np.zeros((1, 2)), np.ones((1, 2)), np.zeros(1), np.zeros(1, int))
    with pytest.raises(ToolkitError, match="dimension 2"):
        am.log_likelihoods(np.zeros((4, 3), np.float32))


def test_boosted_pdfs_gain_log_factor_and_keep_posteriors(gmm_helpers):
    am = gmm_helpers.make([2, 1, 3, 2], dim=3)
    x = np.random.default_rng(5).normal(0, 2, size=(20, 3)).astype(np.float32)
    boosted = am.boosted(np.array([0, 2]), 1.25)
    diff = boosted.log_likelihoods(x) - am.log_likelihoods(x)
    np.testing.assert_allclose(diff[:, [0, 2]], np.log(1.25), atol=1e-5)
    np.testing.assert_allclose(diff[:, [1, 3]], 0.0, atol=1e-6)
    # Within a pdf, the Gaussians' posteriors are unchanged (Viterbi statistics stay the same).
    def posteriors(m):
        g = m.gauss_log_likelihoods(x)[m.offsets[2]:m.offsets[3]]
        return np.exp(g - np.logaddexp.reduce(g, axis=0))
    np.testing.assert_allclose(posteriors(boosted), posteriors(am), atol=1e-6)
    with pytest.raises(ToolkitError, match="positive"):
        am.boosted(np.array([0]), 0.0)
