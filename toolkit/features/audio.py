"""The audio of each utterance of a data directory: a whole wav.scp recording, or a segment cut from one.

Problems are reported per utterance rather than raised, so that a job can drop the
bad utterances and go on with the rest, as Kaldi's feature programs do.
"""
from __future__ import annotations

from typing import Iterable, Iterator, NamedTuple

import numpy as np

from toolkit.data.datadir import DataDir
from toolkit.errors import InputError, ToolkitError
from toolkit.io.wav import read_wav

MAX_SEGMENT_OVERSHOOT = 0.5
"""Seconds a segment may end after its recording (then it is cut at the end), as extract-segments allows."""


class UtteranceAudio(NamedTuple):
    """`samples` (N,) float32 in [-1, 1) at `rate` Hz, or `error` saying why there is none."""

    utt: str
    samples: np.ndarray | None
    rate: int
    error: str | None


def cut_segment(samples: np.ndarray, rate: int, start: float, end: float) -> np.ndarray:
    """Samples round(start*rate) .. round(end*rate) of a recording, as Kaldi's extract-segments cuts them.

    Raises ValueError when the segment starts outside the recording or ends more than
    MAX_SEGMENT_OVERSHOOT seconds after it.
    """
    first, last = round(start * rate), round(end * rate)
    if first >= len(samples):
        raise ValueError(f"segment starts at {start:g} s, after the end of its recording "
                         f"({len(samples) / rate:g} s)")
    if last > len(samples) + round(MAX_SEGMENT_OVERSHOOT * rate):
        raise ValueError(f"segment ends at {end:g} s, more than {MAX_SEGMENT_OVERSHOOT:g} s after the end "
                         f"of its recording ({len(samples) / rate:g} s)")
    return samples[first:min(last, len(samples))]


def utterance_audio(data: DataDir, utterances: Iterable[str]) -> Iterator[UtteranceAudio]:
    """The audio of `utterances` (ids of `data`), in the order given.

    A recording is read once for a run of consecutive utterances cut from it.
    """
    wav_scp = data.wav_scp
    if wav_scp is None:
        raise ToolkitError(f"{data.path or 'the data directory'} has no wav.scp")
    where = f"{data.path}/wav.scp" if data.path is not None else "wav.scp"
    segments = data.segments
    cached: tuple[str, tuple[np.ndarray, int] | str] | None = None
    for utt in utterances:
        recording = data.recording_of(utt)
        if cached is None or cached[0] != recording:
            try:
                cached = (recording, read_wav(wav_scp[recording], where))
            except InputError as e:
                cached = (recording, str(e))
        audio = cached[1]
        if isinstance(audio, str):
            yield UtteranceAudio(utt, None, 0, audio)
            continue
        samples, rate = audio
        if segments is not None:
            segment = segments[utt]
            try:
                samples = cut_segment(samples, rate, segment.start, segment.end)
            except ValueError as e:
                yield UtteranceAudio(utt, None, rate, f"recording '{recording}': {e}")
                continue
        if len(samples) == 0:
            yield UtteranceAudio(utt, None, rate, "empty audio (no samples)")
            continue
        yield UtteranceAudio(utt, samples, rate, None)
