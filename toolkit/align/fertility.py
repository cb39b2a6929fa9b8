"""Fertilities of source tokens from a word alignment, as the non-autoregressive Transformer needs them.

Gu et al. (2017) take the fertility of source token i to be the number of target tokens aligned
to it in the target-to-source alignment, where every target token has one source token. Here every
target token j gets exactly one source position, so fertilities always sum to the target length:

1. j with links: the linked source position nearest the diagonal point (j + 1/2) n/m - 1/2
   (ties: the smaller position). A directional (fast_align forward) alignment has at most one.
2. j without links (NULL-aligned): the position given to the nearest target token that has links,
   the left one on ties: with subword tokens an unaligned piece most often continues the word
   of the piece before it.
3. no target token has links: every j takes the diagonal position floor((j + 1/2) n / m).
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def target_positions(links: Iterable[tuple[int, int]], src_len: int, tgt_len: int) -> np.ndarray:
    """The source position chosen for each target token by rules 1-3: (tgt_len,) int64."""
    if src_len < 1 or tgt_len < 1:
        raise ValueError(f"both sides need a token (source {src_len}, target {tgt_len})")
    choice = np.full(tgt_len, -1, dtype=np.int64)
    distance = np.full(tgt_len, np.inf)
    for i, j in links:
        if not (0 <= i < src_len and 0 <= j < tgt_len):
            raise ValueError(f"link {i}-{j} outside a pair of {src_len} source and {tgt_len} target tokens")
        d = abs(i - ((j + 0.5) * src_len / tgt_len - 0.5))
        if d < distance[j] or (d == distance[j] and i < choice[j]):
            choice[j], distance[j] = i, d
    return fill_unaligned(choice, src_len)


def fill_unaligned(choice: np.ndarray, src_len: int) -> np.ndarray:
    """Rules 2-3: choice (m,) source positions with -1 for unaligned target tokens -> (m,) int64 with none."""
    choice = np.asarray(choice, dtype=np.int64)
    m = len(choice)
    pos = np.arange(m)
    aligned = choice >= 0
    if not aligned.any():
        return np.minimum(((pos + 0.5) * src_len / m).astype(np.int64), src_len - 1)
    left = np.maximum.accumulate(np.where(aligned, pos, -1))
    right = np.minimum.accumulate(np.where(aligned, pos, m)[::-1])[::-1]
    use_left = (left >= 0) & ((right >= m) | (pos - left <= right - pos))
    source_of = np.where(use_left, left, np.minimum(right, m - 1))
    return choice[source_of]


def fertilities(links: Iterable[tuple[int, int]], src_len: int, tgt_len: int) -> np.ndarray:
    """(src_len,) int64 fertilities, summing to tgt_len. Hand case: links {0-0, 0-1, 2-2} with
    3 source and 3 target tokens give [2, 0, 1]."""
    return np.bincount(target_positions(links, src_len, tgt_len), minlength=src_len)


def fertilities_from_directional(positions: np.ndarray, src_len: int) -> np.ndarray:
    """Fertilities from a target-to-source Viterbi alignment: positions (m,) source position of each
    target token, -1 for NULL -> (src_len,) int64 summing to m."""
    return np.bincount(fill_unaligned(positions, src_len), minlength=src_len)
