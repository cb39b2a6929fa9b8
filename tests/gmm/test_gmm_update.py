"""ML update and mixing up: known parameters recovered, EM convergence, Kaldi's split rules, floors, removal."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.gmm.accumulate import GmmAccumulator
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.gmm.update import MleOptions, mix_up, mle_update, split_pdf, split_targets


def sample(means, variances, weights, pdf_of_gauss, n, rng):
    """n frames of each pdf from its true GMM: (x (T, D), pdf labels (T,), true Gaussian (T,))."""
    xs, labels, comps = [], [], []
    for p in np.unique(pdf_of_gauss):
        gs = np.flatnonzero(pdf_of_gauss == p)
        g = rng.choice(gs, size=n, p=weights[gs] / weights[gs].sum())
        xs.append(means[g] + rng.normal(size=(n, means.shape[1])) * np.sqrt(variances[g]))
        labels.append(np.full(n, p))
        comps.append(g)
    return np.concatenate(xs), np.concatenate(labels), np.concatenate(comps)


def stats(am, x, labels):
    acc = GmmAccumulator.for_model(am, num_tids=0)
    acc.accumulate(am, x, labels)
    return acc


def test_single_gaussians_get_the_sample_mean_and_variance():
    rng = np.random.default_rng(0)
    true_means = np.array([[0.0, 5.0, -2.0], [3.0, 3.0, 3.0], [-4.0, 0.0, 1.0]])
    true_vars = np.array([[1.0, 0.5, 2.0], [0.2, 1.0, 1.0], [3.0, 0.1, 0.7]])
    x, labels, _ = sample(true_means, true_vars, np.ones(3), np.arange(3), 4000, rng)
    start = AmDiagGmm(np.zeros((3, 3)), np.ones((3, 3)), np.zeros(3), np.arange(3))
    am, st = mle_update(start, stats(start, x, labels))
    for p in range(3):
        np.testing.assert_allclose(am.means[p], x[labels == p].mean(0), rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(am.variances[p], x[labels == p].var(0), rtol=1e-9)
    np.testing.assert_allclose(am.means, true_means, atol=0.06)
    np.testing.assert_allclose(am.variances, true_vars, rtol=0.06)
    assert st.objf_change > 0 and st.count == pytest.approx(12000) and st.removed_gaussians == 0


def test_well_separated_mixtures_are_recovered():
    rng = np.random.default_rng(1)
    means = np.array([[-6.0, 0.0], [6.0, 1.0], [0.0, 8.0], [0.0, -8.0], [0.0, 0.0]])
    variances = np.array([[1.0, 2.0], [0.5, 0.5], [1.0, 1.0], [2.0, 0.3], [1.5, 1.5]])
    weights = np.array([0.3, 0.7, 0.5, 0.5, 1.0])
    pdf = np.array([0, 0, 1, 1, 2])
    x, labels, _ = sample(means, variances, weights, pdf, 6000, rng)
    am = AmDiagGmm.from_variances(means + 0.5, variances * 1.5, np.full(5, 0.5) + (pdf == 2) * 0.5, pdf)
    for _ in range(5):
        am, _ = mle_update(am, stats(am, x, labels))
    np.testing.assert_allclose(am.means, means, atol=0.08)
    np.testing.assert_allclose(am.variances, variances, rtol=0.08)
    np.testing.assert_allclose(am.weights, weights, atol=0.02)


def test_em_on_a_1d_two_component_mixture_converges():
    rng = np.random.default_rng(2)
    true = {"means": [-2.0, 3.0], "variances": [0.5, 1.5], "weights": [0.3, 0.7]}
    comp = rng.random(20000) < 0.3
    x = np.where(comp, rng.normal(-2.0, np.sqrt(0.5), 20000), rng.normal(3.0, np.sqrt(1.5), 20000))[:, None]
    labels = np.zeros(len(x), dtype=int)
    am = AmDiagGmm.from_variances(np.array([[-0.5], [0.5]]), np.ones((2, 1)), np.array([0.5, 0.5]), np.zeros(2, int))
    likes = []
    for _ in range(40):
        acc = stats(am, x, labels)
        likes.append(acc.tot_like)
        am, _ = mle_update(am, acc, MleOptions(min_gaussian_occupancy=0.0))
    assert np.all(np.diff(likes) >= -1e-6 * abs(likes[-1]))  # EM never decreases the likelihood
    np.testing.assert_allclose(am.means[:, 0], true["means"], atol=0.05)
    np.testing.assert_allclose(am.variances[:, 0], true["variances"], rtol=0.06)
    np.testing.assert_allclose(am.weights, true["weights"], atol=0.01)


def test_split_targets_follow_kaldis_power_rule():
    occs = np.array([1000.0, 100.0, 10.0])
    assert split_targets(occs, 6, power=1.0, min_count=0).tolist() == [4, 1, 1]
    assert split_targets(occs, 7, power=0.5, min_count=0).tolist() == [4, 2, 1]
    # min_count: a pdf stops once another Gaussian would get min_count frames or fewer.
    assert split_targets(occs, 20, power=1.0, min_count=100).tolist() == [9, 1, 1]
    # A pdf without data keeps its one Gaussian; mixing up never takes Gaussians away.
    assert split_targets(np.array([0.0, 50.0]), 5, power=0.2, min_count=1).tolist() == [1, 4]
    assert split_targets(occs, 4, power=1.0, min_count=0, current=np.array([1, 3, 1])).tolist() == [2, 3, 1]


def test_split_reaches_the_target_and_keeps_the_pdf_mean(gmm_helpers):
    am = gmm_helpers.make([1, 2, 1], dim=4)
    occs = np.array([5000.0, 3000.0, 100.0])
    new = mix_up(am, occs, 12, power=1.0, min_count=0.0, perturb_factor=0.3, seed=7)
    assert new.gauss_counts.tolist() == [7, 4, 1]
    # As Kaldi, the allocation ignores what a pdf has; it never shrinks one.
    assert mix_up(am, occs, 4, power=1.0, min_count=0.0).gauss_counts.tolist() == [2, 2, 1]
    np.testing.assert_allclose(np.bincount(new.pdf_of_gauss, weights=new.weights), 1.0)
    for p in range(3):
        old_rows, new_rows = am.pdf_of_gauss == p, new.pdf_of_gauss == p
        mean_before = am.weights[old_rows] @ am.means[old_rows]
        mean_after = new.weights[new_rows] @ new.means[new_rows]
        np.testing.assert_allclose(mean_after, mean_before, atol=1e-12)
    # The means moved apart: no two Gaussians of a pdf coincide.
    assert len(np.unique(new.means.round(9), axis=0)) == 12 and new.num_gauss == 12


def test_split_pdf_halves_the_heaviest():
    means, variances = np.array([[0.0], [10.0]]), np.array([[4.0], [1.0]])
    m, v, w = split_pdf(means, variances, np.array([0.75, 0.25]), 4, 0.5, np.random.default_rng(0))
    # 0.75 -> 0.375 + 0.375, then one of those (the first) -> 0.1875 + 0.1875.
    np.testing.assert_allclose(w, [0.1875, 0.25, 0.375, 0.1875])
    np.testing.assert_allclose(v[:, 0], [4.0, 1.0, 4.0, 4.0])
    np.testing.assert_allclose(w @ m, 0.75 * 0.0 + 0.25 * 10.0, atol=1e-12)
    with pytest.raises(ToolkitError, match="cannot split 2"):
        split_pdf(means, variances, np.array([0.5, 0.5]), 1, 0.5, np.random.default_rng(0))


def test_low_count_gaussians_are_removed_but_never_a_pdfs_last():
    means = np.array([[0.0], [100.0], [5.0], [6.0]])
    am = AmDiagGmm.from_variances(means, np.ones((4, 1)), np.array([0.5, 0.5, 0.5, 0.5]), np.array([0, 0, 1, 1]))
    x = np.random.default_rng(0).normal(size=(200, 1))
    acc = stats(am, x, np.zeros(200, dtype=int))  # pdf 1 gets no data; Gaussian 1 gets none either
    new, st = mle_update(am, acc)
    assert new.gauss_counts.tolist() == [1, 1] and st.removed_gaussians == 2
    assert new.weights.tolist() == [1.0, 1.0]
    np.testing.assert_allclose(new.means[0], x.mean(0))
    # pdf 1 keeps its last Gaussian, unchanged.
    assert new.means[1, 0] == 6.0 and new.variances[1, 0] == 1.0
    kept, st = mle_update(am, acc, MleOptions(remove_low_count_gaussians=False))
    assert kept.num_gauss == 4 and st.removed_gaussians == 0
    np.testing.assert_allclose(kept.means[1:], means[1:])


def test_variance_floors():
    rng = np.random.default_rng(0)
    x = np.column_stack([rng.normal(0, 10, 1000), np.full(1000, 3.0)])
    x[500:, 0] *= 0.01  # pdf 1: tiny variance in dimension 0
    am = AmDiagGmm(np.zeros((2, 2)), np.ones((2, 2)), np.zeros(2), np.array([0, 1]))
    acc = stats(am, x, np.repeat([0, 1], 500))
    absolute, st = mle_update(am, acc, MleOptions(min_variance=0.05))
    np.testing.assert_allclose(absolute.variances[:, 1], 0.05)  # constant dimension
    np.testing.assert_allclose(absolute.variances[:, 0], [x[:500, 0].var(), 0.05])
    assert (st.floored_elements, st.floored_gaussians) == (3, 2)
    relative, _ = mle_update(am, acc, MleOptions(variance_floor=0.1))
    np.testing.assert_allclose(relative.variances[:, 0], [x[:500, 0].var(), 0.1 * x[:, 0].var()], rtol=1e-9)
    np.testing.assert_allclose(relative.variances[:, 1], 0.001)  # the absolute floor still applies


def test_update_flags_limit_what_changes():
    rng = np.random.default_rng(4)
    x = rng.normal(2.0, 3.0, size=(500, 2))
    am = AmDiagGmm(np.zeros((1, 2)), np.ones((1, 2)), np.zeros(1), np.zeros(1, int))
    acc = stats(am, x, np.zeros(500, dtype=int))
    v_only, _ = mle_update(am, acc, MleOptions(update_flags="v"))
    np.testing.assert_array_equal(v_only.means, am.means)
    # Without the mean update the variance is taken around the old mean.
    np.testing.assert_allclose(v_only.variances[0], (x ** 2).mean(0), rtol=1e-9)
    m_only, _ = mle_update(am, acc, MleOptions(update_flags="m"))
    np.testing.assert_array_equal(m_only.inv_vars, am.inv_vars)
    np.testing.assert_allclose(m_only.means[0], x.mean(0))
    with pytest.raises(ToolkitError, match="unknown t"):
        MleOptions(update_flags="mt")
