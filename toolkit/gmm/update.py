"""Maximum-likelihood re-estimation of the GMMs and mixing up (Kaldi's MleDiagGmmUpdate, SplitByCount).

`mle_update` applies, to every Gaussian at once, what Kaldi's MleDiagGmmUpdate does per
Gaussian: a Gaussian whose occupancy exceeds `min_gaussian_occupancy` and whose share of
its pdf's count exceeds `min_gaussian_weight` gets weight = its share, mean = E[x] and
variance = E[x^2] - mean^2 (floored); any other Gaussian keeps its parameters and, with
`remove_low_count_gaussians`, is removed unless it is the last of its pdf. Unlike Kaldi,
the weights of every pdf are renormalised to sum to one after the update (Kaldi only
does so when it removes a Gaussian).

`mix_up` grows the model toward a total number of Gaussians: `split_targets` allocates
Gaussians to pdfs in proportion to occupancy^power (never fewer than a pdf has, never so
many that one gets less than `min_count` frames), and each pdf splits its heaviest
Gaussian until it reaches its target: the weight is halved and the two means move apart
by +-perturb_factor standard deviations along one random direction, so the pdf's mean,
weights and variances are unchanged.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.gmm.accumulate import GmmAccumulator
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.log import get_logger

_log = get_logger(__name__)

UPDATE_FLAGS = "mvw"


@dataclass(frozen=True)
class MleOptions:
    """Kaldi's MleDiagGmmOptions, plus a variance floor relative to the global variance.

    `update_flags`: which of means (m), variances (v), weights (w) to update.
    `variance_floor`: floor every variance at this fraction of the variance of all the
    data in the statistics (0: off, as Kaldi); `min_variance` is the absolute floor.
    """

    min_gaussian_occupancy: float = 10.0
    min_gaussian_weight: float = 1.0e-5
    min_variance: float = 0.001
    variance_floor: float = 0.0
    remove_low_count_gaussians: bool = True
    update_flags: str = UPDATE_FLAGS

    def __post_init__(self):
        unknown = set(self.update_flags) - set(UPDATE_FLAGS)
        if unknown:
            raise ToolkitError(f"update flags '{self.update_flags}': unknown {''.join(sorted(unknown))} "
                               f"(a subset of '{UPDATE_FLAGS}')")
        if self.min_variance <= 0 or self.variance_floor < 0:
            raise ToolkitError("the variance floors must be positive (min_variance) and non-negative (variance_floor)")


@dataclass(frozen=True)
class UpdateStats:
    """What `mle_update` did: the auxiliary-function change and the frames it covers."""

    objf_change: float
    count: float
    floored_elements: int
    floored_gaussians: int
    removed_gaussians: int


def auxiliary(am: AmDiagGmm, acc: GmmAccumulator) -> float:
    """Kaldi's MlObjective: sum over Gaussians of the expected weighted log-density under the statistics."""
    used = acc.occupancy > 0
    mean_term = (acc.mean_acc * am.means * am.inv_vars).sum(1)
    var_term = (acc.var_acc * am.inv_vars).sum(1)
    return float((acc.occupancy * am.gconsts + mean_term - 0.5 * var_term)[used].sum())


def global_variance(acc: GmmAccumulator) -> np.ndarray:
    """(D,) the variance of all frames in the statistics (the sum over Gaussians is the data's)."""
    count = acc.occupancy.sum()
    if count <= 0:
        raise ToolkitError("the statistics are empty")
    mean = acc.mean_acc.sum(0) / count
    return acc.var_acc.sum(0) / count - mean ** 2


def mle_update(am: AmDiagGmm, acc: GmmAccumulator, opts: MleOptions = MleOptions()) -> tuple[AmDiagGmm, UpdateStats]:
    """The re-estimated model and what the update did; `acc` must hold statistics of `am`."""
    acc.check_model(am)
    occ = acc.occupancy
    pdf = am.pdf_of_gauss
    pdf_occ = np.bincount(pdf, weights=occ, minlength=am.num_pdfs)
    share = np.where(pdf_occ[pdf] > 0, occ / np.where(pdf_occ[pdf] > 0, pdf_occ[pdf], 1.0),
                     1.0 / am.gauss_counts[pdf])
    ok = (occ > opts.min_gaussian_occupancy) & (share > opts.min_gaussian_weight)
    safe_occ = np.where(ok, occ, 1.0)[:, None]

    new_mean = acc.mean_acc / safe_occ
    var = acc.var_acc / safe_occ - new_mean ** 2
    if "m" not in opts.update_flags:
        # Variance around the old mean, which is kept.
        var += (am.means - new_mean) ** 2
    floor = np.full(am.dim, opts.min_variance)
    if opts.variance_floor > 0:
        floor = np.maximum(floor, opts.variance_floor * global_variance(acc))
    floored = (var < floor) & ok[:, None] & ("v" in opts.update_flags)
    var = np.maximum(var, floor)

    means = np.where(ok[:, None], new_mean, am.means) if "m" in opts.update_flags else am.means
    inv_vars = np.where(ok[:, None], 1.0 / var, am.inv_vars) if "v" in opts.update_flags else am.inv_vars
    weights = am.weights
    if "w" in opts.update_flags:
        weights = np.where(ok, share, np.maximum(share, opts.min_gaussian_weight))
    # As Kaldi, the change is measured before Gaussians are removed and weights renormalised.
    objf_change = auxiliary(AmDiagGmm(means, inv_vars, np.log(weights), pdf, am.num_pdfs), acc) - auxiliary(am, acc)

    keep = np.ones(am.num_gauss, dtype=bool)
    if opts.remove_low_count_gaussians:
        keep = ok.copy()
        # A pdf keeps its last Gaussian even when none has enough data.
        empty = np.flatnonzero(np.bincount(pdf, weights=ok, minlength=am.num_pdfs) == 0)
        keep[am.offsets[empty + 1] - 1] = True
    low = np.flatnonzero(~ok)
    if len(low):
        _log.debug("%d Gaussians had too little data (first: %s)", len(low),
                   ", ".join(f"{g} of pdf {pdf[g]} occupancy {occ[g]:.2f}" for g in low[:5]))
    weights = weights[keep]
    weights = weights / np.bincount(pdf[keep], weights=weights, minlength=am.num_pdfs)[pdf[keep]]
    result = AmDiagGmm(means[keep], inv_vars[keep], np.log(weights), pdf[keep], am.num_pdfs)
    stats = UpdateStats(objf_change=objf_change, count=float(occ.sum()),
                        floored_elements=int(floored.sum()), floored_gaussians=int(floored.any(1).sum()),
                        removed_gaussians=int((~keep).sum()))
    return result, stats


