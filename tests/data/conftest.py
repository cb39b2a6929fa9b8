"""A tiny valid data directory: 3 speakers, 6 utterances, generated audio (one entry a sox pipe)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

RATE = 8000
DURATIONS = {
    "spk1-u1": 0.5,
    "spk1-u2": 0.75,
    "spk1-u3": 1.0,
    "spk2-u1": 0.25,
    "spk2-u2": 1.5,
    "spk3-u1": 1.25,
}
PIPED = "spk3-u1"
TEXT = {
    "spk1-u1": "one two",
    "spk1-u2": "three",
    "spk1-u3": "four five six",
    "spk2-u1": "seven",
    "spk2-u2": "eight nine",
    "spk3-u1": "oh zero",
}


def write_files(directory: Path, files: dict[str, list[str] | str]) -> Path:
    """Write each file's lines (a list gets newline-terminated lines; a str is written as is)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, str) else "".join(line + "\n" for line in content)
        (directory / name).write_text(data, encoding="utf-8")
    return directory


def base_files(audio_dir: Path) -> dict[str, list[str]]:
    """The files of the valid directory, with wav files written under `audio_dir`."""
    audio_dir.mkdir(parents=True, exist_ok=True)
    wav = []
    for i, (utt, seconds) in enumerate(DURATIONS.items()):
        path = audio_dir / f"{utt}.wav"
        t = np.arange(int(seconds * RATE)) / RATE
        soundfile.write(path, 0.3 * np.sin(2 * np.pi * (200 + 50 * i) * t), RATE, subtype="PCM_16")
        wav.append(f"{utt} sox {path} -t wav - |" if utt == PIPED else f"{utt} {path}")
    utt2spk = [f"{u} {u.split('-')[0]}" for u in DURATIONS]
    return {
        "wav.scp": wav,
        "text": [f"{u} {t}" for u, t in TEXT.items()],
        "utt2spk": utt2spk,
        "spk2utt": ["spk1 spk1-u1 spk1-u2 spk1-u3", "spk2 spk2-u1 spk2-u2", "spk3 spk3-u1"],
        "spk2gender": ["spk1 m", "spk2 f", "spk3 m"],
    }


@pytest.fixture
def files(tmp_path) -> dict[str, list[str]]:
    return base_files(tmp_path / "audio")


@pytest.fixture
def data_dir(tmp_path, files) -> Path:
    return write_files(tmp_path / "data" / "train", files)


@pytest.fixture
def write():
    """`write(directory, {name: lines})`: see write_files."""
    return write_files


@pytest.fixture
def durations() -> dict[str, float]:
    """Utterance -> the duration in seconds of its generated audio."""
    return dict(DURATIONS)
