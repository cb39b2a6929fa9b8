#!/usr/bin/env python3
"""Make a real-speech digits test set from the Asterisk English prompts (one female speaker, 8 kHz).

The isolated digit prompts digits/0 .. digits/9 and digits/oh, upsampled to 16 kHz, are
utterances of their own (`allison-iso-<name>`); --num-strings connected strings
(`allison-str-<n>`) of --min-words..--max-words digits are made by joining them with
short pauses. Words come from the package's transcripts (core-sounds-en.txt). Pauses and
the --pad seconds at each end are filled with white noise at about the recordings' own
silence level, so no stretch is digitally silent. Everything comes from --seed.

Writes WAV_DIR (replaced) and the data directories DATA (all utterances), DATA_isolated
and DATA_connected, each with wav.scp, text, utt2spk, spk2utt, spk2gender and utt2dur.
"""
from __future__ import annotations

import argparse
import gzip
import random
import tempfile
from pathlib import Path

import numpy as np

from toolkit import cli
from toolkit.data.datadir import DataDir
from toolkit.data.durations import format_duration
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_dir
from toolkit.log import get_logger
from toolkit.synth.synthesize import SAMPLE_RATE, convert_audio, read_pcm16, write_pcm16

_log = get_logger("prepare_asterisk")

SPEAKER = "allison"  # the voice of the en_US_f_Allison prompts
GENDER = "f"
PROMPTS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "oh")
FLOOR_RMS = 3.0
"""RMS (int16 units, about -80 dBFS) of the noise filling pauses: the level of the
quietest 20 ms frames of the prompts, which are near but not at digital silence."""