def split_targets(pdf_occs: np.ndarray, target: int, power: float, min_count: float,
                  current: np.ndarray | None = None) -> np.ndarray:
    """(P,) Gaussians per pdf for a total of `target` (Kaldi's GetSplitTargets).

    Starting from one per pdf, a Gaussian at a time goes to the pdf with the largest
    occ^power / count; a pdf stops growing once another Gaussian would leave fewer than
    `min_count` frames per Gaussian. The result is then raised to `current` (the counts
    the model has: mixing up never merges). Ties go to the lower pdf id.
    """
    pdf_occs = np.asarray(pdf_occs, dtype=np.float64)
    if np.any(pdf_occs < 0):
        raise ToolkitError("pdf occupancies must be non-negative")
    counts = np.ones(len(pdf_occs), dtype=np.int64)
    weights = pdf_occs ** power
    heap = [(-w, p) for p, w in enumerate(weights) if w > 0]
    heapq.heapify(heap)
    total = len(pdf_occs)
    while total < target and heap:
        _, p = heapq.heappop(heap)
        if (counts[p] + 1) * min_count >= pdf_occs[p]:
            continue  # min_count reached: this pdf stays as it is
        counts[p] += 1
        total += 1
        heapq.heappush(heap, (-weights[p] / counts[p], p))
    if total < target:
        _log.warning("could only allocate %d of the %d Gaussians asked for (min_count = %g)", total, target, min_count)
    return counts if current is None else np.maximum(counts, current)


def split_pdf(means: np.ndarray, variances: np.ndarray, weights: np.ndarray, target: int,
              perturb_factor: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One pdf's Gaussians (K, D), (K, D), (K,) split up to `target` (Kaldi's DiagGmm::Split).

    The heaviest Gaussian (the first of equals) is halved; the copy is appended after the
    pdf's other Gaussians, and the pair's means are moved by -/+ perturb_factor * sd * r
    with r ~ N(0, I).
    """
    k = len(weights)
    if target < k:
        raise ToolkitError(f"cannot split {k} Gaussians into {target}")
    means = np.concatenate([means, np.empty((target - k, means.shape[1]))])
    variances = np.concatenate([variances, np.empty((target - k, means.shape[1]))])
    weights = np.concatenate([weights, np.empty(target - k)])
    for new in range(k, target):
        g = int(np.argmax(weights[:new]))
        weights[g] /= 2
        weights[new] = weights[g]
        shift = perturb_factor * np.sqrt(variances[g]) * rng.standard_normal(means.shape[1])
        variances[new] = variances[g]
        means[new] = means[g] + shift
        means[g] -= shift
    return means, variances, weights


def mix_up(am: AmDiagGmm, pdf_occs: np.ndarray, target: int, *, power: float = 0.2, min_count: float = 20.0,
           perturb_factor: float = 0.01, seed: int = 0) -> AmDiagGmm:
    """`am` with pdfs split toward `target` Gaussians in all (Kaldi's AmDiagGmm::SplitByCount).

    `pdf_occs (P,)`: frames per pdf in the last statistics. The random perturbation
    directions come from `seed`, so a run is reproducible.
    """
    if len(pdf_occs) != am.num_pdfs:
        raise ToolkitError(f"{len(pdf_occs)} pdf occupancies for a model of {am.num_pdfs} pdfs")
    targets = split_targets(pdf_occs, target, power, min_count, am.gauss_counts)
    if np.array_equal(targets, am.gauss_counts):
        return am
    rng = np.random.default_rng(seed)
    means, variances, weights, pdfs = [], [], [], []
    for p in range(am.num_pdfs):
        rows = slice(am.offsets[p], am.offsets[p + 1])
        m, v, w = am.means[rows], am.variances[rows], am.weights[rows]
        if targets[p] > am.gauss_counts[p]:
            m, v, w = split_pdf(m, v, w, int(targets[p]), perturb_factor, rng)
        means.append(m)
        variances.append(v)
        weights.append(w)
        pdfs.append(np.full(len(w), p))
    return AmDiagGmm.from_variances(np.concatenate(means), np.concatenate(variances), np.concatenate(weights),
                                    np.concatenate(pdfs), am.num_pdfs)
