"""Parallel sets on disk: `PREFIX.<src>`, `PREFIX.<tgt>` and `PREFIX.origin`, one pair per line, in step.

`PREFIX` is e.g. `data/train`. Texts are one line each and never empty; the origin line
says where the pair came from (`libreoffice-l10n-fr:sw.mo`, `libreoffice-help:PAGE#ID`).
Reading checks the three files agree in length and have no empty line (InputError naming
file and line); writing is atomic per file.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write


def read_lines(path: str | os.PathLike, allow_empty: bool = False) -> list[str]:
    """Lines of a UTF-8 text file without their newlines; an empty line is an error naming it unless allowed."""
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            lines = [line.rstrip("\n").rstrip("\r") for line in f]
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e})", path) from None
    if not allow_empty:
        for n, line in enumerate(lines, start=1):
            if not line.strip():
                raise InputError("empty line (prepared parallel data must have none)", path, n)
    return lines


def read_parallel_text(src_path: str | os.PathLike, tgt_path: str | os.PathLike) -> tuple[list[str], list[str]]:
    """Both sides of a parallel set, checked: same number of lines, no empty line."""
    src, tgt = read_lines(src_path), read_lines(tgt_path)
    if len(src) != len(tgt):
        raise InputError(f"{len(tgt)} lines, but its source side {src_path} has {len(src)}", tgt_path)
    if not src:
        raise InputError("empty parallel set", src_path)
    return src, tgt


@dataclass
class ParallelSet:
    """Aligned lists: src[i] translates to tgt[i], origin[i] says where the pair came from."""

    src: list[str] = field(default_factory=list)
    tgt: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.src)

    def triples(self) -> Iterable[tuple[str, str, str]]:
        return zip(self.src, self.tgt, self.origin)

    def append(self, src: str, tgt: str, origin: str) -> None:
        self.src.append(src)
        self.tgt.append(tgt)
        self.origin.append(origin)


def set_files(prefix: str | os.PathLike, src_lang: str, tgt_lang: str) -> tuple[str, str, str]:
    """(PREFIX.<src>, PREFIX.<tgt>, PREFIX.origin)."""
    prefix = os.fspath(prefix)
    return f"{prefix}.{src_lang}", f"{prefix}.{tgt_lang}", f"{prefix}.origin"


def read_parallel_set(prefix: str | os.PathLike, src_lang: str, tgt_lang: str) -> ParallelSet:
    """The set at `prefix`; without a PREFIX.origin file every origin is the prefix's base name."""
    src_path, tgt_path, origin_path = set_files(prefix, src_lang, tgt_lang)
    src, tgt = read_parallel_text(src_path, tgt_path)
    if os.path.exists(origin_path):
        origin = read_lines(origin_path)
        if len(origin) != len(src):
            raise InputError(f"{len(origin)} lines, but {src_path} has {len(src)}", origin_path)
    else:
        origin = [os.path.basename(os.fspath(prefix))] * len(src)
    return ParallelSet(src, tgt, origin)


def write_parallel_set(prefix: str | os.PathLike, src_lang: str, tgt_lang: str,
                       triples: Iterable[tuple[str, str, str]]) -> int:
    """Write (src, tgt, origin) triples as the set at `prefix`; returns the number of pairs.

    Raises ValueError for an empty text or one holding a line break: callers clean text first.
    """
    data = ParallelSet()
    for src, tgt, origin in triples:
        for text in (src, tgt, origin):
            if not text.strip() or "\n" in text or "\r" in text:
                raise ValueError(f"not one non-empty line: {text!r}")
        data.append(src, tgt, origin)
    for path, lines in zip(set_files(prefix, src_lang, tgt_lang), (data.src, data.tgt, data.origin)):
        with atomic_write(path) as f:
            f.writelines(line + "\n" for line in lines)
    return len(data)
