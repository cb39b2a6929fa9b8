"""Fortune cookie files (the strfile source format of fortune(6)), read as prose paragraphs.

A source file holds entries separated by lines that contain only `%`. The index files
strfile builds (`.dat`) and the `.u8` links beside each file are not sources; files below
a directory named `off` (the offensive fortunes, stored ROT13-encoded) are skipped.
Within an entry, backspace overstrikes (`_\\bx`, used for underlining) are removed, the
attribution (from the first line that starts with `--` after optional blanks, to the
end) is dropped, and blank lines separate paragraphs; the lines of a paragraph are
joined with single spaces.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from toolkit.errors import InputError

_OVERSTRIKE = re.compile(r".\x08")
_ATTRIBUTION = re.compile(r"^\s*--\s")
_SPACE = re.compile(r"\s+")


def find_fortune_files(root: str | os.PathLike) -> list[tuple[str, Path]]:
    """(path relative to `root`, file) of every fortune source file below `root`, sorted."""
    root = Path(root)
    if not root.is_dir():
        raise InputError("not a directory", root)
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "off")
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.endswith((".dat", ".u8")) or path.is_symlink() or not path.is_file():
                continue
            found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def read_fortunes(path: str | os.PathLike) -> list[str]:
    """The entries of a strfile source file, in order, each with its lines; empty entries dropped."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e})", path) from None
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror})", path) from None
    entries, lines = [], []
    for line in text.split("\n"):
        if line.rstrip("\r") == "%":
            entries.append("\n".join(lines))
            lines = []
        else:
            lines.append(line)
    entries.append("\n".join(lines))
    return [e for e in entries if e.strip()]


def fortune_paragraphs(entry: str) -> list[str]:
    """The prose paragraphs of one fortune: overstrikes removed, attribution dropped, lines joined."""
    paragraphs, lines = [], []
    for line in _OVERSTRIKE.sub("", entry).split("\n") + [""]:
        if _ATTRIBUTION.match(line):
            line = ""
            attribution = True
        else:
            attribution = False
        if line.strip():
            lines.append(line)
        elif lines:
            paragraphs.append(_SPACE.sub(" ", " ".join(lines)).strip())
            lines = []
        if attribution:
            break
    return paragraphs
