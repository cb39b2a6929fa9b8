"""A tokenized parallel corpus as integer arrays: one vocabulary per side, sentences as (ids, offsets)."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.text.parallel import read_parallel_text


@dataclass(frozen=True)
class Sentences:
    """Token ids of all sentences of one side, concatenated.

    ids: (N,) int32; offsets: (S + 1,) int64, sentence s is ids[offsets[s]:offsets[s + 1]].
    """

    ids: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @property
    def lengths(self) -> np.ndarray:
        """(S,) int64 number of tokens of each sentence."""
        return np.diff(self.offsets)


@dataclass(frozen=True)
class Bitext:
    """Both sides of a parallel corpus, pair s being sentence s of `src` and of `tgt`; none empty."""

    src: Sentences
    tgt: Sentences
    src_vocab: list[str]
    tgt_vocab: list[str]

    def __len__(self) -> int:
        return len(self.src)


def encode_side(sentences: Sequence[Sequence[str]]) -> tuple[Sentences, list[str]]:
    """Integerise token sequences; ids are given in order of first appearance."""
    index: dict[str, int] = {}
    ids: list[int] = []
    offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
    for s, tokens in enumerate(sentences):
        for tok in tokens:
            ids.append(index.setdefault(tok, len(index)))
        offsets[s + 1] = len(ids)
    return Sentences(np.asarray(ids, dtype=np.int32), offsets), list(index)


def make_bitext(src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]]) -> Bitext:
    """A Bitext from token lists (pair s is src[s], tgt[s]); both sides must have the same number of
    sentences and no empty sentence (ValueError otherwise: `read_bitext` reports files and lines)."""
    if len(src) != len(tgt):
        raise ValueError(f"{len(src)} source sentences but {len(tgt)} target sentences")
    for s, (a, b) in enumerate(zip(src, tgt)):
        if not a or not b:
            raise ValueError(f"sentence pair {s} has an empty side")
    src_s, src_vocab = encode_side(src)
    tgt_s, tgt_vocab = encode_side(tgt)
    return Bitext(src_s, tgt_s, src_vocab, tgt_vocab)


def read_bitext(src_path: str | os.PathLike, tgt_path: str | os.PathLike) -> Bitext:
    """Two token files (one sentence per line, tokens separated by spaces), line n of one the
    translation of line n of the other. Different line counts and empty lines are InputErrors naming
    the file (and line): alignments and fertilities must stay line-parallel with the corpus, so
    nothing is skipped."""
    src_lines, tgt_lines = read_parallel_text(src_path, tgt_path)
    return make_bitext([line.split() for line in src_lines], [line.split() for line in tgt_lines])
