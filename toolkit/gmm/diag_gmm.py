"""All diagonal-covariance GMMs of an acoustic model (Kaldi's AmDiagGmm), stored as flat arrays.

Gaussian g belongs to pdf `pdf_of_gauss[g]`. Gaussians are grouped by pdf in pdf order, so
pdf p owns the contiguous rows `offsets[p]:offsets[p + 1]`, and every pdf has at least one.
Parameters are kept in float64 in natural form (means, inverse variances, log weights).

Likelihoods use Kaldi's expansion of the weighted Gaussian log-density

    log w_g + log N(x; mu_g, var_g) = gconst_g + x . (mu_g / var_g) - 0.5 x^2 . (1 / var_g),
    gconst_g = log w_g - D/2 log(2 pi) + 0.5 sum log(1 / var_g) - 0.5 sum mu_g^2 / var_g,

so that all Gaussians of all frames are one float32 matrix product of [x, x^2] (T, 2D) with
the (G, 2D) parameter matrix, followed by a log-sum-exp over each pdf's Gaussians. Only
numpy is used (its BLAS does the product as fast as torch's here), which keeps the start-up
of the many short training processes well under a second.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cached_property

import numpy as np

from toolkit.errors import ToolkitError

# Frames per matrix product in log_likelihoods: keeps the (G, frames) intermediate near 8 MiB.
_CHUNK_ELEMENTS = 1 << 21
# Log-likelihoods relative to a pdf's best Gaussian are raised to this before exp(): a
# denormal result makes exp() about ten times slower, and a term below e^-80 of the best
# changes the pdf's log-likelihood by less than float32 resolution.
LOG_RATIO_FLOOR = -80.0


def _log_densities(w: np.ndarray, g: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(G, T) float32 = g + w @ [x, x^2]^T for w (G, 2D), g (G, 1) and frames x (T, D) float32."""
    ll = w @ np.concatenate([x, x * x], 1).T
    ll += g
    return ll


def _readonly(a: np.ndarray, dtype) -> np.ndarray:
    a = np.array(a, dtype=dtype, copy=True)
    a.setflags(write=False)
    return a


