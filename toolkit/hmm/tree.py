"""Phonetic decision trees (Kaldi's build-tree) and the context dependency they define (N=3, P=1).

`build_tree` grows one tree per root of lang/phones/roots.txt: a `shared` root starts as one
leaf for all pdf classes of its phones (the pdf-class questions can then split them), a
`not-shared` root as one leaf per pdf class; a `not-split` root is never split. Leaves are
split greedily, best likelihood gain first over all trees, by yes/no questions about the
left, central or right phone or the pdf class (toolkit/hmm/questions.py), the gain being the
increase of the log-likelihood of the data under one diagonal Gaussian per leaf. Splitting
stops at `max_leaves` leaves, or when no split gains `thresh` or more with `min_count`
frames on each side; the context of a context-independent phone (NO_CONTEXT in the
statistics) is never asked about. Then, within each root (or root x pdf class when not shared), leaves
are merged bottom-up while the cheapest merge loses no more than `cluster_thresh` (by
default the smallest gain of any split made). Each merged cluster is one pdf.

Every question is a set membership test, so every window of phones, including phone 0
(utterance edge) and contexts never seen in training, reaches exactly one leaf.

Arrays (`to_arrays`, kind "tree"): `roots` (num_phones + 1, C) int32 root node per
(central phone, pdf class), -1 where the topology has none; `node_key` (M,) int32: 0, 1, 2 =
ask about window[key], 3 = ask about the pdf class, -1 = leaf; `node_question`, `node_yes`,
`node_no`, `node_pdf` (M,) int32 (-1 where not applicable); `question_sets` (Q, V) bool,
row q is the set of values for which question q answers yes.
"""
from __future__ import annotations

import heapq
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.hmm.context import ContextDependency
from toolkit.hmm.questions import Questions
from toolkit.hmm.tree_stats import (
    CENTRAL_POSITION,
    CONTEXT_WIDTH,
    NO_CONTEXT,
    TreeStats,
    gaussian_objective,
)
from toolkit.io.npz import load_npz, save_npz
from toolkit.lang.topology import Topology
from toolkit.log import get_logger

log = get_logger(__name__)

PDF_CLASS_KEY = 3
LEAF = -1
TREE_FORMAT = "toolkit-tree"


