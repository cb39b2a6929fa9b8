"""Bootstrap confidence intervals, over sentences, for corpus ratios such as WER = errors / words."""
from __future__ import annotations

import numpy as np

from toolkit.errors import ToolkitError

_DRAWS_PER_CHUNK = 1 << 22  # sentence indices drawn at once (int64), bounding memory to ~32 MB


def bootstrap_ratio_interval(
    num: np.ndarray, den: np.ndarray, resamples: int, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile interval of sum(num[s]) / sum(den[s]) over `resamples` samples s of sentences.

    num, den: (N,) per-sentence counts. Each sample draws N sentences with replacement
    (numpy's default_rng(seed), so a seed gives the same interval on any machine). Samples
    whose denominator is 0 have no ratio and are left out; if none has one, (nan, nan).
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    if num.shape != den.shape or num.ndim != 1:
        raise ToolkitError(f"numerators {num.shape} and denominators {den.shape} must be equal-length vectors")
    if resamples < 1:
        raise ToolkitError(f"the number of bootstrap resamples must be positive, got {resamples}")
    if not 0.0 < confidence < 1.0:
        raise ToolkitError(f"the confidence level must lie strictly between 0 and 1, got {confidence}")
    n = len(num)
    if n == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    ratios = np.empty(resamples, dtype=np.float64)
    chunk = max(1, _DRAWS_PER_CHUNK // n)
    for start in range(0, resamples, chunk):
        stop = min(start + chunk, resamples)
        idx = rng.integers(0, n, size=(stop - start, n))
        sample_den = den[idx].sum(axis=1)
        sample_num = num[idx].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios[start:stop] = np.where(sample_den > 0, sample_num / sample_den, np.nan)
    ratios = ratios[~np.isnan(ratios)]
    if len(ratios) == 0:
        return float("nan"), float("nan")
    tail = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(ratios, [tail, 1.0 - tail])
    return float(lo), float(hi)
