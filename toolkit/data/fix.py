"""Repair of a data directory in place, as Kaldi's utils/fix_data_dir.sh does it.

Files are sorted; blank, malformed and repeated lines are dropped (the first of
repeated keys is kept); an utterance is kept only if every utterance-indexed file has
it, every speaker-indexed file has its speaker and every recording-indexed file has
its recording; then every file is filtered to what the kept utterances use and
spk2utt is rebuilt from utt2spk. The original files are copied to DIR/.backup first.
Transcript content (reserved symbols, non-printable characters) and speaker-id
prefixes are not changed: they are the data-preparation script's to fix.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.data.datadir import DataDir
from toolkit.data.files import FILES, SPK2UTT, Index, parse_segment
from toolkit.errors import InputError
from toolkit.io.atomic import atomic_dir
from toolkit.io.table import iter_table

BACKUP = ".backup"


@dataclass
class FixReport:
    """What fix_data_dir changed."""

    dropped_lines: list[InputError] = field(default_factory=list)
    """Blank, malformed and repeated lines, each located at its file and line."""
    resorted: list[str] = field(default_factory=list)
    """Files that were not in C order."""
    utterances: tuple[int, int] = (0, 0)
    """Utterances before and after."""
    missing: dict[str, int] = field(default_factory=dict)
    """File -> how many utterances were dropped because it lacks them (or their speaker or recording)."""
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)
    """File -> lines before and entries after, for files that lost lines."""

    def summary(self) -> list[str]:
        """Human-readable lines, in the spirit of fix_data_dir.sh's messages."""
        out = [f"{p.path}:{p.line}: dropped the line: {p.message}" for p in self.dropped_lines]
        out += [f"{name} was not in sorted order: sorted it" for name in self.resorted]
        before, after = self.utterances
        out.append(f"kept {after} of {before} utterances" if after != before else f"kept all {before} utterances")
        out += [f"{n} utterance(s) dropped for lack of an entry in {name}" for name, n in self.missing.items()]
        out += [f"filtered {name} from {a} to {b} lines" for name, (a, b) in self.lines.items()]
        return out


def fix_data_dir(path: str | os.PathLike) -> FixReport:
    """Fix the data directory `path` in place (see the module docstring) and say what changed.

    Raises InputError if utt2spk is missing, segments exist without wav.scp, or no
    utterance would remain (nothing is written then).
    """
    directory = Path(path)
    if not (directory / "utt2spk").is_file():
        raise InputError("no such file", directory / "utt2spk")
    present = [name for name in FILES if (directory / name).is_file()]
    if "segments" in present and "wav.scp" not in present:
        raise InputError("segments exists but wav.scp does not", directory / "segments")

    report = FixReport()
    tables: dict[str, dict[str, str]] = {}
    line_counts: dict[str, int] = {}
    for name in present:
        tables[name], line_counts[name] = _read_leniently(directory, name, report)
    utt2spk = tables["utt2spk"]
    segments = tables.get("segments")
    recording = {u: parse_segment(v).recording for u, v in segments.items()} if segments is not None else None

    keep: set[str] = set()
    for utt, spk in utt2spk.items():
        lacking = []
        for name, table in tables.items():
            index = FILES[name].index
            if index is Index.SPEAKER:
                key = spk
            elif index is Index.RECORDING and recording is not None:
                key = recording.get(utt)
                if key is None:
                    continue  # counted against segments itself
            else:
                key = utt
            if key not in table:
                lacking.append(name)
        for name in lacking:
            report.missing[name] = report.missing.get(name, 0) + 1
        if not lacking:
            keep.add(utt)
    report.utterances = (len(utt2spk), len(keep))
    if not keep:
        raise InputError("no utterances would remain: not fixing (see the messages above)", directory)

    fixed = DataDir(tables).select_utterances(keep)
    for name in present:
        before, after = line_counts[name], len(fixed.tables[name])
        if after != before:
            report.lines[name] = (before, after)

    _back_up(directory, [*present, SPK2UTT])
    fixed.write_files(directory)
    return report


def _read_leniently(directory: Path, name: str, report: FixReport) -> tuple[dict[str, str], int]:
    """The well-formed entries of a file (first of each key, sorted) and its number of lines.

    Dropped lines are added to the report.
    """
    file = directory / name
    check = FILES[name].check
    table: dict[str, str] = {}
    first: dict[str, int] = {}
    previous = ""
    in_order = True
    n_lines = 0
    for entry in iter_table(file):
        n_lines = entry.line
        if not entry.key:
            report.dropped_lines.append(InputError("blank line", file, entry.line))
            continue
        if entry.key in first:
            report.dropped_lines.append(
                InputError(f"repeated key '{entry.key}' (kept line {first[entry.key]})", file, entry.line))
            continue
        message = check(entry.value)
        if message is not None:
            report.dropped_lines.append(InputError(message, file, entry.line))
            continue
        in_order = in_order and entry.key >= previous
        previous = entry.key
        table[entry.key] = entry.value
        first[entry.key] = entry.line
    if not in_order:
        report.resorted.append(name)
    return dict(sorted(table.items())), n_lines


def _back_up(directory: Path, names: list[str]) -> None:
    """Replace DIR/.backup with copies of the current files, as Kaldi keeps the originals."""
    with atomic_dir(directory / BACKUP) as tmp:
        for name in names:
            if (directory / name).is_file():
                shutil.copy2(directory / name, tmp / name)