class TreeContext(ContextDependency):
    """A decision tree mapping (left, phone, right) and a pdf class to a pdf; see the module docstring."""

    kind = "tree"

    def __init__(self, roots: np.ndarray, node_key: np.ndarray, node_question: np.ndarray, node_yes: np.ndarray,
                 node_no: np.ndarray, node_pdf: np.ndarray, question_sets: np.ndarray):
        self.roots = np.asarray(roots, dtype=np.int32)
        self.node_key = np.asarray(node_key, dtype=np.int32)
        self.node_question = np.asarray(node_question, dtype=np.int32)
        self.node_yes = np.asarray(node_yes, dtype=np.int32)
        self.node_no = np.asarray(node_no, dtype=np.int32)
        self.node_pdf = np.asarray(node_pdf, dtype=np.int32)
        self.question_sets = np.asarray(question_sets, dtype=bool)
        m = len(self.node_key)
        if self.roots.ndim != 2 or self.question_sets.ndim != 2 or any(
                a.shape != (m,) for a in (self.node_question, self.node_yes, self.node_no, self.node_pdf)):
            raise ToolkitError("tree: arrays have inconsistent shapes")
        leaf = self.node_key == LEAF
        inner = ~leaf
        if (self.roots >= m).any() or (self.node_key < LEAF).any() or (self.node_key > PDF_CLASS_KEY).any():
            raise ToolkitError("tree: root or key out of range")
        if inner.any() and (
                (self.node_question[inner] < 0).any() or (self.node_question[inner] >= len(self.question_sets)).any()
                or (self.node_yes[inner] <= np.flatnonzero(inner)).any() or (self.node_no[inner] <= np.flatnonzero(inner)).any()
                or (self.node_yes[inner] >= m).any() or (self.node_no[inner] >= m).any()):
            # Children after their parent: no cycles, so every lookup ends at a leaf.
            raise ToolkitError("tree: malformed internal nodes")
        pdfs = self.node_pdf[leaf]
        if (pdfs < 0).any():
            raise ToolkitError("tree: a leaf has no pdf")
        self._num_pdfs = int(pdfs.max()) + 1 if pdfs.size else 0
        if pdfs.size and len(np.unique(pdfs)) != self._num_pdfs:
            raise ToolkitError("tree: pdf ids are not 0 .. num_pdfs-1 without gaps")
        self._possible: dict[tuple[int, int], list[int]] = {}

    @property
    def context_width(self) -> int:
        return CONTEXT_WIDTH

    @property
    def central_position(self) -> int:
        return CENTRAL_POSITION

    @property
    def num_pdfs(self) -> int:
        return self._num_pdfs

    @property
    def phones(self) -> list[int]:
        """The phones the tree has a root for (those of the lang directory it was built for)."""
        return np.flatnonzero((self.roots >= 0).any(1)).tolist()

    def _root(self, phone: int, pdf_class: int) -> int:
        if 0 <= phone < self.roots.shape[0] and 0 <= pdf_class < self.roots.shape[1]:
            root = int(self.roots[phone, pdf_class])
            if root >= 0:
                return root
        raise ToolkitError(f"tree: no pdf for phone {phone}, pdf class {pdf_class}")

    def _yes(self, node: int, value: int) -> bool:
        row = self.question_sets[self.node_question[node]]
        return 0 <= value < len(row) and bool(row[value])

    def pdf(self, window: Sequence[int], pdf_class: int) -> int:
        if len(window) != CONTEXT_WIDTH:
            raise ToolkitError(f"tree: expected a window of {CONTEXT_WIDTH} phones, got {list(window)}")
        node = self._root(int(window[CENTRAL_POSITION]), pdf_class)
        while (key := self.node_key[node]) != LEAF:
            value = pdf_class if key == PDF_CLASS_KEY else int(window[key])
            node = self.node_yes[node] if self._yes(node, value) else self.node_no[node]
        return int(self.node_pdf[node])

    def possible_pdfs(self, phone: int, pdf_class: int) -> list[int]:
        cached = self._possible.get((phone, pdf_class))
        if cached is None:
            found, todo = set(), [self._root(phone, pdf_class)]
            while todo:
                node = todo.pop()
                key = self.node_key[node]
                if key == LEAF:
                    found.add(int(self.node_pdf[node]))
                elif key in (CENTRAL_POSITION, PDF_CLASS_KEY):
                    value = phone if key == CENTRAL_POSITION else pdf_class
                    todo.append(self.node_yes[node] if self._yes(node, value) else self.node_no[node])
                else:
                    todo += [self.node_yes[node], self.node_no[node]]
            cached = self._possible[(phone, pdf_class)] = sorted(found)
        return list(cached)

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"roots": self.roots.copy(), "node_key": self.node_key.copy(), "node_question": self.node_question.copy(),
                "node_yes": self.node_yes.copy(), "node_no": self.node_no.copy(), "node_pdf": self.node_pdf.copy(),
                "question_sets": self.question_sets.copy()}

    @classmethod
    def _from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> TreeContext:
        return cls(*(np.asarray(arrays[k]) for k in
                     ("roots", "node_key", "node_question", "node_yes", "node_no", "node_pdf", "question_sets")))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TreeContext) and all(
            np.array_equal(a, b) for a, b in zip(self._arrays().values(), other._arrays().values()))


def save_tree(path: str | os.PathLike, tree: TreeContext) -> None:
    """Write the tree alone (Kaldi's `tree` file) as an uncompressed `.npz`, atomically."""
    save_npz(path, TREE_FORMAT, tree.to_arrays())


