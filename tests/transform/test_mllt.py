import numpy as np
import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.transform.affine import apply_transform, compose_transforms
from toolkit.transform.gauss_stats import aligned_posteriors
from toolkit.transform.mllt import MlltStats, estimate_mllt, mllt_objective


def _ml_diag_model(z, labels, num_pdfs):
    """One Gaussian per pdf with the ML mean and diagonal variance of its frames."""
    means = np.array([z[labels == p].mean(0) for p in range(num_pdfs)])
    variances = np.array([z[labels == p].var(0) for p in range(num_pdfs)])
    return AmDiagGmm.from_variances(means, variances, np.ones(num_pdfs), np.arange(num_pdfs))


def test_statistics_match_their_definition(make_gmm, sample_am):
    am = make_gmm([2, 1, 3], 3, seed=5)
    rng = np.random.default_rng(5)
    x, pdfs = sample_am(am, 120, rng)
    stats = MlltStats(3)
    stats.accumulate(am, x[:50], pdfs[:50])
    stats.accumulate(am, x[50:], pdfs[50:])
    post = aligned_posteriors(am, x, pdfs)
    expect = np.zeros((3, 3, 3))
    for t, g, p in zip(post.frames, post.gauss, post.post):
        d = x[t] - am.means[g]
        for i in range(3):
            expect[i] += p / am.variances[g, i] * np.outer(d, d)
    np.testing.assert_allclose(stats.G, expect, rtol=1e-10)
    assert stats.beta == pytest.approx(120)


def test_update_never_decreases_the_auxiliary_function(make_gmm, sample_am):
    am = make_gmm([2, 2, 3, 1], 5, seed=6)
    rng = np.random.default_rng(6)
    x, pdfs = sample_am(am, 2000, rng)
    mix = np.eye(5) + 0.4 * rng.standard_normal((5, 5))
    stats = MlltStats(5)
    stats.accumulate(am, x @ mix.T, pdfs)  # correlated dimensions the model does not expect
    objfs = [mllt_objective(stats, estimate_mllt(stats, num_iters=k).matrix) for k in range(6)]
    assert np.all(np.diff(objfs) >= -1e-9 * abs(objfs[0])), objfs
    res = estimate_mllt(stats, num_iters=5)
    assert res.objf_impr == pytest.approx(objfs[5] - objfs[0])
    assert res.objf_impr_per_frame > 0.01
    # After convergence each row is a maximiser: small perturbations lose.
    a = estimate_mllt(stats, num_iters=50).matrix
    best = mllt_objective(stats, a)
    for _ in range(20):
        assert mllt_objective(stats, a + 1e-3 * rng.standard_normal(a.shape)) < best


def test_recovers_a_shared_rotation_of_diagonal_covariances():
    rng = np.random.default_rng(7)
    dim, num_pdfs, n = 4, 6, 30000
    labels = rng.integers(0, num_pdfs, n)
    means = rng.normal(0, 3, (num_pdfs, dim))
    stds = np.sqrt(rng.uniform(0.1, 3.0, (num_pdfs, dim)))
    y = means[labels] + rng.standard_normal((n, dim)) * stds[labels]
    rot, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    x = y @ rot  # x = rot^T y: the covariances are diagonal after y = rot x
    total = np.eye(dim)
    for _ in range(15):  # Gales' alternation: diagonal ML model in the current space, then A
        z = apply_transform(x, total).astype(np.float64)
        stats = MlltStats(dim)
        stats.accumulate(_ml_diag_model(z, labels, num_pdfs), z, labels)
        total = compose_transforms(estimate_mllt(stats).matrix, total)
    rows = total / np.linalg.norm(total, axis=1, keepdims=True)
    match = np.abs(rows @ rot.T)  # |cos| between estimated and true rows
    assert np.all(match.max(1) > 0.995), match
    assert sorted(match.argmax(1).tolist()) == list(range(dim))  # a permutation


def test_files_and_errors(tmp_path):
    rng = np.random.default_rng(8)
    stats = MlltStats(3)
    g = rng.standard_normal((3, 5, 3))
    stats.G[:] = np.einsum("inj,ink->ijk", g, g)
    stats.beta = 5.0
    stats.save(tmp_path / "a.macc")
    loaded = MlltStats.load(tmp_path / "a.macc")
    loaded.add(stats)
    np.testing.assert_allclose(loaded.G, 2 * stats.G)
    assert loaded.beta == 10.0
    with pytest.raises(ToolkitError, match="dimension"):
        loaded.add(MlltStats(4))
    (tmp_path / "bad").write_bytes(b"xx")
    with pytest.raises(InputError, match="bad"):
        MlltStats.load(tmp_path / "bad")
    with pytest.raises(ToolkitError, match="empty"):
        estimate_mllt(MlltStats(3))
