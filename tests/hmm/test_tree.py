"""Decision trees on toy statistics: a hand-computed first split, total coverage of contexts, shared roots, merging, questions."""
import itertools
import math

import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.hmm.context import ContextDependency
from toolkit.hmm.questions import (
    Questions,
    cluster_phones,
    make_questions,
    pdf_class_questions,
)
from toolkit.hmm.transition_model import TransitionModel
from toolkit.hmm.tree import (
    TreeContext,
    _merge_leaves,
    build_tree,
    load_tree,
    save_tree,
)
from toolkit.hmm.tree_stats import TreeStats, gaussian_objective
from toolkit.lang.topology import Topology, left_to_right_entry, make_topology

LOG2PI1 = math.log(2 * math.pi) + 1


def stats_of(samples: dict) -> TreeStats:
    """TreeStats from {(left, phone, right, pdf class): list of 1-d values}."""
    keys = list(samples)
    x = [np.array(samples[k], dtype=np.float64)[:, None] for k in keys]
    return TreeStats.from_items(np.array(keys), np.array([len(v) for v in x], dtype=np.float64),
                                np.array([v.sum(0) for v in x]), np.array([(v * v).sum(0) for v in x]))


def grouped_objective(tree, stats, var_floor=0.01):
    """Objective of the stats pooled by the pdf the tree gives each key (independent of the builder)."""
    pdfs = np.array([tree.pdf(tuple(k[:3]), int(k[3])) for k in stats.keys])
    total = 0.0
    for p in np.unique(pdfs):
        m = pdfs == p
        total += float(gaussian_objective(stats.counts[m].sum(), stats.sums[m].sum(0), stats.sumsq[m].sum(0), var_floor))
    return total


def test_first_split_is_on_the_left_context_with_the_hand_computed_gain():
    topo = Topology([left_to_right_entry([1, 2, 3], 1)])
    # Phone 2: left context 1 -> values 4, 6; left context 3 -> -4, -6; the right context does not matter.
    stats = stats_of({(1, 2, 1, 0): [4, 6], (1, 2, 3, 0): [4, 6], (3, 2, 1, 0): [-4, -6], (3, 2, 3, 0): [-4, -6]})
    questions = Questions([[1], [3], [1, 3]], [[0]])
    tree, info = build_tree(stats, topo, [("shared", "split", [1]), ("shared", "split", [2]), ("shared", "split", [3])],
                            questions, max_leaves=4, thresh=0.0, min_count=1.0, cluster_thresh=0.0)
    # Parent: n=8, mean 0, var 26; children: n=4, mean +-5, var 1. Gain = 4 log 26.
    assert info.objf_roots == pytest.approx(-4 * (LOG2PI1 + math.log(26)))
    assert info.num_splits == 1 and info.smallest_split == pytest.approx(4 * math.log(26))
    assert info.objf_split == pytest.approx(-4 * LOG2PI1)
    root = tree.roots[2, 0]
    assert tree.node_key[root] == 0  # asked of the left phone
    yes_set = set(np.flatnonzero(tree.question_sets[tree.node_question[root]]))
    assert yes_set in ({1}, {3})
    assert tree.pdf((1, 2, 1), 0) == tree.pdf((1, 2, 3), 0) != tree.pdf((3, 2, 1), 0)
    # Unseen contexts (edge phone 0, unseen right phone 2) still reach a leaf.
    assert tree.pdf((0, 2, 0), 0) in (tree.pdf((1, 2, 1), 0), tree.pdf((3, 2, 1), 0))
    assert tree.pdf((1, 2, 2), 0) == tree.pdf((1, 2, 1), 0)
    assert tree.num_pdfs == 4  # phones 1 and 3 have one (data-less) leaf each


def random_stats(topo, phones, rng, dim=2, drop=0.3):
    """Stats over a random subset of all triphones; means depend on the left phone, the phone and the pdf class."""
    keys = []
    for l, p, r in itertools.product([0, *phones], phones, [0, *phones]):
        for c in range(topo.num_pdf_classes(p)):
            if rng.random() > drop:
                keys.append((l, p, r, c))
    keys = np.array(keys)
    counts = rng.integers(20, 200, size=len(keys)).astype(np.float64)
    mean = 2.0 * (keys[:, :1] % 3) + keys[:, 3:4] + 0.3 * keys[:, 1:2] + rng.normal(0, 0.1, size=(len(keys), dim))
    sums = counts[:, None] * mean
    sumsq = counts[:, None] * (mean ** 2 + 1.0)
    return TreeStats(keys, counts, sums, sumsq)


