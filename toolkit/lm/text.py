"""Language-model text: one sentence per line, plain or as a Kaldi `text` file (utterance id first)."""
from __future__ import annotations

import os
from typing import NamedTuple

from toolkit.errors import InputError
from toolkit.io.table import iter_table, resolve_rxfilename
from toolkit.lm.arpa import BOS, EOS


class Sentence(NamedTuple):
    """One non-empty line: its words, the utterance id (None for plain text) and line number."""

    words: list[str]
    key: str | None
    line: int


def read_sentences(path: str | os.PathLike, has_keys: bool = False) -> list[Sentence]:
    """Read the non-empty sentences of a text file ('-' is stdin; `ark:`/`ark,t:` accepted).

    With `has_keys` the first field of each line is an utterance id, not a word. Lines
    without words are skipped. Raises InputError naming file and line for a `<s>` or `</s>`
    in the text: the model adds those itself.
    """
    name = resolve_rxfilename(path)
    out = []
    for entry in iter_table(path):
        if not entry.key:
            continue
        words = entry.value.split() if has_keys else [entry.key, *entry.value.split()]
        if BOS in words or EOS in words:
            raise InputError(f"the text contains {BOS} or {EOS}; sentence boundaries are added by the model", name, entry.line)
        if words:
            out.append(Sentence(words, entry.key if has_keys else None, entry.line))
    return out
