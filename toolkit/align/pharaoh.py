"""Pharaoh word alignments (fast_align, Moses): one line per sentence pair, space-separated `i-j`
links, i the 0-based source position and j the 0-based target position; an empty line has none."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write

Alignment = list[tuple[int, int]]
"""The links (source i, target j) of one sentence pair."""

_LINK = re.compile(r"(\d+)-(\d+)")


def parse_pharaoh(line: str, path: str | os.PathLike | None = None, line_no: int | None = None) -> Alignment:
    """Links of one line, in the order written; a malformed link is an InputError at path:line_no."""
    links = []
    for item in line.split():
        match = _LINK.fullmatch(item)
        if match is None:
            raise InputError(f"malformed alignment link '{item}' (expected i-j with 0-based integers)", path, line_no)
        links.append((int(match.group(1)), int(match.group(2))))
    return links


def format_pharaoh(links: Iterable[tuple[int, int]]) -> str:
    """`i-j i-j ...` (no newline), links in the given order."""
    return " ".join(f"{i}-{j}" for i, j in links)


def read_pharaoh(path: str | os.PathLike, lengths: Sequence[tuple[int, int]] | None = None) -> list[Alignment]:
    """Every line of a Pharaoh file. With `lengths` ((source, target) length of each pair) the line
    count and every link's positions are checked against them; errors name the file and line."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e.reason})", path) from None
    if lines and lines[-1] == "":
        lines.pop()
    alignments = [parse_pharaoh(line, path, n) for n, line in enumerate(lines, start=1)]
    if lengths is not None:
        if len(alignments) != len(lengths):
            raise InputError(f"{len(alignments)} lines, but the corpus has {len(lengths)} sentence pairs", path)
        for n, (links, (src_len, tgt_len)) in enumerate(zip(alignments, lengths), start=1):
            for i, j in links:
                if i >= src_len or j >= tgt_len:
                    raise InputError(f"link {i}-{j} outside a pair of {src_len} source and {tgt_len} target tokens",
                                     path, n)
    return alignments


def write_pharaoh(path: str | os.PathLike, alignments: Iterable[Iterable[tuple[int, int]]]) -> None:
    """One line per sentence pair, written atomically."""
    with atomic_write(path) as f:
        for links in alignments:
            f.write(format_pharaoh(links) + "\n")
