"""The first context-dependent model from a tree and its statistics (Kaldi's gmm-init-model, without a previous model).

Every leaf (pdf) of the tree gets one Gaussian: the pooled statistics of the (triphone,
pdf class) keys the tree sends to it. Keys of a context-independent phone (NO_CONTEXT
left and right) are looked up with edge context, since the tree never asks about their
context. A pdf no key reaches (a phone never seen in the alignments) gets the global
mean and variance of all the statistics.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.hmm.tree import TreeContext
from toolkit.hmm.tree_stats import NO_CONTEXT, TreeStats


@dataclass
class TreeInitInfo:
    """Frames per pdf (num_pdfs,) and the pdfs that had no statistics."""

    pdf_counts: np.ndarray
    empty_pdfs: list[int]


def pdfs_of_stats(tree: TreeContext, stats: TreeStats) -> np.ndarray:
    """(K,) int64: the pdf each statistics key reaches. ToolkitError if the tree has no root for a key's phone."""
    windows = stats.keys[:, :3].copy()
    windows[windows == NO_CONTEXT] = 0
    return np.array([tree.pdf(w, int(pc)) for w, pc in zip(windows, stats.keys[:, 3])], dtype=np.int64)


def init_gmm_from_tree(tree: TreeContext, stats: TreeStats, var_floor: float = 0.01) -> tuple[AmDiagGmm, TreeInitInfo]:
    """One Gaussian per pdf of `tree`, mean and variance (floored at `var_floor`) from `stats`."""
    if stats.counts.sum() <= 0:
        raise ToolkitError("the tree statistics are empty")
    pdfs = pdfs_of_stats(tree, stats)
    n = tree.num_pdfs
    counts = np.bincount(pdfs, weights=stats.counts, minlength=n)
    sums = np.zeros((n, stats.dim))
    sumsq = np.zeros((n, stats.dim))
    np.add.at(sums, pdfs, stats.sums)
    np.add.at(sumsq, pdfs, stats.sumsq)
    empty = np.flatnonzero(counts <= 0)
    total = stats.counts.sum()
    sums[empty] = stats.sums.sum(0) / total
    sumsq[empty] = stats.sumsq.sum(0) / total
    occ = np.where(counts > 0, counts, 1.0)[:, None]
    means = sums / occ
    variances = np.maximum(sumsq / occ - means ** 2, var_floor)
    am = AmDiagGmm.from_variances(means, variances, np.ones(n), np.arange(n), n)
    return am, TreeInitInfo(counts, empty.tolist())
