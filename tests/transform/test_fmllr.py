import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.transform.affine import apply_transform, invert_affine
from toolkit.transform.fmllr import (
    FmllrStats,
    estimate_fmllr,
    fmllr_objective,
    identity_transform,
)
from toolkit.transform.gauss_stats import aligned_posteriors


def _speaker_data(am, sample_am, n, seed, scale=0.3):
    """Frames of a 'speaker' whose features are a known affine map of the model's: (x, pdfs, [M, m])."""
    rng = np.random.default_rng(seed)
    y, pdfs = sample_am(am, n, rng)
    m = np.eye(am.dim) + scale * rng.standard_normal((am.dim, am.dim))
    offset = rng.normal(0, 1, am.dim)
    return y @ m.T + offset, pdfs, np.concatenate([m, offset[:, None]], 1)


def test_statistics_match_their_definition(make_gmm, sample_am):
    am = make_gmm([1, 3, 2], 3, seed=1)
    x, pdfs, _ = _speaker_data(am, sample_am, 100, seed=1)
    stats = FmllrStats(3)
    stats.accumulate(am, x[:40], pdfs[:40])
    stats.accumulate(am, x[40:], pdfs[40:])
    post = aligned_posteriors(am, x, pdfs)
    k = np.zeros((3, 4))
    g = np.zeros((3, 4, 4))
    for t, j, p in zip(post.frames, post.gauss, post.post):
        xi = np.append(x[t], 1.0)
        k += p * (am.means[j] / am.variances[j])[:, None] * xi
        g += p / am.variances[j][:, None, None] * np.outer(xi, xi)
    np.testing.assert_allclose(stats.K, k, rtol=1e-10)
    np.testing.assert_allclose(stats.G, g, rtol=1e-10)
    assert stats.beta == pytest.approx(100)


def test_update_never_decreases_the_auxiliary_function(make_gmm, sample_am):
    am = make_gmm([2, 3, 1, 2], 5, seed=2)
    x, pdfs, _ = _speaker_data(am, sample_am, 1500, seed=2)
    stats = FmllrStats(5)
    stats.accumulate(am, x, pdfs)
    objfs = [fmllr_objective(stats, estimate_fmllr(stats, num_iters=k).matrix) for k in range(6)]
    assert np.all(np.diff(objfs) >= -1e-9 * abs(objfs[0])), objfs
    res = estimate_fmllr(stats)
    assert res.objf_impr > objfs[1] - objfs[0] > 0
    rng = np.random.default_rng(3)
    for _ in range(20):
        assert fmllr_objective(stats, res.matrix + 1e-3 * rng.standard_normal(res.matrix.shape)) < objfs[0] + res.objf_impr


def test_recovers_the_inverse_of_a_known_affine_transform(make_gmm, sample_am):
    am = make_gmm([1] * 10, 4, seed=4)  # one Gaussian per pdf: the aligned posteriors are exact
    x, pdfs, applied = _speaker_data(am, sample_am, 20000, seed=4)
    stats = FmllrStats(4)
    stats.accumulate(am, x, pdfs)
    w = estimate_fmllr(stats).matrix
    np.testing.assert_allclose(w, invert_affine(applied), atol=0.05)
    assert np.abs(w - identity_transform(4)).max() > 0.3  # the test is not passed by the identity


def test_data_likelihood_rises_with_the_jacobian(make_gmm, sample_am):
    am = make_gmm([3, 2, 4], 4, seed=5)
    x, pdfs, _ = _speaker_data(am, sample_am, 3000, seed=5)
    stats = FmllrStats(4)
    before = stats.accumulate(am, x, pdfs)
    w = estimate_fmllr(stats).matrix
    after = aligned_posteriors(am, apply_transform(x, w), pdfs).log_like + len(x) * np.linalg.slogdet(w[:, :4])[1]
    assert after > before + 0.05 * len(x)


def test_too_few_frames_keep_the_identity(make_gmm, sample_am):
    am = make_gmm([1, 2], 3, seed=6)
    x, pdfs, _ = _speaker_data(am, sample_am, 15, seed=6)
    stats = FmllrStats(3)
    stats.accumulate(am, x, pdfs)
    res = estimate_fmllr(stats, min_count=20)
    np.testing.assert_array_equal(res.matrix, identity_transform(3))
    assert res.objf_impr == 0.0
    with pytest.raises(ToolkitError, match="dimension"):
        FmllrStats(4).accumulate(am, x, pdfs)