def load_tree(path: str | os.PathLike) -> TreeContext:
    """The tree `save_tree` wrote; InputError naming the file otherwise."""
    name = os.fspath(path)
    arrays = load_npz(name, TREE_FORMAT, "tree")
    try:
        tree = ContextDependency.from_arrays(arrays)
    except ToolkitError as e:
        raise InputError(str(e), name) from None
    if not isinstance(tree, TreeContext):
        raise InputError(f"not a decision tree (kind '{tree.kind}')", name)
    return tree


@dataclass
class TreeBuildInfo:
    """What building did: objective (total log-likelihood) of the roots, after splitting and after merging."""

    num_roots: int
    num_splits: int
    num_leaves_split: int
    num_leaves: int
    objf_roots: float
    objf_split: float
    objf_merged: float
    smallest_split: float
    cluster_thresh: float
    stop_reason: str


class _Builder:
    def __init__(self, stats: TreeStats, questions: Questions, min_count: float, var_floor: float):
        self.keys = stats.keys
        self.x = np.concatenate([stats.counts[:, None], stats.sums, stats.sumsq], axis=1)  # (K, 1 + 2D)
        self.dim = stats.dim
        self.min_count = min_count
        self.var_floor = var_floor
        nphone = len(questions.phone_sets)
        width = max([int(self.keys[:, :3].max()) + 1 if len(self.keys) else 1,
                     *(max(q) + 1 for q in questions.phone_sets), *(max(q) + 1 for q in questions.pdf_class_sets)])
        table = np.zeros((nphone + len(questions.pdf_class_sets), width), dtype=bool)
        for i, q in enumerate([*questions.phone_sets, *questions.pdf_class_sets]):
            table[i, q] = True
        self.table = table
        self.rows_of_key = {k: np.arange(nphone) for k in range(CONTEXT_WIDTH)}
        self.rows_of_key[PDF_CLASS_KEY] = np.arange(nphone, len(table))

    def objf(self, agg: np.ndarray) -> np.ndarray:
        d = self.dim
        return gaussian_objective(agg[..., 0], agg[..., 1:1 + d], agg[..., 1 + d:], self.var_floor)

    def best_split(self, items: np.ndarray, total: np.ndarray) -> tuple[float, int, int]:
        """(gain, key, question row) of the best allowed split of `items`; gain -inf if none."""
        best = (-np.inf, -1, -1)
        if len(items) < 2:
            return best
        parent = float(self.objf(total))
        for key, rows in self.rows_of_key.items():
            vals = self.keys[items, key]
            if vals.size and vals.min() < 0:
                continue  # a context-independent phone's context may not be asked about (NO_CONTEXT)
            order = np.argsort(vals, kind="stable")
            sv = vals[order]
            starts = np.concatenate([[0], np.flatnonzero(sv[1:] != sv[:-1]) + 1])
            if len(starts) < 2:
                continue
            agg = np.add.reduceat(self.x[items[order]], starts, axis=0)  # per distinct value
            yes = self.table[np.ix_(rows, sv[starts])].astype(np.float64) @ agg
            no = total - yes
            ok = (yes[:, 0] >= self.min_count) & (no[:, 0] >= self.min_count) & (yes[:, 0] > 0) & (no[:, 0] > 0)
            if not ok.any():
                continue
            gain = np.where(ok, self.objf(yes) + self.objf(no) - parent, -np.inf)
            i = int(np.argmax(gain))
            if gain[i] > best[0]:
                best = (float(gain[i]), key, int(rows[i]))
        return best


