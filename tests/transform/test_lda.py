import numpy as np
import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.transform.affine import apply_transform
from toolkit.transform.lda import LdaStats, estimate_lda, sum_lda_stats


def _classes(rng, num_classes=6, per_class=300, dim=8):
    means = rng.normal(0, 2, (num_classes, dim))
    mix = rng.normal(0, 1, (dim, dim))
    labels = np.repeat(np.arange(num_classes), per_class)
    x = means[labels] + rng.standard_normal((len(labels), dim)) @ mix
    return x, labels


def _direct_scatters(x, labels):
    """Within- and between-class covariances written out class by class."""
    mean = x.mean(0)
    w = np.zeros((x.shape[1],) * 2)
    b = np.zeros_like(w)
    for c in np.unique(labels):
        xc = x[labels == c]
        mc = xc.mean(0)
        w += (xc - mc).T @ (xc - mc)
        b += len(xc) * np.outer(mc - mean, mc - mean)
    return w / len(x), b / len(x)


def test_lda_solves_the_generalized_eigenproblem():
    rng = np.random.default_rng(0)
    x, labels = _classes(rng)
    stats = LdaStats(6, 8)
    stats.accumulate(x, labels)
    res = estimate_lda(stats, 5)
    m = res.matrix
    assert m.shape == (5, 8)
    w, b = _direct_scatters(x, labels)
    np.testing.assert_allclose(m @ w @ m.T, np.eye(5), atol=1e-8)
    np.testing.assert_allclose(m @ b @ m.T, np.diag(res.eigenvalues[:5]), atol=1e-8)
    np.testing.assert_allclose(m @ b, res.eigenvalues[:5, None] * (m @ w), atol=1e-8)
    direct = np.sort(np.linalg.eigvals(np.linalg.solve(w, b)).real)[::-1]
    np.testing.assert_allclose(res.eigenvalues, direct, atol=1e-8)
    assert np.all(np.diff(res.eigenvalues) <= 1e-12)
    # 6 classes span 5 between-class directions: the rest carry nothing.
    assert np.all(np.abs(res.eigenvalues[5:]) < 1e-8) and res.eigenvalues[4] > 0.01


def test_lda_finds_the_known_discriminative_directions():
    rng = np.random.default_rng(1)
    dim, n = 6, 4000
    labels = rng.integers(0, 4, n)
    class_means = np.zeros((4, dim))
    class_means[:, :2] = [[0, 0], [4, 0], [0, 3], [4, 3]]
    std = np.array([1, 1, 3, 3, 0.5, 2])
    y = class_means[labels] + rng.standard_normal((n, dim)) * std
    q, _ = np.linalg.qr(rng.standard_normal((dim, dim)))
    x = y @ q.T  # observed = rotated; the class information lies in q[:, :2]
    stats = LdaStats(4, dim)
    stats.accumulate(x, labels)
    m = estimate_lda(stats, 2).matrix
    in_y = m @ q  # the LDA rows in the original coordinates
    # Share of each output's (unit) within-class variance that comes from the noise dimensions.
    leak = ((in_y * std)[:, 2:] ** 2).sum(1)
    assert np.all(leak < 0.01), leak


def test_stats_add_up_over_jobs_and_survive_files(tmp_path):
    rng = np.random.default_rng(2)
    x, labels = _classes(rng, num_classes=3, per_class=50, dim=4)
    weights = rng.uniform(0, 1, len(x))
    whole = LdaStats(3, 4)
    whole.accumulate(x, labels, weights)
    for part, (s, e) in enumerate([(0, 70), (70, 150)]):
        stats = LdaStats(3, 4)
        stats.accumulate(x[s:e], labels[s:e], weights[s:e])
        stats.save(tmp_path / f"lda.{part + 1}.acc")
    total = sum_lda_stats([tmp_path / "lda.1.acc", tmp_path / "lda.2.acc"])
    for name in ("counts", "sums", "scatter"):
        np.testing.assert_allclose(getattr(total, name), getattr(whole, name), rtol=1e-12)
    np.testing.assert_allclose(whole.counts, np.bincount(labels, weights=weights))


def test_remove_offset_centres_the_output():
    rng = np.random.default_rng(3)
    x, labels = _classes(rng, dim=5)
    x += 10
    stats = LdaStats(6, 5)
    stats.accumulate(x, labels)
    m = estimate_lda(stats, 3, remove_offset=True).matrix
    assert m.shape == (3, 6)
    np.testing.assert_allclose(apply_transform(x, m).mean(0), 0, atol=1e-4)


def test_bad_requests_are_refused(tmp_path):
    stats = LdaStats(3, 4)
    rng = np.random.default_rng(4)
    stats.accumulate(rng.standard_normal((30, 4)), np.arange(30) % 3)
    with pytest.raises(ToolkitError, match="classes with data minus one"):
        estimate_lda(stats, 3)
    assert estimate_lda(stats, 3, allow_large_dim=True).matrix.shape == (3, 4)
    with pytest.raises(ToolkitError, match="input dimension"):
        estimate_lda(stats, 5, allow_large_dim=True)
    with pytest.raises(ToolkitError, match="class labels"):
        stats.accumulate(np.zeros((2, 4)), np.array([0, 3]))
    bad = tmp_path / "bad.acc"
    bad.write_text("not npz")
    with pytest.raises(InputError, match="bad.acc"):
        LdaStats.load(bad)
    with pytest.raises(InputError, match="dimension"):
        other = LdaStats(3, 5)
        other.save(tmp_path / "b.acc")
        stats.save(tmp_path / "a.acc")
        sum_lda_stats([tmp_path / "a.acc", tmp_path / "b.acc"])
