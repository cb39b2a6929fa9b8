"""The words a lexicon must cover, gathered from transcripts and word lists, each with where it was first seen."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable

from toolkit.errors import InputError
from toolkit.io.table import iter_table, resolve_rxfilename


@dataclass
class WordOrigin:
    """First file and line a word was seen on, and how many times it was seen in all."""

    path: str
    line: int
    count: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def read_vocabulary(
    texts: Iterable[str | os.PathLike] = (), word_lists: Iterable[str | os.PathLike] = ()
) -> dict[str, WordOrigin]:
    """Words of Kaldi `text` files (utterance id, then words) and of word lists (one word a line).

    Returns {word: origin} in order of first appearance. Blank lines of a word list are
    skipped; a word-list line with more than one field is an InputError naming file and line.
    """
    vocab: dict[str, WordOrigin] = {}

    def add(word: str, path: str, line: int) -> None:
        if word in vocab:
            vocab[word].count += 1
        else:
            vocab[word] = WordOrigin(path, line)

    for text in texts:
        name = resolve_rxfilename(text)
        for entry in iter_table(text):
            for word in entry.value.split():
                add(word, name, entry.line)
    for word_list in word_lists:
        name = resolve_rxfilename(word_list)
        for entry in iter_table(word_list):
            if entry.value:
                raise InputError(f"expected one word per line, got '{entry.key} {entry.value}'", name, entry.line)
            if entry.key:
                add(entry.key, name, entry.line)
    return vocab
