"""Applying, composing and inverting feature transforms, and moving GMM means with them.

Kaldi's transform-feats, compose-transforms and gmm-transform-means. A transform `m` is
`(d, D)` (linear: y = m x) or `(d, D + 1)` (affine: y = m[:, :D] x + m[:, D]).
"""
from __future__ import annotations

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm


def _check(m: np.ndarray, in_dim: int, what: str) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    if m.ndim != 2 or m.shape[1] not in (in_dim, in_dim + 1):
        raise ToolkitError(f"{what}: a transform of shape {m.shape} cannot apply to dimension {in_dim} "
                           f"(needs {in_dim} or {in_dim + 1} columns)")
    return m


def apply_transform(feats: np.ndarray, m: np.ndarray) -> np.ndarray:
    """feats (T, D) -> (T, d) float32: each frame multiplied by `m`, plus its offset column if affine."""
    feats = np.asarray(feats)
    m = _check(m, feats.shape[1], "apply_transform")
    out = feats.astype(np.float64) @ m[:, :feats.shape[1]].T
    if m.shape[1] > feats.shape[1]:
        out += m[:, -1]
    return out.astype(np.float32)


def compose_transforms(a: np.ndarray, b: np.ndarray, b_is_affine: bool = False) -> np.ndarray:
    """The transform "b, then a" (Kaldi's compose-transforms [--b-is-affine] a b).

    `a (e, d)` or `(e, d + 1)` applies to the output of `b (d, D)`, or `(d, D + 1)` when
    `b_is_affine` (a (d, d + 1) `b` is otherwise ambiguous). The result is affine, `(e, D + 1)`,
    if either is: a [b x + b0; 1] = a_lin b x + (a_lin b0 + a0); otherwise `(e, D)`.
    """
    b = np.asarray(b, dtype=np.float64)
    if b.ndim != 2:
        raise ToolkitError(f"compose_transforms: the first transform must be a matrix, got shape {b.shape}")
    d = b.shape[0]
    a = _check(a, d, "compose_transforms")
    out = a[:, :d] @ b
    if a.shape[1] == d + 1:
        if not b_is_affine:
            out = np.concatenate([out, np.zeros((len(out), 1))], 1)
        out[:, -1] += a[:, d]
    return out


def invert_affine(m: np.ndarray) -> np.ndarray:
    """The inverse of a square (d, d) or affine (d, d + 1) transform, in the same shape."""
    m = np.asarray(m, dtype=np.float64)
    d = m.shape[0]
    if m.ndim != 2 or m.shape[1] not in (d, d + 1):
        raise ToolkitError(f"only square or (d, d + 1) transforms can be inverted, got shape {m.shape}")
    inv = np.linalg.inv(m[:, :d])
    if m.shape[1] == d:
        return inv
    return np.concatenate([inv, -(inv @ m[:, d])[:, None]], 1)


def transform_means(am: AmDiagGmm, m: np.ndarray) -> AmDiagGmm:
    """Kaldi's gmm-transform-means: every mean mu -> m [mu; 1] (or m mu); variances and weights kept.

    `m` must be `(D, D)` or `(D, D + 1)` for the model's dimension D, as after an MLLT update
    (the variances are re-estimated by the next ML update in the new space).
    """
    m = _check(m, am.dim, "transform_means")
    if m.shape[0] != am.dim:
        raise ToolkitError(f"transform_means: a transform of shape {m.shape} changes the dimension {am.dim}")
    means = am.means @ m[:, :am.dim].T
    if m.shape[1] > am.dim:
        means += m[:, -1]
    return AmDiagGmm(means, am.inv_vars, am.log_weights, am.pdf_of_gauss, am.num_pdfs)