class AmDiagGmm:
    """Immutable diagonal GMMs of `num_pdfs` pdfs: `means (G, D)`, `inv_vars (G, D)`, `log_weights (G,)`.

    The update and mixing-up functions return new models, so the cached likelihood
    parameters always match the arrays.
    """

    def __init__(self, means: np.ndarray, inv_vars: np.ndarray, log_weights: np.ndarray,
                 pdf_of_gauss: np.ndarray, num_pdfs: int | None = None):
        self.means = _readonly(means, np.float64)
        self.inv_vars = _readonly(inv_vars, np.float64)
        self.log_weights = _readonly(log_weights, np.float64)
        self.pdf_of_gauss = _readonly(pdf_of_gauss, np.int64)
        if self.means.ndim != 2 or self.means.shape[0] == 0 or self.means.shape[1] == 0:
            raise ToolkitError(f"GMM means must be a non-empty (G, D) matrix, got shape {self.means.shape}")
        num_gauss, dim = self.means.shape
        for name, a, shape in (("inv_vars", self.inv_vars, (num_gauss, dim)),
                               ("log_weights", self.log_weights, (num_gauss,)),
                               ("pdf_of_gauss", self.pdf_of_gauss, (num_gauss,))):
            if a.shape != shape:
                raise ToolkitError(f"GMM {name} has shape {a.shape}, expected {shape}")
        if np.any(np.diff(self.pdf_of_gauss) < 0) or self.pdf_of_gauss[0] < 0:
            raise ToolkitError("GMM Gaussians must be grouped by pdf in increasing pdf order")
        self.num_pdfs = int(self.pdf_of_gauss[-1]) + 1 if num_pdfs is None else int(num_pdfs)
        counts = np.bincount(self.pdf_of_gauss, minlength=self.num_pdfs)
        if len(counts) > self.num_pdfs or np.any(counts == 0):
            missing = np.flatnonzero(counts == 0)[:5].tolist()
            raise ToolkitError(f"every one of the {self.num_pdfs} pdfs needs a Gaussian "
                               f"(pdf ids {self.pdf_of_gauss[-1]} max, pdfs without one: {missing})")
        if not (np.all(np.isfinite(self.means)) and np.all(np.isfinite(self.inv_vars))
                and np.all(self.inv_vars > 0) and np.all(np.isfinite(self.log_weights))):
            raise ToolkitError("GMM parameters must be finite, with positive variances and weights")
        self.gauss_counts = _readonly(counts, np.int64)
        self.offsets = _readonly(np.concatenate([[0], np.cumsum(counts)]), np.int64)

    @classmethod
    def from_variances(cls, means: np.ndarray, variances: np.ndarray, weights: np.ndarray,
                       pdf_of_gauss: np.ndarray, num_pdfs: int | None = None) -> AmDiagGmm:
        variances = np.asarray(variances, dtype=np.float64)
        weights = np.asarray(weights, dtype=np.float64)
        if np.any(variances <= 0) or np.any(weights <= 0):
            raise ToolkitError("GMM variances and weights must be positive")
        return cls(means, 1.0 / variances, np.log(weights), pdf_of_gauss, num_pdfs)

    @property
    def num_gauss(self) -> int:
        return self.means.shape[0]

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    @property
    def variances(self) -> np.ndarray:
        return 1.0 / self.inv_vars

    @property
    def weights(self) -> np.ndarray:
        return np.exp(self.log_weights)

    @cached_property
    def gconsts(self) -> np.ndarray:
        """(G,) float64: the weighted log-density of each Gaussian at x = 0."""
        g = (self.log_weights - 0.5 * self.dim * math.log(2 * math.pi)
             + 0.5 * np.log(self.inv_vars).sum(1) - 0.5 * (self.means ** 2 * self.inv_vars).sum(1))
        g.setflags(write=False)
        return g

    @cached_property
    def linear_params(self) -> tuple[np.ndarray, np.ndarray]:
        """(W (G, 2D), gconsts (G,)) float64 with log w_g N(x; g) = gconsts[g] + W[g] . [x, x^2]."""
        w = np.concatenate([self.means * self.inv_vars, -0.5 * self.inv_vars], axis=1)
        w.setflags(write=False)
        return w, self.gconsts

    @cached_property
    def _params32(self) -> tuple[np.ndarray, np.ndarray]:
        w, g = self.linear_params
        return w.astype(np.float32), g.astype(np.float32)[:, None]

    @cached_property
    def _groups(self) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, int, int, int]]]:
        """Parameters with the Gaussians reordered so that pdfs with the same number k of
        Gaussians are one (pdfs, k) block: (W (G, 2D), gconsts (G, 1)) float32, and per block
        (its pdf ids, first row, end row, k). A block's log-sum-exp is then one vectorised
        reduction, with no padding and a Python loop over distinct counts only."""
        w, g = self._params32
        order, groups, row = [], [], 0
        for k in np.unique(self.gauss_counts).tolist():
            pdfs = np.flatnonzero(self.gauss_counts == k)
            order.append((self.offsets[pdfs][:, None] + np.arange(k)).ravel())
            groups.append((pdfs, row, row + k * len(pdfs), k))
            row += k * len(pdfs)
        order = np.concatenate(order)
        return np.ascontiguousarray(w[order]), np.ascontiguousarray(g[order]), groups

    def _check_feats(self, feats: np.ndarray) -> np.ndarray:
        feats = np.asarray(feats)
        if feats.ndim != 2 or feats.shape[1] != self.dim:
            raise ToolkitError(f"features of shape {feats.shape} do not match the model's dimension {self.dim}")
        return feats

    def gauss_log_likelihoods(self, feats: np.ndarray) -> np.ndarray:
        """(G, T) float32: log w_g + log N(feats[t]; mu_g, var_g) for every Gaussian and frame."""
        return _log_densities(*self._params32, np.asarray(self._check_feats(feats), dtype=np.float32))

    def log_likelihoods(self, feats: np.ndarray) -> np.ndarray:
        """(T, num_pdfs) float32: log p(feats[t] | pdf), the log-sum-exp over the pdf's Gaussians.

        `feats: (T, D)`. Exact to float32 rounding: each pdf's sum is scaled by its own
        best Gaussian, so a pdf far from the frame never underflows to -inf.
        """
        feats = self._check_feats(feats)
        out = np.empty((len(feats), self.num_pdfs), dtype=np.float32)
        chunk = max(256, _CHUNK_ELEMENTS // self.num_gauss)
        for start in range(0, len(feats), chunk):
            out[start:start + chunk] = self._pdf_log_likelihoods(feats[start:start + chunk]).T
        return out

    def log_likelihoods_of(self, feats: np.ndarray, pdfs: np.ndarray) -> np.ndarray:
        """(T, P) float32: `log_likelihoods(feats)[:, pdfs]`, computing only those pdfs' Gaussians.

        For forced alignment, whose graph uses a few dozen of the model's pdfs.
        """
        feats = np.asarray(self._check_feats(feats), dtype=np.float32)
        pdfs = np.asarray(pdfs, dtype=np.int64)
        if pdfs.size and (pdfs.min() < 0 or pdfs.max() >= self.num_pdfs):
            raise ToolkitError(f"pdf ids must be in 0..{self.num_pdfs - 1}")
        counts = self.gauss_counts[pdfs]
        starts = np.cumsum(counts) - counts  # each pdf's first row among the selected Gaussians
        rows = np.repeat(self.offsets[pdfs] - starts, counts) + np.arange(int(counts.sum()))
        w, g = self._params32
        ll = _log_densities(w[rows], g[rows], feats)
        if ll.shape[0] == 0:
            return np.empty((len(feats), 0), dtype=np.float32)
        best = np.maximum.reduceat(ll, starts, axis=0)
        ll -= np.repeat(best, counts, axis=0)
        np.maximum(ll, LOG_RATIO_FLOOR, out=ll)
        np.exp(ll, out=ll)
        total = np.add.reduceat(ll, starts, axis=0)
        np.log(total, out=total)
        total += best
        return np.ascontiguousarray(total.T)

    def _pdf_log_likelihoods(self, feats: np.ndarray) -> np.ndarray:
        """(num_pdfs, T) float32 for one chunk of frames."""
        x = np.asarray(feats, dtype=np.float32)
        w, g, groups = self._groups
        ll = _log_densities(w, g, x)  # Gaussians in block order
        out = np.empty((self.num_pdfs, len(x)), dtype=np.float32)
        for pdfs, first, end, k in groups:
            block = ll[first:end].reshape(len(pdfs), k, len(x))
            if k == 1:
                out[pdfs] = block[:, 0]
                continue
            best = block.max(1)
            block -= best[:, None]
            np.maximum(block, LOG_RATIO_FLOOR, out=block)
            np.exp(block, out=block)
            total = block.sum(1)
            np.log(total, out=total)
            total += best
            out[pdfs] = total
        return out

    def boosted(self, pdfs: np.ndarray, factor: float) -> AmDiagGmm:
        """A copy in which the likelihood of each pdf in `pdfs` is multiplied by `factor`.

        Kaldi's gmm-boost-silence: the weights of those pdfs' Gaussians are scaled and not
        renormalised, which adds log(factor) to their log-likelihoods and leaves the
        posteriors of Gaussians within a pdf unchanged.
        """
        if not factor > 0:
            raise ToolkitError(f"a likelihood boost must be positive, got {factor}")
        scaled = np.zeros(self.num_pdfs, dtype=bool)
        scaled[np.asarray(pdfs, dtype=np.int64)] = True
        log_weights = self.log_weights + np.where(scaled[self.pdf_of_gauss], math.log(factor), 0.0)
        return AmDiagGmm(self.means, self.inv_vars, log_weights, self.pdf_of_gauss, self.num_pdfs)

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"means": self.means, "inv_vars": self.inv_vars, "log_weights": self.log_weights,
                "pdf_of_gauss": self.pdf_of_gauss, "num_pdfs": np.array(self.num_pdfs)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> AmDiagGmm:
        """Inverse of `to_arrays`; KeyError for a missing array, ToolkitError for inconsistent ones."""
        return cls(arrays["means"], arrays["inv_vars"], arrays["log_weights"], arrays["pdf_of_gauss"],
                   int(arrays["num_pdfs"]))
