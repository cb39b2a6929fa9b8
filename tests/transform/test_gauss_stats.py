import numpy as np
import pytest

from toolkit.transform.gauss_stats import (
    aligned_frame_sums,
    aligned_posteriors,
    weighted_scatters,
)


def test_posteriors_match_direct_computation(make_gmm, sample_am):
    am = make_gmm([1, 3, 2], 4, seed=1)
    rng = np.random.default_rng(0)
    x, pdfs = sample_am(am, 200, rng)
    weights = rng.uniform(0, 2, 200)
    weights[:20] = 0
    post = aligned_posteriors(am, x, pdfs, weights)
    dense = np.zeros((200, am.num_gauss))
    np.add.at(dense, (post.frames, post.gauss), post.post)
    expect = np.zeros_like(dense)
    total = 0.0
    for t in range(200):
        g = np.flatnonzero(am.pdf_of_gauss == pdfs[t])
        ll = (am.log_weights[g] - 0.5 * np.log(2 * np.pi * am.variances[g]).sum(1)
              - 0.5 * ((x[t] - am.means[g]) ** 2 / am.variances[g]).sum(1))
        p = np.exp(ll - ll.max())
        expect[t, g] = weights[t] * p / p.sum()
        total += weights[t] * (ll.max() + np.log(p.sum()))
    np.testing.assert_allclose(dense, expect, atol=1e-10)
    assert not np.isin(np.arange(20), post.frames).any()
    np.testing.assert_allclose(post.log_like, total, rtol=1e-9)


def test_weighted_scatters_against_loop():
    rng = np.random.default_rng(2)
    w, v = rng.random((50, 3)), rng.standard_normal((50, 4))
    expect = np.array([sum(w[n, i] * np.outer(v[n], v[n]) for n in range(50)) for i in range(3)])
    np.testing.assert_allclose(weighted_scatters(w, v), expect, rtol=1e-12)


def test_frame_sums_contract_the_posteriors(make_gmm, sample_am):
    am = make_gmm([2, 4, 1], 3, seed=3)
    rng = np.random.default_rng(3)
    x, pdfs = sample_am(am, 80, rng)
    weights = (np.arange(80) % 5 != 0).astype(float)
    params = rng.standard_normal((am.num_gauss, 5))
    sums = aligned_frame_sums(am, x, pdfs, params, weights)
    post = aligned_posteriors(am, x, pdfs, weights)
    dense = np.zeros((80, am.num_gauss))
    np.add.at(dense, (post.frames, post.gauss), post.post)
    assert sorted(sums.frames.tolist()) == np.flatnonzero(weights).tolist()
    np.testing.assert_allclose(sums.sums, (dense @ params)[sums.frames], atol=1e-12)
    assert sums.count == pytest.approx(weights.sum())
    assert sums.log_like == pytest.approx(post.log_like)
