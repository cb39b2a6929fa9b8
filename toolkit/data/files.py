"""The files of a Kaldi data directory: what each one is indexed by and what a valid value is.

`utt2spk` is the primary file; `spk2utt` is derived from it and is not listed in FILES.
A recording id is the second field of `segments` when that file exists; without
`segments` every utterance is its own recording, so `wav.scp` and the other
recording-indexed files are keyed by utterance id, as in Kaldi.
"""
from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Callable, NamedTuple

from toolkit.io.wav import is_pipe


class Index(enum.Enum):
    """What the keys of a file are."""

    UTTERANCE = "utterance"
    SPEAKER = "speaker"
    RECORDING = "recording"


class Segment(NamedTuple):
    """One line of `segments`: `utt recording start end`, times in seconds."""

    recording: str
    start: float
    end: float


def parse_segment(value: str) -> Segment:
    """Parse the value of a `segments` line; ValueError says what is wrong.

    Guarantees 0 <= start < end, both finite.
    """
    fields = value.split()
    if len(fields) != 3:
        raise ValueError(f"expected 'recording start end' after the utterance id, got {len(fields)} field(s)")
    recording, start_s, end_s = fields
    try:
        start, end = float(start_s), float(end_s)
    except ValueError:
        raise ValueError(f"start and end must be numbers, got '{start_s}' and '{end_s}'") from None
    if not (math.isfinite(start) and math.isfinite(end)):
        raise ValueError(f"start and end must be finite, got '{start_s}' and '{end_s}'")
    if start < 0:
        raise ValueError(f"start {start_s} is negative")
    if end <= start:
        raise ValueError(f"end {end_s} is not after start {start_s}")
    return Segment(recording, start, end)


def _problem(parse: Callable[[str], object]) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        try:
            parse(value)
        except ValueError as e:
            return str(e)
        return None

    return check


def _one_token(value: str) -> None:
    n = len(value.split())
    if n != 1:
        raise ValueError(f"expected exactly one field after the key, got {n}")


def _anything(value: str) -> None:
    """Transcripts may be empty (e.g. noise-only utterances); their content is checked elsewhere."""


def _rxfilename(value: str) -> None:
    if not value:
        raise ValueError("missing value after the key")


def _wav(value: str) -> None:
    if not value:
        raise ValueError("missing value: expected a file name or a command ending in '|'")
    # Kaldi refuses a leading '~': fopen does not expand it, and in a command it
    # would name another user's home when the recipe is run by someone else.
    if value.startswith("~"):
        raise ValueError("value starts with '~', which is not expanded: write the full path")
    if is_pipe(value) and not value.rstrip()[:-1].strip():
        raise ValueError("empty command before '|'")


def _positive(convert: Callable[[str], float | int], what: str) -> Callable[[str], None]:
    def parse(value: str) -> None:
        _one_token(value)
        try:
            x = convert(value)
        except ValueError:
            raise ValueError(f"expected a positive {what}, got '{value}'") from None
        if not (math.isfinite(x) and x > 0):
            raise ValueError(f"expected a positive {what}, got '{value}'")

    return parse


def _gender(value: str) -> None:
    if value not in ("m", "f"):
        raise ValueError(f"gender must be 'm' or 'f', got '{value}'")


def _file_and_channel(value: str) -> None:
    fields = value.split()
    if len(fields) != 2:
        raise ValueError(f"expected 'file channel' after the recording id, got {len(fields)} field(s)")
    if fields[1] not in ("A", "B"):
        raise ValueError(f"channel must be 'A' or 'B', got '{fields[1]}'")


@dataclass(frozen=True)
class FileSpec:
    """A data-directory file: its name, its key type, and `check(value)` -> problem or None."""

    name: str
    index: Index
    check: Callable[[str], str | None]


FILES: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec("utt2spk", Index.UTTERANCE, _problem(_one_token)),
        FileSpec("text", Index.UTTERANCE, _problem(_anything)),
        FileSpec("segments", Index.UTTERANCE, _problem(parse_segment)),
        FileSpec("feats.scp", Index.UTTERANCE, _problem(_rxfilename)),
        FileSpec("utt2dur", Index.UTTERANCE, _problem(_positive(float, "duration in seconds"))),
        FileSpec("utt2num_frames", Index.UTTERANCE, _problem(_positive(int, "integer number of frames"))),
        FileSpec("vad.scp", Index.UTTERANCE, _problem(_rxfilename)),
        FileSpec("utt2lang", Index.UTTERANCE, _problem(_one_token)),
        FileSpec("utt2uniq", Index.UTTERANCE, _problem(_one_token)),
        FileSpec("cmvn.scp", Index.SPEAKER, _problem(_rxfilename)),
        FileSpec("spk2gender", Index.SPEAKER, _problem(_gender)),
        FileSpec("wav.scp", Index.RECORDING, _problem(_wav)),
        FileSpec("reco2file_and_channel", Index.RECORDING, _problem(_file_and_channel)),
        FileSpec("reco2dur", Index.RECORDING, _problem(_positive(float, "duration in seconds"))),
    )
}
"""Every file a data directory may hold besides the derived spk2utt, in the order they are checked."""

SPK2UTT = "spk2utt"
