"""Delta and acceleration features, Kaldi's add-deltas (DeltaFeatures in feature-functions.cc).

The order-i block of frame t is sum_j s_i[j] * x[clamp(t + j)], where s_1 is the
regression window j / sum_k k^2 (j = -window..window) and s_i is s_(i-1) convolved
with s_1; frames before the first or after the last read the edge frame.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import as_strided


def delta_scales(order: int, window: int) -> list[np.ndarray]:
    """Kaldi's filters: scales[i] has 2*i*window + 1 taps, centred (scales[0] = [1])."""
    if order < 0 or window < 1:
        raise ValueError(f"need order >= 0 and window >= 1, got order {order} and window {window}")
    taps = np.arange(-window, window + 1, dtype=np.float64)
    first = taps / np.sum(taps * taps)
    scales = [np.ones(1)]
    for _ in range(order):
        scales.append(np.convolve(scales[-1], first))
    return scales


@lru_cache(maxsize=16)
def _delta_operator(order: int, window: int, dim: int) -> np.ndarray:
    """((2 * order * window + 1) * dim, order * dim) float32, read-only: maps the frames
    x[t - reach] .. x[t + reach], concatenated, to the delta blocks 1..order of frame t."""
    reach = order * window
    filters = np.zeros((order, 2 * reach + 1))
    for i, s in enumerate(delta_scales(order, window)[1:]):
        half = (len(s) - 1) // 2
        filters[i, reach - half:reach + half + 1] = s
    operator = np.kron(filters.T, np.eye(dim)).astype(np.float32)
    operator.flags.writeable = False
    return operator


def add_deltas(feats: np.ndarray, order: int = 2, window: int = 2) -> np.ndarray:
    """feats (T, D) -> (T, D * (order + 1)) float32: [x, delta, delta-delta, ...] per frame.

    The first block is x itself; the delta blocks come from one matrix product of each frame's
    neighbourhood with the filters (the same sums as Kaldi's, to float32 rounding).
    """
    if order < 0 or window < 1:
        raise ValueError(f"need order >= 0 and window >= 1, got order {order} and window {window}")
    feats = np.ascontiguousarray(feats, dtype=np.float32)
    num_frames, dim = feats.shape
    out = np.empty((num_frames, dim * (order + 1)), dtype=np.float32)
    out[:, :dim] = feats
    if num_frames == 0 or order == 0:
        return out
    reach = order * window
    padded = np.concatenate([np.repeat(feats[:1], reach, axis=0), feats, np.repeat(feats[-1:], reach, axis=0)])
    # Row t of `neighbourhoods` is padded[t .. t + 2 * reach] flattened: a read-only view.
    neighbourhoods = as_strided(padded, (num_frames, (2 * reach + 1) * dim), padded.strides, writeable=False)
    out[:, dim:] = neighbourhoods @ _delta_operator(order, window, dim)
    return out
