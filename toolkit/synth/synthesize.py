"""Text to 16-bit mono audio through espeak-ng or flite and sox, the same bytes on every run.

sox always runs with -R: without it sox seeds its dither from the clock and two runs
of the same command differ in the last bit.
"""
from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.synth.noise import add_noise
from toolkit.synth.plan import UtteranceSpec
from toolkit.synth.speakers import Prosody
from toolkit.synth.voices import ESPEAK, FLITE, Voice

SAMPLE_RATE = 16000
PEAK_DBFS = -3.0
"""Synthesized speech is scaled to this peak level before padding and noise."""
ESPEAK_WPM = 175
"""espeak-ng's default speed (words per minute): rate 1.0."""
ESPEAK_UNITS_PER_SEMITONE = 6.25
"""espeak-ng's pitch parameter (0-99, default 50) per semitone, measured: -p 25, 50 and 75
give median F0s about 4 semitones apart for the m1, f2, klatt and Andy variants."""


def run_command(cmd: list[str]) -> None:
    """Run `cmd`; raise ToolkitError with the command line and its last stderr lines if it fails."""
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True)
    except OSError as e:
        raise ToolkitError(f"cannot run {shlex.join(cmd)}: {e.strerror}") from None
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.decode(errors="replace").strip().splitlines()[-3:])
        raise ToolkitError(f"command failed with status {proc.returncode}: {shlex.join(cmd)}" + (f": {tail}" if tail else ""))


def engine_command(voice: Voice, text: str, prosody: Prosody, out_wav: str | os.PathLike) -> list[str]:
    """The command line that makes `voice` read `text` into the wav file `out_wav`.

    espeak-ng: -s (words per minute) = 175 * rate, -p = 50 + 6.25 * pitch semitones
    (clipped to 0..99). flite: duration_stretch = 1 / rate, int_f0_target_mean =
    base F0 * 2^(pitch / 12).
    """
    if not text.strip() or text.lstrip().startswith("-"):
        raise ToolkitError(f"cannot synthesize the text {text!r}: it is empty or starts with '-'")
    if prosody.rate <= 0:
        raise ToolkitError(f"the speaking rate must be positive, got {prosody.rate}")
    out = os.fspath(out_wav)
    if voice.engine == ESPEAK:
        speed = round(ESPEAK_WPM * prosody.rate)
        pitch = min(99, max(0, round(50 + ESPEAK_UNITS_PER_SEMITONE * prosody.pitch)))
        return ["espeak-ng", "-v", voice.name, "-s", str(speed), "-p", str(pitch), "-w", out, text]
    if voice.engine == FLITE:
        if voice.base_f0 is None:
            raise ToolkitError(f"flite voice '{voice.name}' has no base F0")
        f0 = voice.base_f0 * 2 ** (prosody.pitch / 12)
        return [
            "flite", "-voice", voice.name,
            "--setf", f"duration_stretch={1 / prosody.rate:.4f}",
            "--setf", f"int_f0_target_mean={f0:.1f}",
            "-t", text, "-o", out,
        ]
    raise ToolkitError(f"unknown synthesis engine '{voice.engine}' (known: {ESPEAK}, {FLITE})")


def convert_audio(
    src: str | os.PathLike, dst: str | os.PathLike, sample_rate: int = SAMPLE_RATE, effects: tuple[str, ...] = ()
) -> None:
    """Convert any audio file sox reads to a 16-bit mono wav file at `sample_rate`,
    applying the sox `effects` (e.g. ("gain", "-n", "-3")) first. Repeatable (sox -R)."""
    run_command([
        "sox", "-V1", "-R", os.fspath(src),
        "-r", str(sample_rate), "-b", "16", "-c", "1", "-e", "signed-integer", os.fspath(dst),
        *effects,
    ])


def read_pcm16(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """The first channel of a wav file as (N,) int16, and its sample rate."""
    try:
        samples, rate = soundfile.read(os.fspath(path), dtype="int16", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError) as e:
        raise InputError(f"cannot read audio: {e}", path) from None
    return samples[:, 0], rate


def write_pcm16(path: str | os.PathLike, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Write (N,) int16 samples as a 16-bit mono wav file, atomically."""
    with atomic_write(Path(path), "wb") as f:
        soundfile.write(f, np.asarray(samples, dtype=np.int16), sample_rate, format="WAV", subtype="PCM_16")


def to_pcm16(x: np.ndarray) -> np.ndarray:
    """Round (N,) float samples on the int16 scale to int16. A signal that would clip is
    scaled down as a whole instead, which keeps its SNR."""
    x = np.asarray(x, dtype=np.float64)
    peak = np.abs(x).max() if len(x) else 0.0
    if peak > 32767:
        x = x * (32767 / peak)
    return np.round(x).astype(np.int16)


def synthesize(voice: Voice, text: str, prosody: Prosody, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """`voice` reading `text` with `prosody`: (N,) int16 at `sample_rate`, peak at PEAK_DBFS.

    Raises ToolkitError naming the failing command, or if the engine produced no audio.
    """
    with tempfile.TemporaryDirectory(prefix="synth.") as tmp:
        raw = Path(tmp) / "engine.wav"
        out = Path(tmp) / "out.wav"
        run_command(engine_command(voice, text, prosody, raw))
        convert_audio(raw, out, sample_rate, ("gain", "-n", f"{PEAK_DBFS:g}"))
        samples, _ = read_pcm16(out)
    if not np.any(samples):
        raise ToolkitError(f"{voice.engine} voice '{voice.name}' produced no audio for {text!r}")
    return samples


def render(spec: UtteranceSpec, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """The audio of one planned utterance: synthesized, padded with silence, noise added.

    Returns (N,) int16. Raises ToolkitError naming the utterance (and the failing command).
    """
    try:
        speech = synthesize(spec.voice, spec.text, spec.prosody, sample_rate).astype(np.float64)
        head, tail = (int(round(s * sample_rate)) for s in spec.pad)
        x = np.concatenate([np.zeros(head), speech, np.zeros(tail)])
        if spec.noise is not None:
            x = add_noise(x, spec.noise.snr_db, spec.noise.color, spec.noise.seed, sample_rate)
    except ToolkitError as e:
        raise ToolkitError(f"utterance {spec.utt}: {e}") from None
    return to_pcm16(x)
