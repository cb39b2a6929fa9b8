"""FSTs and lattices as arrays: every arc and final weight exactly, and back to an FST."""
import kaldifst
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.io.fst_arrays import (
    FstArrays,
    arrays_to_fst,
    fst_to_arrays,
    lattice_to_arrays,
    renumber_input_labels,
    with_word_penalties,
)


def make_lattice(num_states: int, start: int, arcs, finals) -> kaldifst.Lattice:
    """A lattice from arcs (src, ilabel, olabel, graph, acoustic, dst) and finals {state: (graph, acoustic)}."""
    lat = kaldifst.Lattice()
    for _ in range(num_states):
        lat.add_state()
    lat.start = start
    for s, i, o, g, a, d in arcs:
        lat.add_arc(s, kaldifst.LatticeArc(i, o, kaldifst.LatticeWeight(g, a), d))
    for state, (g, a) in finals.items():
        lat.set_final(state, kaldifst.LatticeWeight(g, a))
    return lat


def test_lattice_arcs_and_finals():
    arcs = [(1, 5, 7, 0.5, 1.25, 0), (1, 0, 0, 0.0, 0.0, 2), (0, 3, 0, 1e-7, 123456.789, 3), (2, 4, 9, 2.0, -1.5, 3)]
    t = lattice_to_arrays(make_lattice(4, 1, arcs, {3: (0.25, 0.75)}))
    assert t.start == 1 and t.num_states == 4
    by_state = sorted(arcs, key=lambda a: a[0])  # grouped by source state, in state order
    assert t.src.tolist() == [a[0] for a in by_state]
    assert t.ilabel.tolist() == [a[1] for a in by_state] and t.olabel.tolist() == [a[2] for a in by_state]
    assert t.dst.tolist() == [a[5] for a in by_state]
    np.testing.assert_array_equal(t.graph, np.float32([a[3] for a in by_state]))
    np.testing.assert_array_equal(t.acoustic, np.float32([a[4] for a in by_state]))
    assert t.final_graph.tolist() == [np.inf, np.inf, np.inf, 0.25] and t.final_acoustic[3] == 0.75
    assert lattice_to_arrays(kaldifst.Lattice()).num_states == 0


def random_fst(seed: int, num_states: int, start: int, ilabels, max_arcs: int, final_every: int):
    """(fst, arcs): random arcs (input labels drawn from `ilabels`) as (src, ilabel, olabel, weight, dst)
    in state order; states s with s % final_every == 0 are final with weight 0.5 * s."""
    rng = np.random.default_rng(seed)
    f = kaldifst.StdVectorFst()
    for _ in range(num_states):
        f.add_state()
    f.start = start
    arcs = []
    for s in range(num_states):
        for _ in range(rng.integers(0, max_arcs + 1)):
            arc = (s, int(rng.choice(ilabels)), int(rng.integers(0, 100)), float(np.float32(rng.normal())),
                   int(rng.integers(0, num_states)))
            f.add_arc(s, kaldifst.StdArc(*arc[1:]))
            arcs.append(arc)
        if s % final_every == 0:
            f.set_final(s, 0.5 * s)
    return f, arcs


def test_fst_round_trip_against_the_arc_iterator():
    f, expected = random_fst(0, 50, 3, np.arange(100), 4, 7)
    t = fst_to_arrays(f)
    got = list(zip(t.src.tolist(), t.ilabel.tolist(), t.olabel.tolist(), t.weight.tolist(), t.dst.tolist()))
    assert got == expected and t.start == 3
    assert [s for s in range(50) if np.isfinite(t.final[s])] == list(range(0, 50, 7))
    back = arrays_to_fst(t)
    iterated = [(s, a.ilabel, a.olabel, a.weight.value, a.nextstate) for s in range(back.num_states)
                for a in kaldifst.ArcIterator(back, s)]
    assert iterated == expected and back.start == 3 and back.final(14).value == 7.0
    # the FST read back is usable by OpenFst algorithms (properties are recomputed)
    kaldifst.arcsort(back, sort_type="ilabel")
    assert back.num_states == 50
    # a const FST is accepted too
    assert fst_to_arrays(kaldifst.StdConstFst(f)).src.tolist() == t.src.tolist()


def test_arcs_in_any_order_are_grouped_by_state():
    a = FstArrays(0, np.array([1, 0, 1]), np.array([5, 6, 7]), np.array([0, 0, 0]), np.array([0.0, 1.0, 2.0]),
                  np.array([0, 1, 1]), np.array([np.inf, 0.0]))
    t = fst_to_arrays(arrays_to_fst(a))
    assert t.src.tolist() == [0, 1, 1] and t.ilabel.tolist() == [6, 5, 7]
    with pytest.raises(ToolkitError, match="do not exist"):
        arrays_to_fst(FstArrays(0, np.array([0]), np.array([1]), np.array([1]), np.array([0.0]), np.array([2]),
                                np.array([0.0])))


def test_renumbered_input_labels_keep_every_other_field():
    f, _ = random_fst(1, 30, 2, [0, 7, 9, 40, 41, 300], 3, 5)
    before = fst_to_arrays(f)
    graph, labels = renumber_input_labels(f)
    assert isinstance(graph, kaldifst.StdConstFst)
    assert labels.tolist() == sorted(set(before.ilabel.tolist()) - {0})
    after = fst_to_arrays(graph)
    # new label k + 1 stands for labels[k]; epsilons stay epsilons
    restored = np.where(after.ilabel > 0, labels[np.maximum(after.ilabel - 1, 0)], 0)
    np.testing.assert_array_equal(restored, before.ilabel)
    assert after.ilabel.max() == len(labels) and after.start == 2
    for field in ("src", "olabel", "weight", "dst", "final"):
        np.testing.assert_array_equal(getattr(after, field), getattr(before, field))
    empty, none = renumber_input_labels(kaldifst.StdVectorFst())
    assert empty.num_states == 0 and none.size == 0


def test_word_penalties_change_only_the_graph_cost_of_word_arcs():
    lat = make_lattice(3, 0, [(0, 1, 5, 0.5, 0.0, 1), (0, 2, 0, 0.25, 3.0, 1), (1, 0, 7, -1.0, 0.0, 2)],
                       {2: (0.125, 0.5)})
    before = lattice_to_arrays(lat)
    zero, one = with_word_penalties(lat, [0.0, 1.5])
    for copy, penalty in ((zero, 0.0), (one, 1.5)):
        t = lattice_to_arrays(copy)
        np.testing.assert_array_equal(t.graph, before.graph + penalty * (before.olabel != 0))
        for field in ("src", "dst", "ilabel", "olabel", "acoustic", "final_graph", "final_acoustic"):
            np.testing.assert_array_equal(getattr(t, field), getattr(before, field))
        assert t.start == 0
    # the input is untouched, and the copies are usable by OpenFst algorithms
    np.testing.assert_array_equal(lattice_to_arrays(lat).graph, before.graph)
    _, _, words, weight = kaldifst.get_linear_symbol_sequence(kaldifst.shortest_path(one))
    assert list(words) == [5, 7] and weight.value1 == pytest.approx(0.5 + 1.5 - 1.0 + 1.5 + 0.125)
