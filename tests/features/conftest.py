"""Speech-like test audio: voiced harmonics with a moving pitch, noise bursts, and a low noise floor."""
import numpy as np
import pytest


def _speech_like(seed: int, seconds: float = 1.2, rate: int = 16000) -> np.ndarray:
    """(N,) float32 on the int16 scale, deterministic for a seed.

    The noise floor (a few int16 steps, as in any recording) keeps every frame well above
    float32 rounding, so implementations can be compared to 1e-3.
    """
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    f0 = 120 + 60 * np.sin(2 * np.pi * 0.7 * t + seed)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    voiced = sum(np.sin(k * phase) / k * (1 + np.cos(2 * np.pi * k * f0 / (800 + 300 * seed))) for k in range(1, 30))
    gate = np.sin(2 * np.pi * 1.3 * t + seed)
    x = 3000 * voiced * np.sqrt(np.clip(gate, 0, None)) + 1500 * rng.normal(0, 1, n) * (gate < -0.6)
    x += rng.normal(0, 3, n)
    return np.round(np.clip(x, -32768, 32767)).astype(np.float32)


@pytest.fixture(scope="session")
def speech_like():
    return _speech_like
