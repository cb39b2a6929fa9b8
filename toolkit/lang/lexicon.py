"""Pronunciation lexicons: Kaldi's lexicon.txt (`word p1 p2 ...`) and lexiconp.txt (`word prob p1 p2 ...`)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write

# Symbols that words.txt reserves for itself; a lexicon word may not take them.
RESERVED_WORDS = ("<eps>", "<s>", "</s>")
_DISAMBIG = re.compile(r"^#[0-9]+$")


@dataclass(frozen=True)
class LexiconEntry:
    """One pronunciation of a word; `prob` is the pronunciation probability, 0 < prob <= 1."""

    word: str
    phones: tuple[str, ...]
    prob: float = 1.0


def word_problem(word: str) -> str | None:
    """Why `word` cannot be a lexicon word (a reserved or disambiguation symbol), or None."""
    if word in RESERVED_WORDS:
        return f"'{word}' is reserved for words.txt and cannot be a word"
    if _DISAMBIG.match(word):
        return f"'{word}' looks like a disambiguation symbol and cannot be a word"
    return None


def is_disambig_symbol(symbol: str) -> bool:
    """True for #0, #1, ...: the disambiguation symbols of phones.txt and words.txt."""
    return bool(_DISAMBIG.match(symbol))


def read_lexicon(path: str | os.PathLike, with_probs: bool = False) -> list[LexiconEntry]:
    """Read lexicon.txt (or lexiconp.txt if `with_probs`), in file order.

    Raises InputError naming file and line for: a line without a pronunciation, a bad or
    out-of-range probability, a reserved word, or the same pronunciation of a word twice.
    """
    name = os.fspath(path)
    entries: list[LexiconEntry] = []
    first_line: dict[tuple[str, tuple[str, ...]], int] = {}
    try:
        f = open(name, encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    with f:
        for n, line in enumerate(f, start=1):
            fields = line.split()
            if not fields:
                raise InputError("blank line", name, n)
            word, rest = fields[0], fields[1:]
            problem = word_problem(word)
            if problem:
                raise InputError(problem, name, n)
            prob = 1.0
            if with_probs:
                if not rest:
                    raise InputError(f"'{word}' has no pronunciation probability", name, n)
                try:
                    prob = float(rest[0])
                except ValueError:
                    raise InputError(
                        f"pronunciation probability of '{word}' is not a number: {rest[0]!r}", name, n
                    ) from None
                if not 0.0 < prob <= 1.0:
                    raise InputError(f"pronunciation probability of '{word}' must be in (0, 1], got {rest[0]}", name, n)
                rest = rest[1:]
            if not rest:
                raise InputError(f"'{word}' has an empty pronunciation", name, n)
            key = (word, tuple(rest))
            if key in first_line:
                raise InputError(
                    f"pronunciation '{' '.join(rest)}' of '{word}' repeated (first on line {first_line[key]})", name, n
                )
            first_line[key] = n
            entries.append(LexiconEntry(word, tuple(rest), prob))
    if not entries:
        raise InputError("lexicon is empty", name)
    return entries


def write_lexicon(path: str | os.PathLike, entries: Iterable[LexiconEntry], with_probs: bool = False) -> None:
    """Write lexicon.txt (or lexiconp.txt if `with_probs`) atomically, in the order given."""
    with atomic_write(path) as f:
        for e in entries:
            prob = f" {e.prob!r}" if with_probs else ""
            f.write(f"{e.word}{prob} {' '.join(e.phones)}\n")
