"""Text to audio through espeak-ng / flite and sox: format, repeatability, prosody, errors."""
import dataclasses
import hashlib
import shutil

import numpy as np
import pytest
import soundfile

from toolkit.errors import ToolkitError
from toolkit.synth.noise import snr_db
from toolkit.synth.plan import Noise, UtteranceSpec
from toolkit.synth.speakers import Prosody
from toolkit.synth.synthesize import (
    convert_audio, engine_command, read_pcm16, render, synthesize, write_pcm16,
)
from toolkit.synth.voices import ESPEAK, Voice, flite_voices

pytestmark = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("espeak-ng", "flite", "sox")), reason="needs espeak-ng, flite and sox"
)

ESPEAK_M3 = Voice(ESPEAK, "en-gb+m3", "m3", "male", "m")
SLT = next(v for v in flite_voices() if v.name == "slt")


def _f0(x, rate=16000):
    """Median F0 (Hz) by autocorrelation over voiced 40 ms frames."""
    x = x.astype(np.float64)
    frame, hop, out = 640, 160, []
    for i in range(0, len(x) - frame, hop):
        s = x[i : i + frame] - x[i : i + frame].mean()
        if np.mean(s**2) < 1e4:
            continue
        r = np.correlate(s, s, "full")[frame - 1 :]
        lag = 40 + np.argmax(r[40:267])  # 60-400 Hz
        if r[lag] > 0.4 * r[0]:
            out.append(rate / lag)
    return float(np.median(out))


def test_engine_commands_map_rate_and_pitch():
    cmd = engine_command(ESPEAK_M3, "one two", Prosody(1.2, 4.0), "o.wav")
    assert cmd == ["espeak-ng", "-v", "en-gb+m3", "-s", "210", "-p", "75", "-w", "o.wav", "one two"]
    assert engine_command(ESPEAK_M3, "x", Prosody(1.0, 20.0), "o.wav")[6] == "99"  # clipped
    cmd = engine_command(SLT, "one", Prosody(0.8, 12.0), "o.wav")
    assert "duration_stretch=1.2500" in cmd and f"int_f0_target_mean={2 * SLT.base_f0:.1f}" in cmd
    with pytest.raises(ToolkitError, match="starts with '-'"):
        engine_command(ESPEAK_M3, "-v", Prosody(1.0, 0.0), "o.wav")


@pytest.mark.parametrize("voice", [ESPEAK_M3, SLT], ids=["espeak", "flite"])
def test_synthesis_is_16k_int16_non_silent_and_repeatable(voice):
    a = synthesize(voice, "seven three oh", Prosody(1.0, 0.0))
    b = synthesize(voice, "seven three oh", Prosody(1.0, 0.0))
    assert a.dtype == np.int16 and a.ndim == 1
    assert 0.6 < len(a) / 16000 < 3.0
    assert np.abs(a).max() == pytest.approx(32767 * 10 ** (-3 / 20), rel=0.02)  # peak at -3 dBFS
    assert np.array_equal(a, b)


def test_rate_and_pitch_change_the_audio_as_asked():
    base = synthesize(ESPEAK_M3, "one two three four five", Prosody(1.0, 0.0))
    slow = synthesize(ESPEAK_M3, "one two three four five", Prosody(0.7, 0.0))
    assert len(slow) / len(base) == pytest.approx(1 / 0.7, rel=0.2)
    low = synthesize(SLT, "one two three four five", Prosody(1.0, -4.0))
    high = synthesize(SLT, "one two three four five", Prosody(1.0, 4.0))
    assert 12 * np.log2(_f0(high) / _f0(low)) == pytest.approx(8.0, abs=2.0)


def test_render_pads_adds_noise_and_is_byte_identical(tmp_path):
    spec = UtteranceSpec("e001-00000", "e001", "train", ESPEAK_M3, Prosody(1.0, 0.0), "four four",
                         (0.2, 0.1), Noise(15.0, "pink", 42), "train/e001/e001-00000.wav")
    clean = render(dataclasses.replace(spec, noise=None))
    noisy = render(spec)
    speech = synthesize(ESPEAK_M3, "four four", Prosody(1.0, 0.0))
    assert len(clean) == len(noisy) == len(speech) + 3200 + 1600
    assert not np.any(clean[:3200]) and np.array_equal(clean[3200:-1600], speech)
    assert snr_db(clean, noisy) == pytest.approx(15.0, abs=0.05)
    write_pcm16(tmp_path / "a.wav", noisy)
    write_pcm16(tmp_path / "b.wav", render(spec))
    assert hashlib.md5((tmp_path / "a.wav").read_bytes()).digest() == hashlib.md5((tmp_path / "b.wav").read_bytes()).digest()
    x, rate = read_pcm16(tmp_path / "a.wav")
    assert rate == 16000 and np.array_equal(x, noisy)


def test_failure_names_the_utterance_and_the_command():
    bad = Voice(ESPEAK, "xx-nonesuch+m1", "m1", "male", "m")
    spec = UtteranceSpec("e009-00042", "e009", "dev", bad, Prosody(1.0, 0.0), "one", (0.0, 0.0), None, "x.wav")
    with pytest.raises(ToolkitError, match=r"utterance e009-00042: command failed with status \d+: espeak-ng -v xx-nonesuch\+m1"):
        render(spec)


def test_convert_audio_resamples_to_16_bit_mono(tmp_path):
    t = np.arange(8000) / 8000
    stereo = np.stack([np.sin(2 * np.pi * 440 * t)] * 2, axis=1) * 0.5
    soundfile.write(tmp_path / "in.wav", stereo, 8000, subtype="FLOAT")
    convert_audio(tmp_path / "in.wav", tmp_path / "out.wav", 16000)
    info = soundfile.info(tmp_path / "out.wav")
    assert (info.samplerate, info.channels, info.subtype, info.frames) == (16000, 1, "PCM_16", 16000)
    with pytest.raises(ToolkitError, match="command failed with status"):
        convert_audio(tmp_path / "missing.wav", tmp_path / "o.wav")