def _merge_leaves(aggs: list[np.ndarray], objf, thresh: float) -> tuple[list[int], float]:
    """Bottom-up clustering of leaves (aggregated stats rows) while the cheapest merge loses <= thresh.

    Returns the cluster index of each leaf (clusters numbered by their first leaf) and the total loss.
    """
    n = len(aggs)
    cluster = list(range(n))
    if n < 2:
        return cluster, 0.0
    agg = np.array(aggs)
    own = objf(agg)
    loss = own[:, None] + own[None, :] - objf(agg[:, None, :] + agg[None, :, :])
    alive = np.ones(n, dtype=bool)
    np.fill_diagonal(loss, np.inf)
    total_loss = 0.0
    while alive.sum() > 1:
        masked = np.where(alive[:, None] & alive[None, :], loss, np.inf)
        i, j = np.unravel_index(int(np.argmin(masked)), masked.shape)
        if masked[i, j] > thresh:
            break
        i, j = min(i, j), max(i, j)
        total_loss += float(masked[i, j])
        agg[i] += agg[j]
        own[i] = objf(agg[i])
        alive[j] = False
        cluster = [i if c == j else c for c in cluster]
        row = own[i] + own - objf(agg[i][None, :] + agg)
        loss[i, :] = row
        loss[:, i] = row
        loss[i, i] = np.inf
    firsts = {c: k for k, c in enumerate(sorted(set(cluster)))}
    return [firsts[c] for c in cluster], total_loss


