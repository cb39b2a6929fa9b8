"""Colored noise, active speech power and mixing at a requested SNR."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.synth.noise import active_power, add_noise, colored_noise, snr_db
from toolkit.synth.synthesize import to_pcm16


def _spectral_slope(x, rate=16000, seg=1024):
    """Slope of log10 power vs log10 frequency, 100-4000 Hz, from averaged periodograms."""
    n = len(x) // seg
    spec = np.mean(np.abs(np.fft.rfft(x[: n * seg].reshape(n, seg) * np.hanning(seg), axis=1)) ** 2, axis=0)
    f = np.fft.rfftfreq(seg, 1 / rate)
    band = (f >= 100) & (f <= 4000)
    return np.polyfit(np.log10(f[band]), np.log10(spec[band]), 1)[0]


@pytest.mark.parametrize("color,slope", [("white", 0.0), ("pink", -1.0), ("brown", -2.0)])
def test_colored_noise_has_unit_power_and_its_spectral_slope(color, slope):
    x = colored_noise(16000 * 8, color, seed=1)
    assert np.mean(x**2) == pytest.approx(1.0)
    assert _spectral_slope(x) == pytest.approx(slope, abs=0.15)


def test_noise_is_reproducible_from_its_seed():
    a = colored_noise(5000, "pink", seed=7)
    assert np.array_equal(a, colored_noise(5000, "pink", seed=7))
    assert not np.array_equal(a, colored_noise(5000, "pink", seed=8))
    with pytest.raises(ToolkitError, match="unknown noise color 'blue'"):
        colored_noise(10, "blue", seed=0)


def test_active_power_of_a_sine_ignores_silence():
    t = np.arange(16000) / 16000
    sine = 1000 * np.sin(2 * np.pi * 200 * t)  # 20 ms frames hold whole periods: power A^2/2
    padded = np.concatenate([np.zeros(8000), sine, np.zeros(8000)])
    assert active_power(sine) == pytest.approx(1000**2 / 2, rel=1e-6)
    assert active_power(padded) == pytest.approx(1000**2 / 2, rel=1e-6)
    assert active_power(np.zeros(100)) == 0.0


@pytest.mark.parametrize("target", [10.0, 17.5, 30.0])
@pytest.mark.parametrize("color", ["white", "pink", "brown"])
def test_mixed_snr_matches_the_request(target, color):
    rng = np.random.default_rng(0)
    t = np.arange(24000) / 16000
    speech = 8000 * np.sin(2 * np.pi * 150 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))
    clean = np.concatenate([np.zeros(4000), speech, np.zeros(4000)]) + rng.normal(0, 1, 32000)
    noisy = add_noise(clean, target, color, seed=3)
    # independent measurement: 320-sample frames, those within 30 dB of the loudest
    frames = (clean[: len(clean) // 320 * 320].reshape(-1, 320) ** 2).mean(axis=1)
    p_speech = frames[frames >= frames.max() / 1000].mean()
    p_noise = np.mean((noisy - clean) ** 2)
    assert 10 * np.log10(p_speech / p_noise) == pytest.approx(target, abs=1e-6)
    # after rounding to 16 bits (and scaling down if it would clip) the SNR holds to 0.05 dB
    pcm = to_pcm16(noisy).astype(np.float64)
    scale = np.abs(pcm).max() / np.abs(noisy).max() if np.abs(noisy).max() > 32767 else 1.0
    assert snr_db(clean * scale, pcm) == pytest.approx(target, abs=0.05)


def test_pcm16_conversion_scales_instead_of_clipping():
    x = np.array([0.0, 40000.0, -20000.0, 100.4])
    y = to_pcm16(x)
    assert y.dtype == np.int16 and y.max() == 32767
    np.testing.assert_allclose(y, np.round(x * 32767 / 40000), atol=0)
    assert np.array_equal(to_pcm16(np.array([1.4, -2.6])), np.array([1, -3], dtype=np.int16))


def test_silent_signal_cannot_be_given_an_snr():
    with pytest.raises(ToolkitError, match="silent signal"):
        add_noise(np.zeros(1000), 10.0, "white", seed=0)
