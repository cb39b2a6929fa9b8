"""The flat start of monophone training (Kaldi's gmm-init-mono): every pdf one Gaussian with the global statistics."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm


def global_mean_var(feature_matrices: Iterable[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """(mean (D,), variance (D,), frames) of all rows of the `(T, D)` matrices, in float64.

    ToolkitError if there are no frames, the dimensions differ, or a variance is not
    positive (e.g. a constant feature).
    """
    count = 0
    total = total_sq = None
    for feats in feature_matrices:
        x = np.asarray(feats, dtype=np.float64)
        if total is None:
            total, total_sq = np.zeros(x.shape[1]), np.zeros(x.shape[1])
        elif x.shape[1] != len(total):
            raise ToolkitError(f"feature dimension {x.shape[1]} differs from the first matrices' {len(total)}")
        total += x.sum(0)
        total_sq += (x * x).sum(0)
        count += len(x)
    if count == 0:
        raise ToolkitError("no feature frames to compute the global mean and variance from")
    mean = total / count
    var = total_sq / count - mean ** 2
    if np.any(var <= 0):
        raise ToolkitError(f"the global variance is not positive in dimension(s) {np.flatnonzero(var <= 0).tolist()}")
    return mean, var, count


def init_mono_gmm(num_pdfs: int, mean: np.ndarray, var: np.ndarray, perturb_factor: float = 0.0,
                  seed: int = 0) -> AmDiagGmm:
    """`num_pdfs` single-Gaussian pdfs with mean `mean (D,)` and variance `var (D,)`.

    With `perturb_factor` > 0 each pdf's mean moves by perturb_factor * sd * r, r ~ N(0, I)
    (gmm-init-mono --perturb-factor).
    """
    if num_pdfs < 1:
        raise ToolkitError(f"need at least one pdf, got {num_pdfs}")
    means = np.tile(np.asarray(mean, dtype=np.float64), (num_pdfs, 1))
    if perturb_factor:
        means += perturb_factor * np.sqrt(var) * np.random.default_rng(seed).standard_normal(means.shape)
    return AmDiagGmm.from_variances(means, np.tile(var, (num_pdfs, 1)), np.ones(num_pdfs), np.arange(num_pdfs))
