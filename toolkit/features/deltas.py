"""Delta and acceleration features, Kaldi's add-deltas (DeltaFeatures in feature-functions.cc).

The order-i block of frame t is sum_j s_i[j] * x[clamp(t + j)], where s_1 is the
regression window j / sum_k k^2 (j = -window..window) and s_i is s_(i-1) convolved
with s_1; frames before the first or after the last read the edge frame.
"""
from __future__ import annotations

import numpy as np


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


def add_deltas(feats: np.ndarray, order: int = 2, window: int = 2) -> np.ndarray:
    """feats (T, D) -> (T, D * (order + 1)) float32: [x, delta, delta-delta, ...] per frame."""
    feats = np.asarray(feats, dtype=np.float32)
    num_frames, dim = feats.shape
    scales = [s.astype(np.float32) for s in delta_scales(order, window)]
    out = np.zeros((num_frames, dim * (order + 1)), dtype=np.float32)
    if num_frames == 0:
        return out
    reach = order * window
    padded = feats[np.clip(np.arange(-reach, num_frames + reach), 0, num_frames - 1)]
    for i, s in enumerate(scales):
        block = out[:, i * dim:(i + 1) * dim]
        half = (len(s) - 1) // 2
        # Same terms in the same order as Kaldi, skipping zero taps.
        for j, scale in zip(range(-half, half + 1), s):
            if scale != 0.0:
                block += scale * padded[reach + j:reach + j + num_frames]
    return out
