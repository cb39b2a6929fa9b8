"""Per-speaker feature-space MLLR (constrained MLLR; Kaldi's gmm-est-fmllr, full update).

An affine transform W = [A, b] `(D, D + 1)` maps a speaker's frames x to W xi, xi = [x; 1],
toward the speaker-independent model. With posteriors gamma_t(g) of the model's diagonal
Gaussians (means mu_g, variances sigma^2_g), beta = sum gamma and the statistics

    k_i = sum_t sum_g gamma_t(g) mu_{g,i} / sigma^2_{g,i} xi_t^T          (rows of K, (D, D + 1))
    G_i = sum_t sum_g gamma_t(g) / sigma^2_{g,i} xi_t xi_t^T              ((D, D + 1, D + 1) in all)

the auxiliary function is, up to a constant,

    Q(W) = beta log |det A| + sum_i (w_i k_i^T - 1/2 w_i G_i w_i^T).

It is maximised row by row (Gales 1998, "Maximum likelihood linear transformations for
HMM-based speech recognition", Computer Speech and Language 12): with c_i the extended
cofactor row [row i of det(A) A^-T, 0], the optimal row is w_i = (alpha c_i + k_i) G_i^-1,
where alpha solves alpha^2 e1 + alpha e2 - beta = 0 for e1 = c_i G_i^-1 c_i^T and
e2 = c_i G_i^-1 k_i^T; of the two roots the one with the larger
beta log|alpha e1 + e2| - alpha^2 e1 / 2 is taken. Each row update is the exact maximiser
over that row, so Q never decreases. As with Kaldi's FmllrOptions defaults, a speaker with fewer
than `min_count` (500) frames keeps the identity [I, 0], and 40 passes over the rows are made.

Statistics of one speaker sum over utterances and jobs (`add`); on disk the transforms go
to archives keyed by speaker (`toolkit.transform.store`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.log import get_logger
from toolkit.transform.gauss_stats import aligned_frame_sums, weighted_scatters

_log = get_logger(__name__)


class FmllrStats:
    """Zeroed fMLLR statistics of one speaker in `dim` dimensions: `beta`, `K (D, D+1)`, `G (D, D+1, D+1)`.

    Accumulation works per pdf present: pass all of a speaker's utterances at once for speed.
    """

    def __init__(self, dim: int):
        self.beta = 0.0
        self.K = np.zeros((dim, dim + 1))
        self.G = np.zeros((dim, dim + 1, dim + 1))

    @property
    def dim(self) -> int:
        return self.K.shape[0]

    def accumulate(self, am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray,
                   weights: np.ndarray | None = None) -> float:
        """Add frames `feats (T, D)` aligned to `pdfs (T,)`, weighted by `weights (T,)`; returns their log-likelihood."""
        if am.dim != self.dim:
            raise ToolkitError(f"fMLLR statistics of dimension {self.dim} cannot use a model of dimension {am.dim}")
        feats = np.asarray(feats, dtype=np.float64)
        # The Gaussians of a frame share its xi: summing their weights per frame first makes
        # the scatter cost proportional to frames, not to (frame, Gaussian) pairs.
        params = np.concatenate([am.inv_vars, am.means * am.inv_vars], 1)  # (G, 2D)
        acc = aligned_frame_sums(am, feats, pdfs, params, weights)
        xi = np.concatenate([feats[acc.frames], np.ones((len(acc.frames), 1))], 1)
        self.K += acc.sums[:, self.dim:].T @ xi
        self.G += weighted_scatters(acc.sums[:, :self.dim], xi)
        self.beta += acc.count
        return acc.log_like

    def add(self, other: FmllrStats) -> None:
        if other.dim != self.dim:
            raise ToolkitError(f"cannot add fMLLR statistics of dimension {other.dim} to ones of dimension {self.dim}")
        self.beta += other.beta
        self.K += other.K
        self.G += other.G


def fmllr_objective(stats: FmllrStats, w: np.ndarray) -> float:
    """Q(W) = beta log|det A| + sum_i (w_i k_i^T - 1/2 w_i G_i w_i^T) for `w (D, D + 1)`."""
    _, logdet = np.linalg.slogdet(w[:, :-1])
    return float(stats.beta * logdet + (w * stats.K).sum() - 0.5 * np.einsum("ij,ijk,ik->", w, stats.G, w))


@dataclass(frozen=True)
class FmllrResult:
    """`matrix (D, D + 1)`, the auxiliary-function improvement over the initial transform, and the count."""

    matrix: np.ndarray
    objf_impr: float
    count: float

    @property
    def objf_impr_per_frame(self) -> float:
        return self.objf_impr / self.count if self.count > 0 else 0.0


def identity_transform(dim: int) -> np.ndarray:
    """[I, 0] `(dim, dim + 1)`: the transform that leaves features unchanged."""
    return np.concatenate([np.eye(dim), np.zeros((dim, 1))], 1)


def _update_row(stats: FmllrStats, g_inv: np.ndarray, w: np.ndarray, a_inv: np.ndarray, i: int) -> None:
    """Replace row i of `w` by its maximiser, and keep `a_inv` = inverse of w[:, :D] (Sherman-Morrison)."""
    d = stats.dim
    c = np.zeros(d + 1)
    c[:d] = a_inv[:, i]  # proportional to the cofactor row; the optimum is scale-free in c
    gc, gk = g_inv[i] @ c, g_inv[i] @ stats.K[i]
    e1, e2 = float(c @ gc), float(c @ gk)
    root = np.sqrt(e2 * e2 + 4.0 * e1 * stats.beta)
    alphas = ((-e2 + root) / (2.0 * e1), (-e2 - root) / (2.0 * e1))
    gains = [stats.beta * np.log(abs(a * e1 + e2)) - 0.5 * a * a * e1 for a in alphas]
    alpha = alphas[0] if gains[0] >= gains[1] else alphas[1]
    row = alpha * gc + gk
    # A' = A + e_i delta^T; 1 + delta . A^-1 e_i = row . c (the old row . c is 1) = alpha e1 + e2 != 0.
    delta = row[:d] - w[i, :d]
    a_inv -= np.outer(a_inv[:, i], delta @ a_inv) / (row[:d] @ c[:d])
    w[i] = row


def estimate_fmllr(stats: FmllrStats, *, num_iters: int = 40, min_count: float = 500.0,
                   initial: np.ndarray | None = None) -> FmllrResult:
    """The fMLLR transform `(D, D + 1)` from `initial` (default [I, 0]) after `num_iters` passes over the rows.

    Below `min_count` frames the initial transform is returned unchanged (improvement 0).
    Q never decreases from `initial`.
    """
    d = stats.dim
    w = identity_transform(d) if initial is None else np.array(initial, dtype=np.float64)
    if w.shape != (d, d + 1):
        raise ToolkitError(f"initial fMLLR transform of shape {w.shape}, expected {(d, d + 1)}")
    if stats.beta < min_count:
        _log.warning("only %.1f frames (minimum %.1f): keeping the initial fMLLR transform", stats.beta, min_count)
        return FmllrResult(w, 0.0, stats.beta)
    try:
        g_inv = np.linalg.inv(stats.G)
    except np.linalg.LinAlgError:
        raise ToolkitError(f"an fMLLR statistics matrix G_i is singular ({stats.beta:.1f} frames)") from None
    before = fmllr_objective(stats, w)
    for _ in range(num_iters):
        a_inv = np.linalg.inv(w[:, :d])  # fresh each pass, so rank-one update errors cannot build up
        for i in range(d):
            _update_row(stats, g_inv, w, a_inv, i)
    return FmllrResult(w, fmllr_objective(stats, w) - before, stats.beta)
