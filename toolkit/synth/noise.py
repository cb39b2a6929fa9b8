"""Additive noise at a chosen signal-to-noise ratio, reproducible from a seed.

SNR here is 10 log10(P_speech / P_noise), where P_noise is the mean power of the added
noise over the whole utterance and P_speech the mean power of the active 20 ms frames
(those within 30 dB of the loudest), so that leading and trailing silence do not
lower the speech power.
"""
from __future__ import annotations

import numpy as np

from toolkit.errors import ToolkitError

COLORS = {"white": 0.0, "pink": 1.0, "brown": 2.0}
"""Noise color -> exponent a of its power spectrum 1 / f^a."""

_LOWEST_HZ = 20.0  # the 1/f^a shaping is flat below this, so pink and brown noise stay bounded


def colored_noise(n: int, color: str, seed: int, sample_rate: int = 16000) -> np.ndarray:
    """Gaussian noise with a power spectrum proportional to 1 / f^a (see COLORS).

    Returns (n,) float64 with mean power 1; the same (n, color, seed) give the same samples.
    """
    if color not in COLORS:
        raise ToolkitError(f"unknown noise color '{color}' (known: {', '.join(COLORS)})")
    if n <= 0:
        return np.zeros(max(n, 0))
    white = np.random.default_rng(seed).standard_normal(n)
    exponent = COLORS[color]
    if exponent:
        freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
        gain = np.maximum(freqs, _LOWEST_HZ) ** (-exponent / 2)
        shaped = np.fft.irfft(np.fft.rfft(white) * gain, n)
        shaped -= shaped.mean()
    else:
        shaped = white
    power = np.mean(shaped**2)
    return shaped / np.sqrt(power) if power > 0 else shaped


def active_power(x: np.ndarray, sample_rate: int = 16000, frame_s: float = 0.02, floor_db: float = 30.0) -> float:
    """Mean power of the frames of `x` (N,) within `floor_db` of its loudest frame.

    Frames are non-overlapping, `frame_s` long; a signal shorter than one frame is one frame.
    """
    x = np.asarray(x, dtype=np.float64)
    frame = max(1, int(round(frame_s * sample_rate)))
    if len(x) < frame:
        energies = np.array([np.mean(x**2) if len(x) else 0.0])
    else:
        n_frames = len(x) // frame
        energies = np.mean(x[: n_frames * frame].reshape(n_frames, frame) ** 2, axis=1)
    peak = energies.max()
    if peak <= 0:
        return 0.0
    return float(energies[energies >= peak * 10 ** (-floor_db / 10)].mean())


def add_noise(
    x: np.ndarray, snr_db: float, color: str, seed: int, sample_rate: int = 16000
) -> np.ndarray:
    """`x` (N,) plus colored noise scaled to `snr_db` (see the module's definition).

    Returns (N,) float64 in the units of `x`. Raises ToolkitError for a silent `x`,
    whose SNR cannot be set.
    """
    x = np.asarray(x, dtype=np.float64)
    p_speech = active_power(x, sample_rate)
    if p_speech <= 0:
        raise ToolkitError("cannot add noise at a given SNR to a silent signal")
    noise = colored_noise(len(x), color, seed, sample_rate)
    return x + noise * np.sqrt(p_speech / 10 ** (snr_db / 10))


def snr_db(clean: np.ndarray, noisy: np.ndarray, sample_rate: int = 16000) -> float:
    """The SNR (module definition) of `noisy` (N,) whose clean part is `clean` (N,)."""
    clean = np.asarray(clean, dtype=np.float64)
    noise = np.asarray(noisy, dtype=np.float64) - clean
    return float(10 * np.log10(active_power(clean, sample_rate) / np.mean(noise**2)))
