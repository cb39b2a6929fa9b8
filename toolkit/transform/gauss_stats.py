"""Gaussian posteriors of aligned frames and weighted scatter sums, the statistics MLLT and fMLLR are built from.

Each frame is assigned to one pdf (Viterbi, from an alignment) and shared among that pdf's
Gaussians by their posteriors, as Kaldi's gmm-acc-mllt and gmm-est-fmllr do with `ali-to-post`
posteriors. The result is sparse: one entry per (frame, Gaussian of its pdf).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.gmm.diag_gmm import LOG_RATIO_FLOOR, AmDiagGmm

# Entries per chunk in weighted_scatters: keeps the (n, D * E) intermediate near 32 MiB.
_SCATTER_ELEMENTS = 1 << 22


@dataclass(frozen=True)
class GaussPosteriors:
    """Sparse posteriors: entry n gives frame `frames[n]` to Gaussian `gauss[n]` with weight `post[n]`.

    `log_like` is the total (frame-weighted) log-likelihood of the frames under their pdfs.
    """

    frames: np.ndarray
    gauss: np.ndarray
    post: np.ndarray
    log_like: float


def _pdf_blocks(am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray, weights: np.ndarray | None):
    """Per pdf present: (first Gaussian, frame indices (n,), weighted posteriors (n, K), log-likelihood)."""
    feats = np.asarray(feats, dtype=np.float64)
    pdfs = np.asarray(pdfs)
    weights = np.ones(len(pdfs)) if weights is None else np.asarray(weights, dtype=np.float64)
    if feats.ndim != 2 or feats.shape[1] != am.dim or pdfs.shape != (len(feats),) or weights.shape != pdfs.shape:
        raise ToolkitError(f"features {feats.shape}, pdf labels {pdfs.shape} and weights {weights.shape} "
                           f"do not match the model's dimension {am.dim}")
    if len(pdfs) and (pdfs.min() < 0 or pdfs.max() >= am.num_pdfs):
        raise ToolkitError(f"pdf labels must be in [0, {am.num_pdfs}), got {pdfs.min()} .. {pdfs.max()}")
    keep = np.flatnonzero(weights != 0)
    order = keep[np.argsort(pdfs[keep], kind="stable")]
    present, starts = np.unique(pdfs[order], return_index=True)
    ends = np.append(starts[1:], len(order)).astype(np.int64)
    w, gconst = am.linear_params
    for p, s, e in zip(present.tolist(), starts.tolist(), ends.tolist()):
        first, end = int(am.offsets[p]), int(am.offsets[p + 1])
        idx = order[s:e]
        x = feats[idx]
        ll = np.concatenate([x, x * x], 1) @ w[first:end].T + gconst[first:end]  # (n, K)
        best = ll.max(1, keepdims=True)
        g = np.exp(np.maximum(ll - best, LOG_RATIO_FLOOR))
        total = g.sum(1, keepdims=True)
        log_like = float(((np.log(total) + best)[:, 0] * weights[idx]).sum())
        g *= weights[idx, None] / total
        yield first, idx, g, log_like


def aligned_posteriors(am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray,
                       weights: np.ndarray | None = None) -> GaussPosteriors:
    """Posteriors of `feats (T, D)` aligned to `pdfs (T,)`, each frame scaled by `weights (T,)` (default 1).

    Frames with weight 0 (e.g. silence in Kaldi's recipes) give no entries.
    """
    frames, gauss, post = [], [], []
    log_like = 0.0
    for first, idx, g, ll in _pdf_blocks(am, feats, pdfs, weights):
        k = g.shape[1]
        frames.append(np.repeat(idx, k))
        gauss.append(np.tile(np.arange(first, first + k), len(idx)))
        post.append(g.ravel())
        log_like += ll
    if not frames:
        empty = np.zeros(0, dtype=np.int64)
        return GaussPosteriors(empty, empty, np.zeros(0), 0.0)
    return GaussPosteriors(np.concatenate(frames), np.concatenate(gauss), np.concatenate(post), log_like)


@dataclass(frozen=True)
class FrameSums:
    """Per aligned frame `frames[n]` (weight != 0): `sums[n] = sum_g gamma_t(g) params[g]`; `count` = sum of gamma."""

    frames: np.ndarray
    sums: np.ndarray
    count: float
    log_like: float


def aligned_frame_sums(am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray, params: np.ndarray,
                       weights: np.ndarray | None = None) -> FrameSums:
    """Posterior-weighted sums over each frame's Gaussians of per-Gaussian `params (G, E)`.

    The same posteriors as `aligned_posteriors`, contracted per pdf by a matrix product, for
    statistics whose frame-dependent part is shared by the Gaussians of a frame (fMLLR).
    """
    frames, sums = [], []
    count = log_like = 0.0
    for first, idx, g, ll in _pdf_blocks(am, feats, pdfs, weights):
        frames.append(idx)
        sums.append(g @ params[first:first + g.shape[1]])
        count += float(g.sum())
        log_like += ll
    if not frames:
        return FrameSums(np.zeros(0, dtype=np.int64), np.zeros((0, params.shape[1])), 0.0, 0.0)
    return FrameSums(np.concatenate(frames), np.concatenate(sums), count, log_like)


def weighted_scatters(w: np.ndarray, v: np.ndarray) -> np.ndarray:
    """(D, E, E) float64: out[i] = sum_n w[n, i] v[n] v[n]^T for `w (N, D)` and `v (N, E)`."""
    w = np.asarray(w, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    (n, d), e = w.shape, v.shape[1]
    out = np.zeros((d * e, e))
    chunk = max(1, _SCATTER_ELEMENTS // max(1, d * e))
    for s in range(0, n, chunk):
        ws, vs = w[s:s + chunk], v[s:s + chunk]
        out += (ws[:, :, None] * vs[:, None, :]).reshape(len(vs), d * e).T @ vs
    return out.reshape(d, e, e)
