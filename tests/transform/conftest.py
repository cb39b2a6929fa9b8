"""Synthetic diagonal GMMs and data drawn from them, for the transform tests."""
import numpy as np
import pytest

from toolkit.gmm.diag_gmm import AmDiagGmm


def _sample_am(am: AmDiagGmm, num_frames: int, rng: np.random.Generator):
    """(frames (T, D), pdf labels (T,)) drawn from `am`: a uniform pdf, then its mixture."""
    pdfs = rng.integers(0, am.num_pdfs, num_frames)
    gauss = np.empty(num_frames, dtype=np.int64)
    for p in range(am.num_pdfs):
        idx = np.flatnonzero(pdfs == p)
        first, end = am.offsets[p], am.offsets[p + 1]
        w = am.weights[first:end] / am.weights[first:end].sum()
        gauss[idx] = first + rng.choice(end - first, size=len(idx), p=w)
    x = am.means[gauss] + rng.standard_normal((num_frames, am.dim)) * np.sqrt(am.variances[gauss])
    return x, pdfs


@pytest.fixture
def make_gmm():
    def make(counts, dim, seed=0, spread=3.0):
        rng = np.random.default_rng(seed)
        g = sum(counts)
        means = rng.normal(0, spread, (g, dim))
        variances = rng.uniform(0.3, 2.0, (g, dim))
        weights = np.concatenate([rng.dirichlet(np.ones(k) * 5) for k in counts])
        pdf_of_gauss = np.repeat(np.arange(len(counts)), counts)
        return AmDiagGmm.from_variances(means, variances, weights, pdf_of_gauss)
    return make


@pytest.fixture
def sample_am():
    """sample_am(am, num_frames, rng) -> (frames (T, D), pdf labels (T,))."""
    return _sample_am
