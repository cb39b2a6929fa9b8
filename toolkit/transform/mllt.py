"""Maximum likelihood linear transform, a global semi-tied covariance (Kaldi's gmm-acc-mllt and est-mllt).

A square matrix A maps the features, and each Gaussian keeps its diagonal covariance in the
transformed space. With model means mu_g and variances sigma^2_g (in the current feature space),
posteriors gamma_t(g), beta = sum gamma and the statistics

    G_i = sum_t sum_g gamma_t(g) / sigma^2_{g,i} (x_t - mu_g)(x_t - mu_g)^T,   i = 1 .. D,

the auxiliary function of A (rows a_i) is, up to a constant,

    Q(A) = beta log |det A| - 1/2 sum_i a_i G_i a_i^T.

It is maximised row by row (Gales 1999, "Semi-tied covariance matrices for hidden Markov
models", IEEE TSAP 7(3)): with c_i the i-th row of the cofactor matrix of A (any multiple of
row i of A^-T), a_i = c_i G_i^-1 sqrt(beta / (c_i G_i^-1 c_i^T)) is the exact maximiser over
a_i with the other rows fixed, so every row update increases Q. Kaldi's MlltAccs::Update does
the same (200 passes over the rows). The new feature transform is A times the old one
(`affine.compose_transforms`) and the model means move by A (`affine.transform_means`).

File format of the statistics (`.npz`, written atomically): `format` = "toolkit-mllt-accs",
`version` = 1, `beta ()`, `G (D, D, D)`, `log_like ()` (of the frames under the model).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.gmm.frame_chunks import frame_chunks
from toolkit.io.npz import load_npz, save_npz, sum_saved
from toolkit.transform.gauss_stats import GaussPosteriors, aligned_posteriors
from toolkit.transform.rand_prune import rand_prune

FORMAT = "toolkit-mllt-accs"
VERSION = 1


class MlltStats:
    """Zeroed MLLT statistics in `dim` dimensions: `beta` (total count) and `G (dim, dim, dim)`.

    Accumulation groups the entries by Gaussian: pass many utterances at once for speed.
    """

    def __init__(self, dim: int):
        self.beta = 0.0
        self.G = np.zeros((dim, dim, dim))
        self.log_like = 0.0

    @property
    def dim(self) -> int:
        return self.G.shape[0]

    def accumulate(self, am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray,
                   weights: np.ndarray | None = None, prune: float = 0.0,
                   rng: np.random.Generator | None = None) -> float:
        """Add frames `feats (T, D)` (in the model's space) aligned to `pdfs (T,)`, weighted by
        `weights (T,)`, each Gaussian posterior randomly pruned at `prune` with `rng`
        (toolkit/transform/rand_prune.py; 0 keeps them all); returns their log-likelihood."""
        if am.dim != self.dim:
            raise ToolkitError(f"MLLT statistics of dimension {self.dim} cannot use a model of dimension {am.dim}")
        feats = np.asarray(feats, dtype=np.float64)
        post = aligned_posteriors(am, feats, pdfs, weights)
        if prune > 0:
            if rng is None:
                raise ToolkitError("random pruning of the MLLT statistics needs a random generator (rng)")
            pruned = rand_prune(post.post, prune, rng)
            kept = pruned != 0
            post = GaussPosteriors(post.frames[kept], post.gauss[kept], pruned[kept], post.log_like)
        # Per-Gaussian scatters S_g first (D^2 work per entry), then G_i = sum_g S_g / sigma^2_{g,i}
        # as one product: D times cheaper than adding every entry to all D matrices.
        order = np.argsort(post.gauss, kind="stable")
        present, starts = np.unique(post.gauss[order], return_index=True)
        ends = np.append(starts[1:], len(order))
        scatters = np.empty((len(present), self.dim, self.dim))
        for j, (g, s, e) in enumerate(zip(present.tolist(), starts.tolist(), ends.tolist())):
            idx = order[s:e]
            diff = feats[post.frames[idx]] - am.means[g]
            scatters[j] = (diff * post.post[idx, None]).T @ diff
        self.G += np.tensordot(am.inv_vars[present], scatters, axes=(0, 0))
        self.beta += float(post.post.sum())
        self.log_like += post.log_like
        return post.log_like

    def add(self, other: MlltStats) -> None:
        if other.dim != self.dim:
            raise ToolkitError(f"cannot add MLLT statistics of dimension {other.dim} to ones of dimension {self.dim}")
        self.beta += other.beta
        self.G += other.G
        self.log_like += other.log_like

    def save(self, path: str | os.PathLike) -> None:
        save_npz(path, FORMAT, {"beta": np.array(self.beta), "G": self.G, "log_like": np.array(self.log_like)}, VERSION)

    @classmethod
    def load(cls, path: str | os.PathLike) -> MlltStats:
        """Read statistics written by `save`; InputError naming the file if it is not one."""
        z = load_npz(path, FORMAT, "MLLT statistics", VERSION)
        try:
            g = z["G"]
            if g.ndim != 3 or g.shape[0] != g.shape[1] or g.shape[1] != g.shape[2]:
                raise InputError(f"MLLT statistics G has shape {g.shape}, expected (D, D, D)", path)
            stats = cls(g.shape[0])
            stats.G[:] = g
            stats.beta = float(z["beta"])
            stats.log_like = float(z["log_like"])
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as e:
            raise InputError(f"not a valid MLLT statistics file ({type(e).__name__}: {e})", path) from None
        return stats


def accumulate_mllt(am: AmDiagGmm, aligned: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
                    chunk_frames: int = 65536, prune: float = 0.0, seed: int = 0) -> MlltStats:
    """MLLT statistics of `am` from `(feats (T, D), pdfs (T,), weights (T,))` triples (Kaldi's gmm-acc-mllt).

    Utterances are gathered into chunks of about `chunk_frames` frames before they are added,
    since `MlltStats.accumulate` loops over the Gaussians present; the result does not
    depend on the chunking beyond rounding, except through the random pruning at `prune` > 0
    (Kaldi's --rand-prune; draws seeded by `seed`).
    """
    stats = MlltStats(am.dim)
    rng = np.random.default_rng(seed)

    def checked() -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        for feats, pdfs, weights in aligned:
            if not len(feats) == len(pdfs) == len(weights):
                raise ToolkitError(f"{len(feats)} frames, {len(pdfs)} pdf labels and {len(weights)} weights")
            yield np.asarray(feats), np.asarray(pdfs), np.asarray(weights, dtype=np.float64)

    for feats, pdfs, weights in frame_chunks(checked(), chunk_frames):
        stats.accumulate(am, feats, pdfs, weights, prune, rng)
    return stats


def sum_mllt_stats(paths: Iterable[str | os.PathLike]) -> MlltStats:
    """The sum of the statistics files `paths` (at least one); errors name the offending file."""
    return sum_saved(paths, MlltStats.load, "MLLT statistics")


def mllt_objective(stats: MlltStats, a: np.ndarray) -> float:
    """Q(A) = beta log|det A| - 1/2 sum_i a_i G_i a_i^T for a square `a (D, D)`."""
    _, logdet = np.linalg.slogdet(a)
    return float(stats.beta * logdet - 0.5 * np.einsum("ij,ijk,ik->", a, stats.G, a))


@dataclass(frozen=True)
class MlltResult:
    """`matrix (D, D)`, and the auxiliary-function improvement over the initial matrix: total and per frame."""

    matrix: np.ndarray
    objf_impr: float
    count: float

    @property
    def objf_impr_per_frame(self) -> float:
        return self.objf_impr / self.count


def estimate_mllt(stats: MlltStats, num_iters: int = 200, initial: np.ndarray | None = None) -> MlltResult:
    """The MLLT matrix from `initial` (default identity) after `num_iters` passes of row updates.

    Each row update maximises Q over that row, so Q never decreases.
    """
    if stats.beta <= 0:
        raise ToolkitError("the MLLT statistics are empty")
    d = stats.dim
    a = np.eye(d) if initial is None else np.array(initial, dtype=np.float64)
    if a.shape != (d, d):
        raise ToolkitError(f"initial MLLT matrix of shape {a.shape}, expected {(d, d)}")
    try:
        g_inv = np.linalg.inv(stats.G)
    except np.linalg.LinAlgError:
        raise ToolkitError("an MLLT statistics matrix G_i is singular (too little data?)") from None
    before = mllt_objective(stats, a)
    for _ in range(num_iters):
        a_inv = np.linalg.inv(a)  # fresh each pass, so rank-one update errors cannot build up
        for i in range(d):
            c = a_inv[:, i]  # proportional to row i of the cofactor matrix
            row = g_inv[i] @ c
            row *= np.sqrt(stats.beta / (row @ c))
            # Sherman-Morrison for A + e_i (row - a_i)^T; the denominator is row . c (a_i . c = 1).
            a_inv -= np.outer(c, (row - a[i]) @ a_inv) / (row @ c)
            a[i] = row
    return MlltResult(a, mllt_objective(stats, a) - before, stats.beta)
