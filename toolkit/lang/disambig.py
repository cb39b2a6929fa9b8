"""Disambiguation symbols (#1, #2, ...) for a lexicon, as Kaldi's utils/add_lex_disambig.pl adds them.

A pronunciation gets a symbol when it is shared by several entries (homophones) or is a
proper prefix of another pronunciation; the entries sharing a pronunciation get #1, #2, ...
in lexicon order. Afterwards no pronunciation is a prefix of another or repeated, which
makes L o G determinizable.
"""
from __future__ import annotations

from collections import Counter
from typing import Sequence


def add_disambig_symbols(prons: Sequence[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], int]:
    """Return the pronunciations with '#k' appended where needed, and the highest k used (0 if none).

    Pronunciations must be non-empty.
    """
    if any(not p for p in prons):
        raise ValueError("empty pronunciations cannot be disambiguated")
    count = Counter(prons)
    proper_prefixes = {pron[:n] for pron in prons for n in range(1, len(pron))}
    last_used: dict[tuple[str, ...], int] = {}
    max_used = 0
    out = []
    for pron in prons:
        if count[pron] == 1 and pron not in proper_prefixes:
            out.append(pron)
            continue
        k = last_used.get(pron, 0) + 1
        last_used[pron] = k
        max_used = max(max_used, k)
        out.append(pron + (f"#{k}",))
    return out, max_used


def disambig_symbols(highest: int) -> list[str]:
    """#0 .. #highest: #0 passes G's back-off arcs through L; the others come from the lexicon."""
    return [f"#{k}" for k in range(highest + 1)]
