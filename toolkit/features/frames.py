"""Cutting a waveform into overlapping frames, and the analysis windows, exactly as Kaldi's feature-window.cc.

With snip_edges=true a frame starts every `shift` samples and only frames that fit
entirely in the signal are kept. With snip_edges=false there are round(N / shift)
frames centred on multiples of the shift, and samples outside the signal are taken
from its mirror image (index -1 reads sample 0, index N reads sample N-1).
"""
from __future__ import annotations

import math

import numpy as np


def num_frames(num_samples: int, window_size: int, window_shift: int, snip_edges: bool) -> int:
    """The number of frames Kaldi computes for `num_samples` samples (0 when too short)."""
    if snip_edges:
        if num_samples < window_size:
            return 0
        return 1 + (num_samples - window_size) // window_shift
    return (num_samples + window_shift // 2) // window_shift


def frame_signal(samples: np.ndarray, window_size: int, window_shift: int, snip_edges: bool) -> np.ndarray:
    """Frames of `samples` (N,) as a read-only view or small copy: (num_frames, window_size)."""
    n = num_frames(len(samples), window_size, window_shift, snip_edges)
    if n == 0:
        return np.empty((0, window_size), dtype=samples.dtype)
    if not snip_edges:
        # Kaldi's frame t starts at t*shift + shift/2 - size/2; reflect what falls outside.
        first = window_shift // 2 - window_size // 2
        index = np.arange(first, first + (n - 1) * window_shift + window_size)
        index %= 2 * len(samples)
        index = np.where(index < len(samples), index, 2 * len(samples) - 1 - index)
        samples = samples[index]
    return np.lib.stride_tricks.sliding_window_view(samples, window_size)[::window_shift][:n]


def window_function(window_type: str, size: int, blackman_coeff: float = 0.42) -> np.ndarray:
    """Kaldi's analysis window of `size` samples: (size,) float64, computed in double precision as Kaldi does."""
    a = 2.0 * math.pi / (size - 1)
    i = np.arange(size, dtype=np.float64)
    if window_type == "hanning":
        return 0.5 - 0.5 * np.cos(a * i)
    if window_type == "sine":
        return np.sin(0.5 * a * i)
    if window_type == "hamming":
        return 0.54 - 0.46 * np.cos(a * i)
    if window_type == "povey":
        return (0.5 - 0.5 * np.cos(a * i)) ** 0.85
    if window_type == "rectangular":
        return np.ones(size)
    if window_type == "blackman":
        return blackman_coeff - 0.5 * np.cos(a * i) + (0.5 - blackman_coeff) * np.cos(2 * a * i)
    raise ValueError(f"unknown window type '{window_type}'")
