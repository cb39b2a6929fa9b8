"""Kaldi text tables: one `key value` entry per line (text, utt2spk, wav.scp, feats.scp, ...).

The key is everything before the first run of spaces or tabs; the value is the rest of the
line with surrounding spaces and tabs removed (it may be empty, e.g. an empty transcript).
As in Kaldi, only space and tab separate fields: other Unicode white space (a no-break
space, say) stays part of a field, where validation can report it.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write

_SPEC = re.compile(r"^(ark|scp)(,[a-z]+)*:(.*)$")
_FIELDS = re.compile(r"[ \t]+")


class TableLine(NamedTuple):
    """One line of a table: `key` is '' for a blank line; `line` counts from 1."""

    line: int
    key: str
    value: str


def resolve_rxfilename(spec: str | os.PathLike) -> str:
    """Strip Kaldi's `ark:` / `ark,t:` prefix from a text-table specifier; '-' means stdin."""
    spec = os.fspath(spec)
    m = _SPEC.match(spec)
    if m:
        if m.group(1) == "scp":
            raise InputError("expected a text archive (ark:FILE or FILE), not an scp specifier", spec)
        return m.group(3)
    return spec


def iter_table(path: str | os.PathLike) -> Iterator[TableLine]:
    """Yield every line of a table file (blank lines included, as key '')."""
    name = resolve_rxfilename(path)
    if name == "-":
        f = sys.stdin
        close = False
    else:
        try:
            f = open(name, encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such file", name) from None
        except IsADirectoryError:
            raise InputError("is a directory, expected a file", name) from None
        close = True
    try:
        for n, raw in enumerate(f, start=1):
            parts = _FIELDS.split(raw.rstrip("\r\n").strip(" \t"), maxsplit=1)
            key = parts[0]
            value = parts[1] if len(parts) > 1 else ""
            yield TableLine(n, key, value)
    except UnicodeDecodeError as e:
        raise InputError(f"not valid UTF-8 ({e.reason})", name) from None
    finally:
        if close:
            f.close()


def read_table(path: str | os.PathLike) -> dict[str, str]:
    """Read a table into {key: value}, in file order.

    Raises InputError naming the file and line for a blank line or a repeated key.
    """
    name = resolve_rxfilename(path)
    table: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    for entry in iter_table(path):
        if not entry.key:
            raise InputError("blank line", name, entry.line)
        if entry.key in table:
            raise InputError(
                f"duplicate key '{entry.key}' (first on line {first_seen[entry.key]})", name, entry.line
            )
        table[entry.key] = entry.value
        first_seen[entry.key] = entry.line
    return table


def write_table(path: str | os.PathLike, items: Iterable[tuple[str, str]]) -> None:
    """Write `key value` lines atomically (an empty value writes the key alone)."""
    with atomic_write(Path(path)) as f:
        for key, value in items:
            f.write(f"{key} {value}\n" if value != "" else f"{key}\n")
