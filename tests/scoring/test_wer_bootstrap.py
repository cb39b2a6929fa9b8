"""Bootstrap intervals over sentences: determinism, degenerate cases, and agreement with the delta method."""
from __future__ import annotations

import math

import numpy as np
import pytest

import toolkit.scoring.bootstrap as bootstrap
from toolkit.errors import ToolkitError
from toolkit.scoring.bootstrap import bootstrap_ratio_interval
from toolkit.scoring.wer import compute_wer


def _corpus(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    words = rng.integers(1, 30, n)
    errors = rng.binomial(words, 0.12)
    return errors, words


def test_interval_contains_estimate_and_is_deterministic():
    errors, words = _corpus(500, 1)
    point = errors.sum() / words.sum()
    lo, hi = bootstrap_ratio_interval(errors, words, 1000, 0.95, seed=7)
    assert lo < point < hi
    assert bootstrap_ratio_interval(errors, words, 1000, 0.95, seed=7) == (lo, hi)
    assert bootstrap_ratio_interval(errors, words, 1000, 0.95, seed=8) != (lo, hi)
    lo90, hi90 = bootstrap_ratio_interval(errors, words, 1000, 0.90, seed=7)
    assert lo <= lo90 < hi90 <= hi


def test_width_agrees_with_delta_method():
    # For a ratio of sums, var(R) ~ sum((e_i - R w_i)^2) / W^2 (delta method); a 95% interval
    # is about R +- 1.96 sd. With 2000 sentences the bootstrap should agree within ~10%.
    errors, words = _corpus(2000, 2)
    ratio = errors.sum() / words.sum()
    sd = math.sqrt(((errors - ratio * words) ** 2).sum()) / words.sum()
    lo, hi = bootstrap_ratio_interval(errors, words, 2000, 0.95, seed=0)
    assert hi - lo == pytest.approx(2 * 1.96 * sd, rel=0.1)
    assert (lo + hi) / 2 == pytest.approx(ratio, abs=0.2 * sd)


def test_independent_of_chunking(monkeypatch):
    errors, words = _corpus(300, 3)
    whole = bootstrap_ratio_interval(errors, words, 500, 0.95, seed=1)
    monkeypatch.setattr(bootstrap, "_DRAWS_PER_CHUNK", 1000)
    assert bootstrap_ratio_interval(errors, words, 500, 0.95, seed=1) == whole


def test_collapses_to_a_point():
    words = np.array([4, 8, 12])
    assert bootstrap_ratio_interval(np.zeros(3), words, 200) == (0.0, 0.0)
    lo, hi = bootstrap_ratio_interval(words // 4, words, 200)
    assert lo == pytest.approx(0.25) and hi == pytest.approx(0.25)


def test_undefined_ratios():
    assert all(math.isnan(x) for x in bootstrap_ratio_interval(np.array([1, 0]), np.array([0, 0]), 50))
    assert all(math.isnan(x) for x in bootstrap_ratio_interval(np.array([]), np.array([]), 50))


def test_bad_arguments():
    with pytest.raises(ToolkitError, match="resamples must be positive"):
        bootstrap_ratio_interval(np.ones(3), np.ones(3), 0)
    with pytest.raises(ToolkitError, match="strictly between 0 and 1"):
        bootstrap_ratio_interval(np.ones(3), np.ones(3), 10, confidence=1.0)
    with pytest.raises(ToolkitError, match="equal-length"):
        bootstrap_ratio_interval(np.ones(3), np.ones(2), 10)


def test_wer_bootstrap_line():
    refs = {f"u{i}": "a b c d".split() for i in range(50)}
    hyps = {f"u{i}": ("a b c d" if i % 5 else "a x c").split() for i in range(50)}
    stats = compute_wer(refs, hyps)
    line = stats.bootstrap_line(1000, 0.95, seed=3)
    assert line == stats.bootstrap_line(1000, 0.95, seed=3)
    assert line.startswith("%WER 95% Conf Interval [ ")
    assert line.endswith(" ] (1000 bootstrap resamples over sentences)")
    lo, hi = (float(x) for x in line.split("[ ")[1].split(" ]")[0].split(", "))
    assert lo < 10.00 < hi  # the point estimate: 20 errors / 200 words
    perfect = compute_wer(refs, refs).bootstrap_line(100, 0.9)
    assert perfect == "%WER 90% Conf Interval [ 0.00, 0.00 ] (100 bootstrap resamples over sentences)"
