"""Random GMM sets and a direct per-Gaussian log-density, the reference the vectorised code is checked against."""
import numpy as np
import pytest

from toolkit.gmm.diag_gmm import AmDiagGmm


def direct_gauss_loglikes(means, variances, weights, x):
    """(T, G) float64: log w_g + log N(x_t; mu_g, diag var_g), written out term by term."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty((len(x), len(means)))
    for g in range(len(means)):
        out[:, g] = (np.log(weights[g]) - 0.5 * np.sum(np.log(2 * np.pi * variances[g]))
                     - 0.5 * np.sum((x - means[g]) ** 2 / variances[g], axis=1))
    return out


def direct_pdf_loglikes(am: AmDiagGmm, x):
    """(T, P) float64: per-pdf log-sum-exp of the direct Gaussian log-densities."""
    ll = direct_gauss_loglikes(am.means, am.variances, am.weights, x)
    out = np.empty((len(x), am.num_pdfs))
    for p in range(am.num_pdfs):
        block = ll[:, am.pdf_of_gauss == p]
        best = block.max(1)
        out[:, p] = best + np.log(np.exp(block - best[:, None]).sum(1))
    return out


def make_am(counts, dim, seed=0, spread=3.0):
    """A random model with counts[p] Gaussians for pdf p."""
    rng = np.random.default_rng(seed)
    pdf = np.repeat(np.arange(len(counts)), counts)
    means = rng.normal(0, spread, size=(len(pdf), dim))
    variances = rng.uniform(0.2, 3.0, size=(len(pdf), dim))
    weights = rng.uniform(0.1, 1.0, size=len(pdf))
    weights /= np.bincount(pdf, weights=weights)[pdf]
    return AmDiagGmm.from_variances(means, variances, weights, pdf, len(counts))


@pytest.fixture
def gmm_helpers():
    class H:
        direct_gauss = staticmethod(direct_gauss_loglikes)
        direct_pdf = staticmethod(direct_pdf_loglikes)
        make = staticmethod(make_am)
    return H
