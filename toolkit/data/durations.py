"""utt2dur: the duration of each utterance in seconds, as Kaldi's utils/data/get_utt2dur.sh makes it.

With a segments file a duration is `end - start`; otherwise it is the length of the
recording wav.scp names, read from the file's header, or from the audio a `command |`
writes on its stdout.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from toolkit.data.datadir import DataDir
from toolkit.data.files import FILES, Segment
from toolkit.errors import InputError, ToolkitError
from toolkit.io.table import iter_table, read_table, write_table
from toolkit.io.wav import wav_duration
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger(__name__)


def format_duration(seconds: float) -> str:
    """Seconds to microsecond precision without trailing zeros (1.25 -> '1.25', 2.0 -> '2')."""
    return f"{seconds:.6f}".rstrip("0").rstrip(".")


def durations_from_segments(segments: dict[str, Segment]) -> dict[str, float]:
    """Utterance -> end - start."""
    return {utt: seg.end - seg.start for utt, seg in segments.items()}


def durations_from_audio(data: DataDir, nj: int = 1) -> dict[str, float]:
    """Recording -> duration of the audio wav.scp names, using `nj` worker threads.

    Raises InputError naming the utterance and its wav.scp line when a file cannot be
    read, a command fails, or the audio is empty.
    """
    wav_scp = data.wav_scp
    if wav_scp is None:
        raise ToolkitError(f"{data.path or 'the data directory'} has no wav.scp")
    if nj < 1:
        raise ToolkitError(f"the number of jobs must be at least 1, got {nj}")
    keys = sorted(wav_scp)
    pool = ThreadPoolExecutor(max_workers=nj)
    try:
        results = pool.map(lambda key: _duration(data, key), keys)
        durations = dict(zip(keys, progress(results, "reading audio durations", total=len(keys))))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return durations


def get_utt2dur(path: str | os.PathLike, nj: int = 1) -> Path:
    """Write DIR/utt2dur (sorted) unless it is up to date, and return its path.

    An existing utt2dur is up to date when it has a valid duration for exactly the
    utterances of utt2spk and is not older than wav.scp and segments.
    """
    directory = Path(path)
    out = directory / "utt2dur"
    data = DataDir.read(directory, ignore=("utt2dur",))
    if _is_up_to_date(out, data):
        _log.info("%s is up to date: not recomputing it", out)
        return out
    if data.segments is not None:
        durations = durations_from_segments(data.segments)
    else:
        durations = durations_from_audio(data, nj)
    write_table(out, ((utt, format_duration(durations[utt])) for utt in data.utterances))
    _log.info("wrote %s: %d utterances, %.2f hours", out, len(durations), sum(durations.values()) / 3600)
    return out


def _duration(data: DataDir, key: str) -> float:
    try:
        seconds = wav_duration(data.wav_scp[key])
    except InputError as e:
        raise InputError(f"utterance '{key}': {e.message}", *_location(data, key)) from None
    if seconds <= 0:
        raise InputError(f"utterance '{key}': the audio is empty", *_location(data, key))
    return seconds


def _location(data: DataDir, key: str) -> tuple[Path | None, int | None]:
    """The wav.scp file and line of `key`; only looked up when reporting an error."""
    if data.path is None:
        return None, None
    wav_scp = data.path / "wav.scp"
    line = next((entry.line for entry in iter_table(wav_scp) if entry.key == key), None)
    return wav_scp, line


def _is_up_to_date(out: Path, data: DataDir) -> bool:
    if not out.is_file() or data.path is None:
        return False
    sources = [data.path / name for name in ("wav.scp", "segments") if data.has(name)]
    if any(out.stat().st_mtime_ns < s.stat().st_mtime_ns for s in sources):
        return False
    try:
        table = read_table(out)
    except InputError:
        return False
    check = FILES["utt2dur"].check
    return table.keys() == data.utt2spk.keys() and all(check(v) is None for v in table.values())
