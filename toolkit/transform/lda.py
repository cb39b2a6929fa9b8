"""Linear discriminant analysis of (spliced) frames with pdfs as classes (Kaldi's acc-lda and est-lda).

Statistics (`LdaStats`): per class c the weighted count n_c and sum s_c, and the total
second-order sum S = sum_t w_t x_t x_t^T. Jobs' statistics add up. With N = sum n_c and
mu = sum s_c / N:

    total covariance     T = S / N - mu mu^T
    between-class        B = sum_c n_c (mu_c - mu)(mu_c - mu)^T / N = sum_c s_c s_c^T / (n_c N) - mu mu^T
    within-class         W = T - B

`estimate_lda` solves the generalized symmetric eigenproblem B v = lambda W v through the
Cholesky factor W = L L^T: with C = L^-1, C B C^T = U diag(lambda) U^T, and the LDA rows are
the leading `dim` rows of U^T C. The projection M therefore makes the within-class covariance
unit (M W M^T = I) and the between-class covariance diagonal (M B M^T = diag(lambda)), as
Kaldi's LdaEstimate::Estimate does. See Kaldi's docs (transform.html, "Linear discriminant
analysis (LDA) transforms") and Fukunaga, Introduction to Statistical Pattern Recognition (1990).

File format (`.npz`, written atomically): `format` = "toolkit-lda-accs", `version` = 1,
`counts (C,)`, `sums (C, D)`, `scatter (D, D)` (float64).
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.io.npz import load_npz, save_npz, sum_saved

FORMAT = "toolkit-lda-accs"
VERSION = 1


class LdaStats:
    """Zeroed LDA statistics of `num_classes` classes (pdfs) in `dim` dimensions."""

    def __init__(self, num_classes: int, dim: int):
        if num_classes < 1 or dim < 1:
            raise ToolkitError(f"LDA statistics need classes and a dimension, got {num_classes} and {dim}")
        self.counts = np.zeros(num_classes)
        self.sums = np.zeros((num_classes, dim))
        self.scatter = np.zeros((dim, dim))

    @property
    def num_classes(self) -> int:
        return len(self.counts)

    @property
    def dim(self) -> int:
        return self.sums.shape[1]

    @property
    def total_count(self) -> float:
        return float(self.counts.sum())

    def accumulate(self, feats: np.ndarray, classes: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add frames `feats (T, dim)` of classes `classes (T,)`, each weighted by `weights (T,)` (default 1)."""
        feats = np.asarray(feats, dtype=np.float64)
        classes = np.asarray(classes)
        if feats.ndim != 2 or feats.shape[1] != self.dim or classes.shape != (len(feats),):
            raise ToolkitError(f"features {feats.shape} and class labels {classes.shape} do not match "
                               f"dimension {self.dim}")
        if weights is None:
            weights = np.ones(len(feats))
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != classes.shape:
            raise ToolkitError(f"{len(weights)} frame weights for {len(classes)} frames")
        if len(classes) == 0:
            return
        if classes.min() < 0 or classes.max() >= self.num_classes:
            raise ToolkitError(f"class labels must be in [0, {self.num_classes}), got {classes.min()} .. {classes.max()}")
        self.counts += np.bincount(classes, weights=weights, minlength=self.num_classes)
        wx = feats * weights[:, None]
        np.add.at(self.sums, classes, wx)
        self.scatter += wx.T @ feats

    def add(self, other: LdaStats) -> None:
        """Add another job's statistics (same classes and dimension)."""
        if other.num_classes != self.num_classes or other.dim != self.dim:
            raise ToolkitError(f"cannot add LDA statistics of {other.num_classes} classes in dimension {other.dim} "
                               f"to ones of {self.num_classes} classes in dimension {self.dim}")
        self.counts += other.counts
        self.sums += other.sums
        self.scatter += other.scatter

    def covariances(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(total covariance T, between-class B, global mean mu): `(D, D)`, `(D, D)`, `(D,)`."""
        n = self.total_count
        if n <= 0:
            raise ToolkitError("the LDA statistics are empty")
        mean = self.sums.sum(0) / n
        total = self.scatter / n - np.outer(mean, mean)
        used = self.counts > 0
        s = self.sums[used]
        between = (s.T / self.counts[used]) @ s / n - np.outer(mean, mean)
        return total, between, mean

    def save(self, path: str | os.PathLike) -> None:
        save_npz(path, FORMAT, {"counts": self.counts, "sums": self.sums, "scatter": self.scatter}, VERSION)

    @classmethod
    def load(cls, path: str | os.PathLike) -> LdaStats:
        """Read statistics written by `save`; InputError naming the file if it is not one."""
        z = load_npz(path, FORMAT, "LDA statistics", VERSION)
        try:
            counts, sums, scatter = z["counts"], z["sums"], z["scatter"]
            stats = cls(len(counts), sums.shape[1])
            stats.counts[:] = counts
            stats.sums[:] = sums
            stats.scatter[:] = scatter
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as e:
            raise InputError(f"not a valid LDA statistics file ({type(e).__name__}: {e})", path) from None
        return stats


def sum_lda_stats(paths: Iterable[str | os.PathLike]) -> LdaStats:
    """The sum of the statistics files `paths` (at least one); errors name the offending file."""
    return sum_saved(paths, LdaStats.load, "LDA statistics")


@dataclass(frozen=True)
class LdaResult:
    """`matrix (dim, D)` or `(dim, D + 1)` with `remove_offset`; `eigenvalues (D,)` of W^-1 B, descending."""

    matrix: np.ndarray
    eigenvalues: np.ndarray


def estimate_lda(stats: LdaStats, dim: int, *, allow_large_dim: bool = False,
                 remove_offset: bool = False) -> LdaResult:
    """The LDA projection to `dim` dimensions (Kaldi's est-lda --dim).

    Guarantees M W M^T = I and M B M^T = diag(eigenvalues[:dim]). `dim` may exceed the
    number of classes with data minus one (beyond which directions carry no class
    information) only with `allow_large_dim`. With `remove_offset` an offset column is
    appended so that the projected global mean is zero.
    """
    num_used = int((stats.counts > 0).sum())
    if not 1 <= dim <= stats.dim:
        raise ToolkitError(f"LDA dimension {dim} must be between 1 and the input dimension {stats.dim}")
    if dim > num_used - 1 and not allow_large_dim:
        raise ToolkitError(f"LDA dimension {dim} exceeds the number of classes with data minus one ({num_used - 1}); "
                           f"use fewer dimensions or allow_large_dim")
    total, between, mean = stats.covariances()
    within = total - between
    try:
        chol = np.linalg.cholesky(within)
    except np.linalg.LinAlgError:
        raise ToolkitError("the within-class covariance is not positive definite (too little data, or "
                           "linearly dependent feature dimensions)") from None
    c = np.linalg.solve(chol, np.eye(stats.dim))  # L^-1
    eigvals, u = np.linalg.eigh(c @ between @ c.T)
    order = np.argsort(eigvals)[::-1]
    matrix = u[:, order[:dim]].T @ c
    if remove_offset:
        matrix = np.concatenate([matrix, -(matrix @ mean)[:, None]], 1)
    return LdaResult(matrix, eigvals[order])