def read_transcripts(path: Path) -> dict[str, str]:
    """The digit prompts' words from core-sounds-en.txt(.gz): {'0': 'zero', ..., 'oh': 'oh'}.

    Raises InputError naming the file (and line) if a prompt is missing or is not one word.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    words = {}
    try:
        with opener(path, "rt", encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                key, sep, text = line.partition(":")
                name = key.strip().removeprefix("digits/")
                if sep and key.strip().startswith("digits/") and name in PROMPTS:
                    tokens = text.strip().strip(".!?").lower().split()
                    if len(tokens) != 1 or not tokens[0].isalpha():
                        raise InputError(f"expected one word for {key.strip()}, got {text.strip()!r}", path, n)
                    words[name] = tokens[0]
    except FileNotFoundError:
        raise InputError("no such file (the transcripts of asterisk-core-sounds-en)", path) from None
    missing = [p for p in PROMPTS if p not in words]
    if missing:
        raise InputError(f"no transcript for digits/{', digits/'.join(missing)}", path)
    return words


def load_prompts(sounds_dir: Path) -> dict[str, np.ndarray]:
    """Each digit prompt upsampled by sox to 16 kHz: name -> (N,) int16."""
    audio = {}
    with tempfile.TemporaryDirectory(prefix="asterisk.") as tmp:
        for name in PROMPTS:
            src = sounds_dir / "digits" / f"{name}.wav"
            if not src.is_file():
                raise InputError("no such prompt file", src)
            dst = Path(tmp) / f"{name}.wav"
            convert_audio(src, dst, SAMPLE_RATE)
            audio[name], _ = read_pcm16(dst)
    return audio


def room_tone(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """(round(seconds * 16000),) float64 white noise at FLOOR_RMS."""
    return rng.standard_normal(int(round(seconds * SAMPLE_RATE))) * FLOOR_RMS


def join(pieces: list[np.ndarray], pad: float, rng: random.Random, noise: np.random.Generator,
         max_gap: float) -> np.ndarray:
    """pad, piece, pause, piece, ..., pad as (N,) int16; pauses uniform in [0, max_gap] s."""
    parts = [room_tone(pad, noise)]
    for i, piece in enumerate(pieces):
        if i:
            parts.append(room_tone(rng.uniform(0.0, max_gap), noise))
        parts.append(piece.astype(np.float64))
    parts.append(room_tone(pad, noise))
    return np.clip(np.round(np.concatenate(parts)), -32768, 32767).astype(np.int16)


def make_utterances(words: dict[str, str], audio: dict[str, np.ndarray], args) -> dict[str, tuple[str, np.ndarray]]:
    """Utterance id -> (transcript, (N,) int16 audio), isolated prompts then strings."""
    rng = random.Random(args.seed)
    noise = np.random.default_rng(args.seed)
    utts = {}
    for name in PROMPTS:
        utts[f"{SPEAKER}-iso-{name}"] = (words[name], join([audio[name]], args.pad, rng, noise, args.max_gap))
    width = len(str(max(args.num_strings - 1, 0)))
    for i in range(args.num_strings):
        names = [rng.choice(PROMPTS) for _ in range(rng.randint(args.min_words, args.max_words))]
        text = " ".join(words[n] for n in names)
        utts[f"{SPEAKER}-str-{i:0{width}d}"] = (text, join([audio[n] for n in names], args.pad, rng, noise, args.max_gap))
    return utts


def data_dir(utts: dict[str, tuple[str, np.ndarray]], wav_dir: Path) -> DataDir:
    return DataDir({
        "wav.scp": {u: str(wav_dir / f"{u}.wav") for u in utts},
        "text": {u: text for u, (text, _) in utts.items()},
        "utt2spk": {u: SPEAKER for u in utts},
        "spk2gender": {SPEAKER: GENDER},
        "utt2dur": {u: format_duration(len(x) / SAMPLE_RATE) for u, (_, x) in utts.items()},
    })


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="prepare_asterisk.py", description=__doc__,
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--num-strings", type=int, default=200, help="connected digit strings to make")
    p.add_argument("--min-words", type=int, default=2, help="fewest digits in a string")
    p.add_argument("--max-words", type=int, default=7, help="most digits in a string")
    p.add_argument("--max-gap", type=float, default=0.15, help="longest pause between joined digits, seconds")
    p.add_argument("--pad", type=float, default=0.25, help="pause before and after each utterance, seconds")
    p.add_argument("--seed", type=int, default=2024, help="seed of the strings and pauses")
    p.add_argument("sounds_dir", type=Path, help="the en_US_f_Allison directory (holds digits/*.wav)")
    p.add_argument("transcripts", type=Path, help="core-sounds-en.txt or .txt.gz")
    p.add_argument("wav_dir", type=Path, help="output: the 16 kHz wav files (replaced)")
    p.add_argument("data", help="output: data directory, e.g. data/asterisk (also DATA_isolated, DATA_connected)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.num_strings < 0 or not 1 <= args.min_words <= args.max_words:
        raise ToolkitError("need --num-strings >= 0 and 1 <= --min-words <= --max-words")
    if args.pad < 0 or args.max_gap < 0:
        raise ToolkitError("--pad and --max-gap must not be negative")
    words = read_transcripts(args.transcripts)
    utts = make_utterances(words, load_prompts(args.sounds_dir), args)
    wav_dir = args.wav_dir.resolve()
    with atomic_dir(wav_dir) as tmp:
        for utt, (_, x) in utts.items():
            write_pcm16(tmp / f"{utt}.wav", x)
    data = data_dir(utts, wav_dir)
    data.write(args.data)
    data.select_utterances(u for u in utts if "-iso-" in u).write(f"{args.data}_isolated")
    data.select_utterances(u for u in utts if "-str-" in u).write(f"{args.data}_connected")
    seconds = sum(len(x) for _, x in utts.values()) / SAMPLE_RATE
    n_words = sum(len(t.split()) for t, _ in utts.values())
    _log.info("wrote %s: %d utterances (%d isolated, %d connected), %d words, %.1f minutes",
              args.data, len(utts), len(PROMPTS), args.num_strings, n_words, seconds / 60)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
