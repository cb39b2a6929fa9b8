"""Cepstral mean and variance normalisation with statistics in Kaldi's layout (compute-cmvn-stats, apply-cmvn).

Statistics are a (2, D+1) float64 matrix: row 0 holds the per-dimension sums and, in its
last column, the frame count; row 1 holds the sums of squares (last column 0). Stats of
several utterances add up, so a speaker's stats are the sum over its utterances.
"""
from __future__ import annotations

import numpy as np

from toolkit.errors import ToolkitError

VARIANCE_FLOOR = 1.0e-20
"""Kaldi floors a dimension's variance here before dividing by its square root."""


def cmvn_stats(feats: np.ndarray) -> np.ndarray:
    """Stats of one feature matrix: feats (T, D) -> (2, D+1) float64."""
    feats = np.asarray(feats, dtype=np.float64)
    if feats.ndim != 2:
        raise ValueError(f"expected a (frames, dim) matrix, got shape {feats.shape}")
    stats = np.zeros((2, feats.shape[1] + 1))
    stats[0, :-1] = feats.sum(axis=0)
    stats[1, :-1] = np.square(feats).sum(axis=0)
    stats[0, -1] = feats.shape[0]
    return stats


def fake_cmvn_stats(dim: int) -> np.ndarray:
    """Stats that leave features unchanged (mean 0, variance 1), as compute_cmvn_stats.sh --fake writes."""
    stats = np.zeros((2, dim + 1))
    stats[0, -1] = 1.0
    stats[1, :-1] = 1.0
    return stats


def apply_cmvn(feats: np.ndarray, stats: np.ndarray, norm_means: bool = True, norm_vars: bool = False) -> np.ndarray:
    """Normalise feats (T, D) with stats (2, D+1) (or (1, D+1) for means only) -> (T, D) float32.

    Subtracts the mean, and with `norm_vars` divides by the standard deviation, exactly as
    Kaldi's ApplyCmvn: the count must be at least 1 and variances are floored at
    VARIANCE_FLOOR. Raises ToolkitError on inconsistent dimensions or options.
    """
    feats = np.asarray(feats)
    stats = np.asarray(stats, dtype=np.float64)
    if norm_vars and not norm_means:
        raise ToolkitError("cannot normalise the variance without normalising the mean")
    if stats.ndim != 2 or stats.shape[0] not in (1, 2) or stats.shape[1] != feats.shape[1] + 1:
        raise ToolkitError(f"CMVN stats of shape {stats.shape} do not fit features of dimension {feats.shape[1]}")
    if not norm_means:
        return feats.astype(np.float32)
    count = stats[0, -1]
    if count < 1.0:
        raise ToolkitError(f"insufficient CMVN stats: frame count {count:g}")
    mean = stats[0, :-1] / count
    if not norm_vars:
        return (feats - mean).astype(np.float32)
    if stats.shape[0] != 2:
        raise ToolkitError("variance normalisation needs two-row CMVN stats")
    var = np.maximum(stats[1, :-1] / count - mean * mean, VARIANCE_FLOOR)
    scale = 1.0 / np.sqrt(var)
    return (feats * scale - mean * scale).astype(np.float32)
