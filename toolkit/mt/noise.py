"""The input noise of denoising auto-encoding (Lample et al. 2017, section 2.3).

A sentence of SentencePiece ids is first cut into words (a piece that starts with the
word-boundary mark "▁" starts a word; pieces of one word stay together), then:
- each word is dropped with probability `drop_prob` (p_wd = 0.1 in the paper; a sentence never
  loses all its words: if every word was drawn, one drawn at random is kept);
- the words are shuffled locally by a permutation sigma with |sigma(i) - i| <= k: word i gets
  the key i + U(0, k + 1) and the words are sorted by key (k = 3 in the paper, alpha = 4), so
  a word can move past at most k others.
"""
from __future__ import annotations

import torch

WORD_START = "\u2581"


def word_starts(pieces: list[str]) -> torch.Tensor:
    """(V,) bool over a vocabulary's pieces (index = id): True where the piece starts a word.

    Control and unknown pieces (e.g. "<unk>") start a word too: they stand for whole runs.
    """
    return torch.tensor([p.startswith(WORD_START) or (p.startswith("<") and p.endswith(">")) for p in pieces])


def split_words(ids: list[int], starts: torch.Tensor) -> list[list[int]]:
    """`ids` cut into words: a new word at every id whose piece starts a word (and at ids[0])."""
    words: list[list[int]] = []
    for i in ids:
        if not words or bool(starts[i]):
            words.append([i])
        else:
            words[-1].append(i)
    return words


def local_permutation(n: int, k: int, generator: torch.Generator | None = None) -> list[int]:
    """A random order of range(n) in which no element moves more than k places (k = 0: identity)."""
    if k < 0:
        raise ValueError(f"k must be at least 0, got {k}")
    keys = torch.arange(n, dtype=torch.float64) + torch.rand(n, generator=generator, dtype=torch.float64) * (k + 1)
    return torch.argsort(keys, stable=True).tolist()


def add_noise(ids: list[int], starts: torch.Tensor, drop_prob: float = 0.1, shuffle_k: int = 3,
              generator: torch.Generator | None = None) -> list[int]:
    """`ids` with words dropped (probability drop_prob each) and shuffled locally (by at most shuffle_k places)."""
    words = split_words(ids, starts)
    if not words:
        return []
    if drop_prob > 0:
        keep = torch.rand(len(words), generator=generator) >= drop_prob
        if not keep.any():
            keep[torch.randint(len(words), (1,), generator=generator)] = True
        words = [w for w, k in zip(words, keep.tolist()) if k]
    order = local_permutation(len(words), shuffle_k, generator)
    return [i for j in order for i in words[j]]