@pytest.fixture(scope="module")
def small_system():
    topo = make_topology([2, 3, 4, 5], [1], 3, 5)
    stats = random_stats(topo, [1, 2, 3, 4, 5], np.random.default_rng(0))
    roots = [("shared", "split", [1]), ("shared", "split", [2, 3]), ("shared", "split", [4]), ("not-shared", "split", [5])]
    questions = make_questions(stats, topo, [[1], [2, 3], [4], [5]], [[1], [2, 3, 4, 5]])
    tree, info = build_tree(stats, topo, roots, questions, max_leaves=30, thresh=5.0, min_count=50.0)
    return topo, stats, roots, tree, info


def test_every_context_window_maps_to_a_pdf_the_tree_declares_possible(small_system):
    topo, _, _, tree, _ = small_system
    reached = set()
    for window in itertools.product(range(6), repeat=3):
        if window[1] == 0:
            continue
        for c in range(topo.num_pdf_classes(window[1])):
            pdf = tree.pdf(window, c)
            assert 0 <= pdf < tree.num_pdfs
            assert pdf in tree.possible_pdfs(window[1], c)
            reached.add(pdf)
    assert reached == set(range(tree.num_pdfs))
    # Windows with phones beyond the tree's tables still map (as "not in any set").
    assert tree.pdf((77, 2, 77), 0) in tree.possible_pdfs(2, 0)
    with pytest.raises(ToolkitError, match="no pdf"):
        tree.pdf((0, 2, 0), 3)  # phone 2 has three pdf classes
    with pytest.raises(ToolkitError, match="window"):
        tree.pdf((2,), 0)
    TransitionModel.build(topo, tree)  # every (phone, state) has its pdfs


def test_build_objective_and_leaf_counts(small_system):
    _, stats, _, tree, info = small_system
    assert info.num_leaves == tree.num_pdfs <= info.num_leaves_split <= 30
    assert info.num_leaves_split == info.num_roots + info.num_splits
    assert info.objf_split - info.objf_roots >= info.num_splits * 5.0
    assert grouped_objective(tree, stats) == pytest.approx(info.objf_merged, rel=1e-9)
    assert info.objf_split - info.objf_merged <= (info.num_leaves_split - info.num_leaves) * info.cluster_thresh + 1e-6
    assert info.cluster_thresh == info.smallest_split


def test_shared_roots_keep_position_variants_in_one_tree(small_system):
    _, _, _, tree, _ = small_system
    for c in range(3):
        assert tree.roots[2, c] == tree.roots[3, c] == tree.roots[2, 0]  # shared: one root for phones and classes
        assert set(tree.possible_pdfs(2, c)) | set(tree.possible_pdfs(3, c)) <= {
            pdf for cc in range(3) for p in (2, 3) for pdf in tree.possible_pdfs(p, cc)}
    # Phones 2 and 3 draw from the same pdfs, none of which phone 4 (another root) can reach.
    pdfs23 = {pdf for p in (2, 3) for c in range(3) for pdf in tree.possible_pdfs(p, c)}
    pdfs4 = {pdf for c in range(3) for pdf in tree.possible_pdfs(4, c)}
    assert not pdfs23 & pdfs4
    # not-shared: phone 5 has one root per pdf class.
    assert len({int(tree.roots[5, c]) for c in range(3)}) == 3


def test_too_little_data_gives_fewer_leaves_and_says_why():
    topo = Topology([left_to_right_entry([1, 2], 1)])
    stats = stats_of({(1, 2, 1, 0): [4, 6], (2, 2, 1, 0): [-4, -6]})
    tree, info = build_tree(stats, topo, [("shared", "split", [1]), ("shared", "split", [2])], Questions([[1], [2]], [[0]]),
                            max_leaves=100, thresh=0.0, min_count=3.0)
    assert info.num_splits == 0 and tree.num_pdfs == 2 and "min-count" in info.stop_reason


def test_not_split_roots_stay_one_leaf():
    topo = Topology([left_to_right_entry([1, 2], 1)])
    stats = stats_of({(1, 2, 1, 0): [4, 6], (2, 2, 1, 0): [-4, -6]})
    tree, info = build_tree(stats, topo, [("shared", "split", [1]), ("shared", "not-split", [2])],
                            Questions([[1], [2]], [[0]]), max_leaves=100, thresh=0.0, min_count=1.0)
    assert info.num_splits == 0 and tree.num_pdfs == 2