def build_tree(stats: TreeStats, topology: Topology, roots: Sequence[tuple[str, str, Sequence[int]]],
               questions: Questions, *, max_leaves: int, thresh: float = 300.0, min_count: float = 100.0,
               cluster_thresh: float = -1.0, var_floor: float = 0.01) -> tuple[TreeContext, TreeBuildInfo]:
    """Grow, then merge, the decision trees of `roots` ((shared|not-shared, split|not-split, phones), as
    lang.roots) from `stats`; see the module docstring. `cluster_thresh` < 0: the smallest split gain.

    ToolkitError if the roots do not partition the topology's phones, or the statistics hold a phone
    outside them (statistics and lang directory do not belong together).
    """
    if max_leaves < 1:
        raise ToolkitError(f"the number of leaves must be positive, got {max_leaves}")
    owner: dict[int, int] = {}
    for r, (shared, split, phones) in enumerate(roots):
        if shared not in ("shared", "not-shared") or split not in ("split", "not-split"):
            raise ToolkitError(f"root {r + 1}: expected 'shared|not-shared split|not-split', got '{shared} {split}'")
        for p in phones:
            if p not in topology.phones:
                raise ToolkitError(f"root {r + 1}: phone {p} has no topology entry")
            if p in owner:
                raise ToolkitError(f"phone {p} is in roots {owner[p] + 1} and {r + 1}")
            owner[p] = r
    missing = sorted(set(topology.phones) - set(owner))
    if missing:
        raise ToolkitError(f"phones {missing} are in no root")
    stat_phones = set(np.unique(stats.keys[:, :3]).tolist()) - {0, NO_CONTEXT}
    foreign = sorted(stat_phones - set(owner))
    if foreign:
        raise ToolkitError(f"the statistics hold phones {foreign[:10]} that the lang directory does not have")
    classes_of = np.zeros(max(topology.phones) + 1, dtype=np.int64)
    classes_of[topology.phones] = [topology.num_pdf_classes(p) for p in topology.phones]
    bad = np.flatnonzero(stats.keys[:, 3] >= classes_of[stats.keys[:, 1]])
    if bad.size:
        k = stats.keys[bad[0]]
        raise ToolkitError(f"the statistics hold phone {k[1]} with pdf class {k[3]}, which the topology does not have")

    b = _Builder(stats, questions, min_count, var_floor)
    width = b.x.shape[1]
    num_classes = max(topology.num_pdf_classes(p) for p in topology.phones)
    root_table = np.full((max(topology.phones) + 1, num_classes), -1, dtype=np.int32)
    # Nodes during building: [key, question, yes, no, stub]; stub = index of the group merging is restricted to.
    nodes: list[list[int]] = []
    node_items: dict[int, np.ndarray] = {}
    node_total: dict[int, np.ndarray] = {}
    splittable: dict[int, bool] = {}
    root_of_item = np.array([owner[int(p)] for p in stats.keys[:, 1]], dtype=np.int64)
    stubs = 0
    for r, (shared, split, phones) in enumerate(roots):
        in_root = np.flatnonzero(root_of_item == r)
        classes = range(max(topology.num_pdf_classes(p) for p in phones))
        groups = [(list(classes), in_root)] if shared == "shared" else [
            ([c], in_root[stats.keys[in_root, 3] == c]) for c in classes]
        for cls_list, items in groups:
            node = len(nodes)
            nodes.append([LEAF, -1, -1, -1, stubs])
            stubs += 1
            node_items[node] = items
            node_total[node] = b.x[items].sum(0) if len(items) else np.zeros(width)
            splittable[node] = split == "split"
            for p in phones:
                for c in cls_list:
                    if c < topology.num_pdf_classes(p):
                        root_table[p, c] = node
            if node_total[node][0] <= 0:
                log.warning("root %d (phones %s, pdf classes %s) has no statistics", r + 1, list(phones), cls_list)

    objf_roots = float(sum(b.objf(t) for t in node_total.values()))
    heap = []

    def push(node: int) -> None:
        if splittable[node]:
            gain, key, q = b.best_split(node_items[node], node_total[node])
            if gain > -np.inf:
                heapq.heappush(heap, (-gain, node, key, q))

    for node in list(node_items):
        push(node)
    num_leaves, num_splits, smallest = len(node_items), 0, np.inf
    stop = "no split left with both sides >= min-count"
    while heap:
        if num_leaves >= max_leaves:
            stop = f"reached {max_leaves} leaves"
            break
        neg_gain, node, key, q = heapq.heappop(heap)
        if -neg_gain < thresh:
            stop = f"best split gain {-neg_gain:.2f} < thresh {thresh}"
            break
        items = node_items.pop(node)
        vals = b.keys[items, key]
        in_yes = b.table[q][np.minimum(vals, b.table.shape[1] - 1)] & (vals < b.table.shape[1])
        stub = nodes[node][4]
        children = []
        for part in (items[in_yes], items[~in_yes]):
            child = len(nodes)
            nodes.append([LEAF, -1, -1, -1, stub])
            node_items[child] = part
            node_total[child] = b.x[part].sum(0)
            splittable[child] = True
            children.append(child)
        nodes[node][:4] = [key, q, children[0], children[1]]
        del node_total[node]
        num_leaves += 1
        num_splits += 1
        smallest = min(smallest, -neg_gain)
        for child in children:
            push(child)
    objf_split = float(sum(b.objf(t) for t in node_total.values()))

    if cluster_thresh < 0:
        cluster_thresh = smallest if num_splits else 0.0
    leaves = sorted(node_items)
    leaf_pdf: dict[int, int] = {}
    next_pdf, merge_loss = 0, 0.0
    for stub in range(stubs):
        group = [leaf for leaf in leaves if nodes[leaf][4] == stub]
        clusters, loss = _merge_leaves([node_total[leaf] for leaf in group], b.objf, cluster_thresh)
        merge_loss += loss
        for leaf, c in zip(group, clusters):
            leaf_pdf[leaf] = next_pdf + c
        next_pdf += max(clusters) + 1

    arr = np.array(nodes, dtype=np.int32).reshape(-1, 5)
    node_pdf = np.full(len(nodes), -1, dtype=np.int32)
    for leaf, pdf in leaf_pdf.items():
        node_pdf[leaf] = pdf
    tree = TreeContext(root_table, arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], node_pdf, b.table)
    info = TreeBuildInfo(num_roots=stubs, num_splits=num_splits, num_leaves_split=num_leaves, num_leaves=next_pdf,
                         objf_roots=objf_roots, objf_split=objf_split, objf_merged=objf_split - merge_loss,
                         smallest_split=float(smallest) if num_splits else 0.0, cluster_thresh=float(cluster_thresh),
                         stop_reason=stop)
    return tree, info
