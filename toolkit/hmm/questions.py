"""Questions for decision-tree building: sets of phones asked of each context position, sets of pdf classes.

Phone questions are, as Kaldi's cluster-phones + compile-questions make them, the nodes of a
binary tree of phone sets obtained by top-down clustering of the phone sets (lang
phones/sets.int) by the Gaussian statistics of their central pdf classes, plus the lang's
extra_questions (silence/non-silence, word-position sets). Every phone question is asked
of the left, central and right phone. Pdf-class questions ("is the HMM state's pdf class in
{0..k-1}?" and "is it k?") let one tree serve all the states of the phones of a shared root.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.hmm.tree_stats import TreeStats, gaussian_objective
from toolkit.lang.topology import Topology


@dataclass
class Questions:
    """`phone_sets`: questions about any phone position; `pdf_class_sets`: questions about the pdf class."""

    phone_sets: list[list[int]]
    pdf_class_sets: list[list[int]]


def _unique_sets(sets: Sequence[Sequence[int]]) -> list[list[int]]:
    seen, out = set(), []
    for s in sets:
        key = tuple(sorted({int(p) for p in s}))
        if key and key not in seen:
            seen.add(key)
            out.append(list(key))
    return out


def _two_means(counts: np.ndarray, sums: np.ndarray, sumsq: np.ndarray, var_floor: float) -> np.ndarray:
    """Boolean (n,) split of n >= 2 points into two non-empty clusters, locally maximising the Gaussian objective."""
    n = len(counts)

    def merge_loss(i: np.ndarray, j: int) -> np.ndarray:
        own = gaussian_objective(counts[i], sums[i], sumsq[i], var_floor) + gaussian_objective(counts[j], sums[j], sumsq[j], var_floor)
        return own - gaussian_objective(counts[i] + counts[j], sums[i] + sums[j], sumsq[i] + sumsq[j], var_floor)

    idx = np.arange(n)
    a = int(np.argmax(counts))
    b = int(np.argmax(np.where(idx == a, -np.inf, merge_loss(idx, a))))
    in_b = merge_loss(idx, b) < merge_loss(idx, a)
    in_b[a], in_b[b] = False, True
    for _ in range(50):
        moved = False
        for p in range(n):
            src = in_b == in_b[p]
            if src.sum() == 1:
                continue
            dst = ~src
            c0, s0, q0 = counts[src].sum(), sums[src].sum(0), sumsq[src].sum(0)
            c1, s1, q1 = counts[dst].sum(), sums[dst].sum(0), sumsq[dst].sum(0)
            before = gaussian_objective(c0, s0, q0, var_floor) + gaussian_objective(c1, s1, q1, var_floor)
            after = (gaussian_objective(c0 - counts[p], s0 - sums[p], q0 - sumsq[p], var_floor)
                     + gaussian_objective(c1 + counts[p], s1 + sums[p], q1 + sumsq[p], var_floor))
            if after > before + 1e-9 * abs(before):
                in_b[p] = not in_b[p]
                moved = True
        if not moved:
            break
    return in_b


def cluster_phones(stats: TreeStats, phone_sets: Sequence[Sequence[int]], pdf_classes: Sequence[int] = (1,),
                   var_floor: float = 0.01) -> list[list[int]]:
    """The phone sets of every node of a binary tree clustering `phone_sets` top-down (Kaldi's cluster-phones).

    Each set is described by the summed statistics of the keys whose central phone is in it
    and whose pdf class is in `pdf_classes`. Sets without statistics are not clustered; each
    becomes a question of its own. Returns unions of sets, the root (all seen sets) first.
    """
    sel = np.isin(stats.keys[:, 3], list(pdf_classes))
    phone_of_set = {}
    for i, s in enumerate(phone_sets):
        for p in s:
            phone_of_set[int(p)] = i
    n_sets = len(phone_sets)
    set_idx = np.array([phone_of_set.get(int(p), -1) for p in stats.keys[sel, 1]], dtype=np.int64)
    ok = set_idx >= 0
    counts = np.bincount(set_idx[ok], weights=stats.counts[sel][ok], minlength=n_sets)
    sums = np.zeros((n_sets, stats.dim))
    sumsq = np.zeros((n_sets, stats.dim))
    np.add.at(sums, set_idx[ok], stats.sums[sel][ok])
    np.add.at(sumsq, set_idx[ok], stats.sumsq[sel][ok])

    seen = np.flatnonzero(counts > 0)
    nodes: list[np.ndarray] = [seen] if len(seen) else []
    todo = list(nodes)
    while todo:
        members = todo.pop(0)
        if len(members) < 2:
            continue
        in_b = _two_means(counts[members], sums[members], sumsq[members], var_floor)
        for part in (members[~in_b], members[in_b]):
            nodes.append(part)
            todo.append(part)
    unseen = [[i] for i in np.flatnonzero(counts <= 0)]
    return [sorted(p for i in node for p in phone_sets[i]) for node in [*nodes, *unseen]]


def pdf_class_questions(topology: Topology) -> list[list[int]]:
    """{0..k-1} and {k} for every k below the largest number of pdf classes of a phone."""
    top = max(topology.num_pdf_classes(p) for p in topology.phones)
    return _unique_sets([list(range(k)) for k in range(1, top)] + [[k] for k in range(top)])


def make_questions(stats: TreeStats, topology: Topology, phone_sets: Sequence[Sequence[int]],
                   extra_questions: Sequence[Sequence[int]] = (), *, auto: bool = True,
                   pdf_classes: Sequence[int] = (1,), var_floor: float = 0.01) -> Questions:
    """Questions for `build_tree`: clustered phone sets (if `auto`, else `phone_sets` themselves) + extra questions."""
    known = set(topology.phones)
    for q in extra_questions:
        bad = [p for p in q if p not in known]
        if bad:
            raise ToolkitError(f"extra question {list(q)} has phones {bad} without a topology entry")
    base = cluster_phones(stats, phone_sets, pdf_classes, var_floor) if auto else [list(s) for s in phone_sets]
    return Questions(_unique_sets([*base, *extra_questions]), pdf_class_questions(topology))
