"""A Kaldi data directory held in memory: its tables, read consistently and written sorted in C order."""
from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Iterable, Mapping

from toolkit.data.files import FILES, SPK2UTT, Index, Segment, parse_segment
from toolkit.data.validate import consistency_problems
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_dir
from toolkit.io.table import read_table, write_table

_SHOWN_PROBLEMS = 20


class DataDir:
    """The files of a data directory as `{file name: {key: value}}` tables (values as in the file).

    `utt2spk` is required; spk2utt is derived from it. The tables must be consistent
    (every file keyed by exactly the utterances, speakers or recordings it is indexed
    by): `read` guarantees it, and `select_utterances` keeps it. Treat the tables as
    read-only. `path` is the directory it was read from, if any.
    """

    def __init__(self, tables: Mapping[str, Mapping[str, str]], path: str | os.PathLike | None = None):
        unknown = sorted(set(tables) - set(FILES))
        if unknown:
            raise ValueError(f"not data-directory files: {', '.join(unknown)}")
        if "utt2spk" not in tables:
            raise ValueError("a data directory needs utt2spk")
        self.tables: dict[str, dict[str, str]] = {name: dict(t) for name, t in tables.items()}
        self.path = None if path is None else Path(path)

    @classmethod
    def read(cls, path: str | os.PathLike, ignore: Iterable[str] = ()) -> "DataDir":
        """Load every known file of `path`; files in `ignore` (about to be regenerated) are left out.

        Raises ToolkitError listing the problems if the files are not consistent. Files
        need not be sorted; unknown files and subdirectories are not read.
        """
        if not Path(path).is_dir():
            raise InputError("no such directory", path)
        ignore = tuple(ignore)
        problems = consistency_problems(path, ignore)
        if problems:
            shown = "\n  ".join(str(p) for p in problems[:_SHOWN_PROBLEMS])
            more = f"\n  ... and {len(problems) - _SHOWN_PROBLEMS} more" if len(problems) > _SHOWN_PROBLEMS else ""
            raise ToolkitError(
                f"{path} is not a consistent data directory ({len(problems)} problem(s)):\n  {shown}{more}\n"
                f"Repair it with: python -m toolkit.bin.fix_data_dir {path}"
            )
        directory = Path(path)
        tables = {
            name: read_table(directory / name)
            for name in FILES
            if name not in ignore and (directory / name).is_file()
        }
        return cls(tables, path)

    def write(self, path: str | os.PathLike) -> None:
        """Create or replace the directory `path` with exactly these files, atomically.

        Anything else in an existing `path` (split dirs, logs) is removed with it.
        """
        with atomic_dir(path) as tmp:
            self.write_files(tmp)

    def write_files(self, path: str | os.PathLike) -> None:
        """Write each file (and spk2utt) into the existing directory `path`, each atomically,
        sorted by key in C order; other files there are left alone."""
        directory = Path(path)
        for name, table in self.tables.items():
            write_table(directory / name, sorted(table.items()))
        write_table(directory / SPK2UTT, ((spk, " ".join(utts)) for spk, utts in self.spk2utt.items()))

    def has(self, name: str) -> bool:
        return name in self.tables

    @property
    def utt2spk(self) -> dict[str, str]:
        return self.tables["utt2spk"]

    @property
    def text(self) -> dict[str, str] | None:
        return self.tables.get("text")

    @property
    def wav_scp(self) -> dict[str, str] | None:
        """Recording id -> a path or a `command |` (see toolkit.io.wav to read it)."""
        return self.tables.get("wav.scp")

    @cached_property
    def segments(self) -> dict[str, Segment] | None:
        table = self.tables.get("segments")
        return None if table is None else {utt: parse_segment(v) for utt, v in table.items()}

    @cached_property
    def spk2utt(self) -> dict[str, list[str]]:
        """Speaker -> its utterances, both sorted in C order."""
        result: dict[str, list[str]] = {}
        for utt in sorted(self.utt2spk):
            result.setdefault(self.utt2spk[utt], []).append(utt)
        return dict(sorted(result.items()))

    @property
    def utterances(self) -> list[str]:
        """Utterance ids in C order."""
        return sorted(self.utt2spk)

    @property
    def speakers(self) -> list[str]:
        """Speaker ids in C order."""
        return list(self.spk2utt)

    def recording_of(self, utt: str) -> str:
        """The recording an utterance is cut from: itself when there is no segments file."""
        return utt if self.segments is None else self.segments[utt].recording

    def select_utterances(self, utterances: Iterable[str]) -> "DataDir":
        """The data directory restricted to `utterances` (ids not in it are ignored).

        Speaker- and recording-indexed files keep the speakers and recordings that the
        kept utterances use.
        """
        keep = set(utterances) & self.utt2spk.keys()
        keys = {
            Index.UTTERANCE: keep,
            Index.SPEAKER: {self.utt2spk[u] for u in keep},
            Index.RECORDING: {self.recording_of(u) for u in keep},
        }
        selected = {}
        for name, table in self.tables.items():
            wanted = keys[FILES[name].index]
            selected[name] = {k: v for k, v in table.items() if k in wanted}
        return DataDir(selected)
