"""Frame splicing, Kaldi's splice-feats: each frame stacked with its neighbours, edge frames repeated."""
from __future__ import annotations

import numpy as np


def splice_frames(feats: np.ndarray, left_context: int = 4, right_context: int = 4) -> np.ndarray:
    """feats (T, D) -> (T, D * (left + 1 + right)): row t is [x[t-left], ..., x[t], ..., x[t+right]].

    Frames before the first or after the last are copies of the first or last frame.
    """
    feats = np.asarray(feats)
    if left_context < 0 or right_context < 0:
        raise ValueError(f"contexts must not be negative, got {left_context} and {right_context}")
    num_frames, dim = feats.shape
    if num_frames == 0:
        return np.zeros((0, dim * (left_context + 1 + right_context)), dtype=feats.dtype)
    index = np.arange(num_frames)[:, None] + np.arange(-left_context, right_context + 1)
    return feats[np.clip(index, 0, num_frames - 1)].reshape(num_frames, -1)
