"""Held-out sets chosen by group (a help page), so that no group is split between dev, test and the rest.

Groups are visited in the order of a salted SHA-1 of their name: a fixed, pseudo-random
order that does not depend on the order of the input, the platform or Python's hash seed.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from toolkit.text.cleaning import PairFilter, overlap_key, reject_reason, remove_overlap

T = TypeVar("T")


def group_order(groups: set[str] | Sequence[str], salt: str = "") -> list[str]:
    """`groups` sorted by SHA-1 of `salt + name` (ties by name)."""
    return sorted(set(groups), key=lambda g: (hashlib.sha1((salt + g).encode("utf-8")).hexdigest(), g))


def split_by_group(items: Sequence[T], group_of: Callable[[T], str], sizes: Sequence[int],
                   salt: str = "") -> list[list[T]]:
    """len(sizes) + 1 lists: whole groups, taken in group_order, fill split k until it has at least sizes[k] items;
    the last list holds the groups left over. Items keep their input order inside each split.
    """
    by_group: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_group.setdefault(group_of(item), []).append(i)
    chosen: list[list[int]] = [[] for _ in range(len(sizes) + 1)]
    k = 0
    for group in group_order(by_group, salt):
        while k < len(sizes) and len(chosen[k]) >= sizes[k]:
            k += 1
        chosen[k].extend(by_group[group])
    return [[items[i] for i in sorted(indices)] for indices in chosen]


def page_of(origin: str) -> str:
    """The group of a help pair's origin `NAME:PAGE#ID`: `NAME:PAGE`."""
    return origin.rsplit("#", 1)[0]


def select_heldout(pairs: Sequence[tuple[str, str, str]], sizes: Sequence[int], rules: PairFilter,
                   salt: str = "") -> tuple[list[list[tuple[str, str, str]]], Counter]:
    """Held-out sets (e.g. dev, test) of about `sizes` pairs each, whole pages each, from (src, tgt, origin) pairs.

    Pairs that fail `rules` are dropped, then every repeat of a source text (the help
    repeats sentences such as "Choose Format - Cells" on many pages: only the first stays,
    so that no set is weighted by boilerplate), then pages are split with split_by_group.
    A pair of a later set whose source or target is in an earlier set is removed, so the
    sets share no text. Returns the sets (without the left-over pages) and drop counts.
    """
    counts: Counter = Counter()
    seen: set[str] = set()
    candidates = []
    for src, tgt, origin in pairs:
        reason = reject_reason(src, tgt, rules)
        if reason is not None:
            counts[reason] += 1
        elif overlap_key(src) in seen:
            counts["repeated_source"] += 1
        else:
            seen.add(overlap_key(src))
            candidates.append((src, tgt, origin))
    splits = split_by_group(candidates, lambda p: page_of(p[2]), sizes, salt)[:len(sizes)]
    sets: list[list[tuple[str, str, str]]] = []
    for chosen in splits:
        earlier_src = [p[0] for s in sets for p in s]
        earlier_tgt = [p[1] for s in sets for p in s]
        kept = list(remove_overlap(chosen, earlier_src, earlier_tgt))
        counts["overlap_with_earlier_set"] += len(chosen) - len(kept)
        sets.append(kept)
    return sets, counts
