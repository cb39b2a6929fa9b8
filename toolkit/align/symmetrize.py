"""Symmetrisation of two directional alignments, as fast_align's `atools -c` defines it.

Both inputs and the output are sets of (source i, target j) links: `forward` from the model that
gives each target token one source token, `reverse` from the other (atools' -i and -j files).

- intersect, union: of the two link sets;
- grow-diag (Koehn et al. 2003, atools' formulation): start from the intersection; repeatedly
  sweep the union links not yet taken, in (i, j) order, adding a link when its source or its
  target token is still unaligned and one of its 8 neighbours (i±1, j±1, diagonals included) is
  already taken, until a sweep adds nothing;
- grow-diag-final: then add each forward link, then each reverse link, in (i, j) order, whose
  source or target token is still unaligned;
- grow-diag-final-and: the same, but only links whose source and target tokens are both unaligned.
"""
from __future__ import annotations

from collections.abc import Iterable

from toolkit.align.pharaoh import Alignment

HEURISTICS = ("intersect", "union", "grow-diag", "grow-diag-final", "grow-diag-final-and")
_NEIGHBOURS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def symmetrize(forward: Iterable[tuple[int, int]], reverse: Iterable[tuple[int, int]], heuristic: str) -> Alignment:
    """The symmetrised links, sorted by (i, j). `heuristic` is one of HEURISTICS."""
    a, b = set(forward), set(reverse)
    if heuristic == "intersect":
        return sorted(a & b)
    if heuristic == "union":
        return sorted(a | b)
    if heuristic not in HEURISTICS:
        raise ValueError(f"unknown symmetrization heuristic '{heuristic}' (expected one of: {', '.join(HEURISTICS)})")
    taken = a & b
    src_aligned = {i for i, _ in taken}
    tgt_aligned = {j for _, j in taken}

    def take(i: int, j: int) -> None:
        taken.add((i, j))
        src_aligned.add(i)
        tgt_aligned.add(j)

    candidates = sorted((a | b) - taken)
    while candidates:
        added = False
        remaining = []
        for i, j in candidates:
            if (i not in src_aligned or j not in tgt_aligned) and any(
                    (i + di, j + dj) in taken for di, dj in _NEIGHBOURS):
                take(i, j)
                added = True
            else:
                remaining.append((i, j))
        if not added:
            break
        candidates = remaining
    if heuristic != "grow-diag":
        both = heuristic == "grow-diag-final-and"
        for directional in (a, b):
            for i, j in sorted(directional - taken):
                src_free, tgt_free = i not in src_aligned, j not in tgt_aligned
                if (src_free and tgt_free) if both else (src_free or tgt_free):
                    take(i, j)
    return sorted(taken)
