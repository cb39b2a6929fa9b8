"""Splitting a data directory into N parts for N parallel jobs, as Kaldi's utils/split_data.sh does.

Parts are contiguous in C order of speakers (or of utterances with per_utt): when
speaker ids are prefixes of utterance ids, as validation requires, the parts taken in
job order list the utterances in sorted order. Part sizes in utterances are as close
to equal as whole speakers allow.
"""
from __future__ import annotations

import bisect
import itertools
import os
from pathlib import Path

from toolkit.data.datadir import DataDir
from toolkit.data.files import FILES, SPK2UTT
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_dir
from toolkit.log import get_logger

_log = get_logger(__name__)


def balanced_cuts(sizes: list[int], n: int) -> list[int]:
    """Cut points 0 = c[0] < c[1] < ... < c[n] = len(sizes) splitting `sizes` into n non-empty runs.

    Cut k is the boundary whose running total is nearest to k/n of the total, so
    every part is within about one item's size of total/n. Needs 1 <= n <= len(sizes).
    """
    if not 1 <= n <= len(sizes):
        raise ValueError(f"cannot cut {len(sizes)} items into {n} non-empty parts")
    totals = list(itertools.accumulate(sizes, initial=0))
    cuts = [0]
    for k in range(1, n):
        target = totals[-1] * k / n
        # Leave at least one item for each part still to come, and take at least one.
        low, high = cuts[-1] + 1, len(sizes) - (n - k)
        j = min(max(bisect.bisect_left(totals, target), low), high)
        if j > low and target - totals[j - 1] <= totals[j] - target:
            j -= 1
        cuts.append(j)
    cuts.append(len(sizes))
    return cuts


def split_by_speaker(data: DataDir, n: int) -> list[DataDir]:
    """n data directories with no speaker in two of them, balanced by utterance count."""
    speakers = data.speakers
    if n < 1:
        raise ToolkitError(f"number of parts must be at least 1, got {n}")
    if n > len(speakers):
        raise ToolkitError(
            f"cannot split {data.path or 'the data'} into {n} parts by speaker: it has only {len(speakers)} "
            f"speaker(s) (use fewer jobs, or --per-utt to split a speaker's utterances across parts)"
        )
    spk2utt = data.spk2utt
    cuts = balanced_cuts([len(spk2utt[s]) for s in speakers], n)
    return [
        data.select_utterances(u for s in speakers[a:b] for u in spk2utt[s])
        for a, b in itertools.pairwise(cuts)
    ]


def split_by_utterance(data: DataDir, n: int) -> list[DataDir]:
    """n data directories of consecutive utterances whose sizes differ by at most one."""
    utts = data.utterances
    if n < 1:
        raise ToolkitError(f"number of parts must be at least 1, got {n}")
    if n > len(utts):
        raise ToolkitError(
            f"cannot split {data.path or 'the data'} into {n} parts: it has only {len(utts)} utterance(s)")
    cuts = balanced_cuts([1] * len(utts), n)
    return [data.select_utterances(utts[a:b]) for a, b in itertools.pairwise(cuts)]


def split_data_dir(path: str | os.PathLike, n: int, per_utt: bool = False) -> Path:
    """Write DIR/splitN/1..N (DIR/splitNutt/... with per_utt, as Kaldi names it), each a
    complete data directory, and return DIR/splitN.

    Nothing is done when every part already holds every file of DIR and none is older
    than the file it came from. The split directory is replaced atomically.
    """
    if n < 1:
        raise ToolkitError(f"number of parts must be at least 1, got {n}")
    out = Path(path) / f"split{n}{'utt' if per_utt else ''}"
    if _is_up_to_date(Path(path), out, n):
        _log.info("%s is up to date: not splitting again", out)
        return out
    data = DataDir.read(path)
    parts = split_by_utterance(data, n) if per_utt else split_by_speaker(data, n)
    with atomic_dir(out) as tmp:
        for job, part in enumerate(parts, start=1):
            (tmp / str(job)).mkdir()
            part.write_files(tmp / str(job))
    sizes = [len(p.utt2spk) for p in parts]
    _log.info("split %s into %d parts of %d to %d utterances", path, n, min(sizes), max(sizes))
    return out


def _is_up_to_date(directory: Path, out: Path, n: int) -> bool:
    names = [name for name in (*FILES, SPK2UTT) if (directory / name).is_file()]
    for job in range(1, n + 1):
        part = out / str(job)
        if not part.is_dir():
            return False
        stale = [name for name in FILES if (part / name).is_file() and name not in names]
        if stale:
            return False
        for name in names:
            target = part / name
            if not target.is_file() or target.stat().st_mtime_ns < (directory / name).stat().st_mtime_ns:
                return False
    return True
