"""Audio named by wav.scp entries: a file path, or a shell command ending in `|` whose stdout is a WAV file."""
from __future__ import annotations

import io
import os
import subprocess

import numpy as np
import soundfile

from toolkit.errors import InputError


def is_pipe(entry: str) -> bool:
    """True when a wav.scp value is a command (`cmd args |`) rather than a path."""
    return entry.rstrip().endswith("|")


def open_entry(entry: str, where: str = "") -> io.BytesIO | str:
    """Return something soundfile can open: the path itself, or the command's stdout bytes.

    `where` (e.g. `data/train/wav.scp:12`) is put in error messages.
    """
    if not is_pipe(entry):
        if not os.path.isfile(entry):
            raise InputError(f"audio file not found: {entry}", where or None)
        return entry
    cmd = entry.rstrip()[:-1]
    proc = subprocess.run(["bash", "-c", f"set -o pipefail; {cmd}"], capture_output=True)
    if proc.returncode != 0:
        tail = proc.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise InputError(f"command failed with status {proc.returncode}: {cmd!r}: {' | '.join(tail)}", where or None)
    if not proc.stdout:
        raise InputError(f"command wrote no audio: {cmd!r}", where or None)
    return io.BytesIO(proc.stdout)


def read_wav(entry: str, where: str = "") -> tuple[np.ndarray, int]:
    """Read the first channel of a wav.scp entry.

    Returns `(samples, sample_rate)` with samples: (N,) float32 in [-1, 1).
    Raises InputError naming `where` for a missing file, a failing command, or bad audio.
    """
    source = open_entry(entry, where)
    try:
        samples, rate = soundfile.read(source, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as e:
        raise InputError(f"cannot read audio from {entry!r}: {e}", where or None) from None
    return samples[:, 0], rate


def wav_duration(entry: str, where: str = "") -> float:
    """Duration in seconds of a wav.scp entry, from the header when it is a file."""
    source = open_entry(entry, where)
    try:
        info = soundfile.info(source)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as e:
        raise InputError(f"cannot read audio header from {entry!r}: {e}", where or None) from None
    return info.frames / info.samplerate