def test_merge_losses_are_the_hand_computed_ones():
    def row(values):
        v = np.array(values, dtype=np.float64)
        return np.array([len(v), v.sum(), (v * v).sum()])

    def objf(agg):
        return gaussian_objective(agg[..., 0], agg[..., 1:2], agg[..., 2:], 0.01)

    a, b, c = row([1, 3]), row([1, 3]), row([9, 11])  # a and b identical: merging them loses nothing
    clusters, loss = _merge_leaves([a, b, c], objf, thresh=1e-9)
    assert clusters == [0, 0, 1] and loss == pytest.approx(0.0, abs=1e-9)
    clusters, loss = _merge_leaves([a, b, c], objf, thresh=1e9)
    # All together: n=6, mean 28/6, var = (2*1+2*9+81+121)/6 - (28/6)^2; apart: n=4 var 1 and n=2 var 1.
    var = (2 + 18 + 81 + 121) / 6 - (28 / 6) ** 2
    assert clusters == [0, 0, 0] and loss == pytest.approx(3 * math.log(var))


def test_round_trip_through_arrays_and_file(small_system, tmp_path):
    *_, tree, _ = small_system
    back = ContextDependency.from_arrays(tree.to_arrays())
    assert isinstance(back, TreeContext) and back == tree
    assert all(back.pdf((l, 2, r), c) == tree.pdf((l, 2, r), c) for l in range(6) for r in range(6) for c in range(3))
    save_tree(tmp_path / "tree", tree)
    assert load_tree(tmp_path / "tree") == tree
    arrays = tree.to_arrays()
    arrays["node_yes"] = np.zeros_like(arrays["node_yes"])  # children before their parents: a cycle
    with pytest.raises(ToolkitError, match="malformed"):
        ContextDependency.from_arrays(arrays)


def test_cluster_phones_separates_the_obvious_groups_first():
    # Sets {1}, {2}: means near 0; sets {3}, {4}: means near 10; set {5} unseen.
    samples = {(0, 1, 0, 1): [0.0, 1.0], (0, 2, 0, 1): [0.5, 1.5], (0, 3, 0, 1): [10.0, 11.0], (0, 4, 0, 1): [10.5, 9.5],
               (0, 1, 0, 0): [100.0, 101.0]}  # pdf class 0 is not used for clustering
    nodes = cluster_phones(stats_of(samples), [[1], [2], [3], [4], [5]], pdf_classes=(1,))
    assert nodes[0] == [1, 2, 3, 4]
    assert sorted(map(tuple, nodes[1:3])) == [(1, 2), (3, 4)]
    assert sorted(map(tuple, nodes[3:7])) == [(1,), (2,), (3,), (4,)]
    assert nodes[7:] == [[5]]


def test_pdf_class_questions_and_extra_questions():
    topo = make_topology([2], [1], 3, 5)
    assert pdf_class_questions(topo) == [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3], [1], [2], [3], [4]]
    stats = stats_of({(0, 2, 0, 1): [1.0, 2.0]})
    q = make_questions(stats, topo, [[1], [2]], [[1, 2]], auto=False)
    assert q.phone_sets == [[1], [2], [1, 2]]
    with pytest.raises(ToolkitError, match="topology"):
        make_questions(stats, topo, [[1], [2]], [[7]])


def test_context_of_context_independent_phones_is_never_asked():
    topo = Topology([left_to_right_entry([1, 2], 1)])
    # Phone 1 is context-independent (NO_CONTEXT): its strong left-context effect must not be used.
    stats = stats_of({(-1, 1, -1, 0): [4, 6, -4, -6], (1, 2, 1, 0): [4, 6], (2, 2, 1, 0): [-4, -6]})
    tree, info = build_tree(stats, topo, [("shared", "split", [1]), ("shared", "split", [2])],
                            Questions([[1], [2]], [[0]]), max_leaves=10, thresh=0.0, min_count=1.0, cluster_thresh=0.0)
    assert info.num_splits == 1 and tree.node_key[tree.roots[2, 0]] == 0 and tree.node_key[tree.roots[1, 0]] == -1
    assert tree.pdf((1, 1, 2), 0) == tree.pdf((2, 1, 1), 0) == tree.pdf((0, 1, 0), 0)


def test_a_model_with_a_tree_loads_in_a_fresh_process(small_system, tmp_path):
    """The tree kind must be known to load_model without anyone importing toolkit.hmm.tree first."""
    import subprocess
    import sys

    from toolkit.gmm.init_mono import init_mono_gmm
    from toolkit.gmm.model import save_model

    topo, _, _, tree, _ = small_system
    save_model(tmp_path / "tri.mdl", TransitionModel.build(topo, tree), tree,
               init_mono_gmm(tree.num_pdfs, np.zeros(2), np.ones(2)))
    code = (f"from toolkit.gmm.model import load_model; _, ctx, am = load_model({str(tmp_path / 'tri.mdl')!r}); "
            "print(ctx.kind, ctx.context_width, am.num_pdfs)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["tree", "3", str(tree.num_pdfs)]
