"""AddSelfLoops (reorder): self-loop and leave weights by hand, splitting of states entered by two HMM states."""
import math

import kaldifst
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.graph.self_loops import add_self_loops
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.fst_arrays import fst_to_arrays
from toolkit.lang.topology import HmmState, Topology, TopologyEntry

TOPO = Topology([
    TopologyEntry((1,), (HmmState(0, ((0, 0.75), (1, 0.25))), HmmState(1, ((1, 0.5), (2, 0.5))), HmmState(None))),
    TopologyEntry((2,), (HmmState(0, ((0, 0.6), (1, 0.4))), HmmState(None))),
])
TM = TransitionModel.build(TOPO, monophone_context(TOPO))
# tids: tstate 1 (phone 1, state 0): 1 loop, 2 on; tstate 2 (phone 1, state 1): 3 loop, 4 exit;
# tstate 3 (phone 2): 5 loop, 6 exit.


def fst_of(arcs, num_states, finals):
    f = kaldifst.StdVectorFst()
    for _ in range(num_states):
        f.add_state()
    f.start = 0
    for s, w in finals.items():
        f.set_final(s, w)
    for s, i, o, w, d in arcs:
        f.add_arc(s, kaldifst.StdArc(i, o, w, d))
    return f


def table(fst):
    t = fst_to_arrays(fst)
    arcs = sorted(zip(t.src.tolist(), t.ilabel.tolist(), t.olabel.tolist(), np.round(t.weight, 4).tolist(),
                      t.dst.tolist()))
    finals = {s: round(float(t.final[s]), 4) for s in np.flatnonzero(np.isfinite(t.final))}
    return arcs, finals


@pytest.mark.parametrize("scale", [0.1, 1.0])
def test_weights_and_state_splitting(scale):
    # 0 -2:7-> 1 -4:0-> 2 (final)  and  0 -6:8-> 2: state 2 is entered by tstates 2 and 3.
    out = add_self_loops(fst_of([(0, 2, 7, 0.5, 1), (1, 4, 0, 0.0, 2), (0, 6, 8, 0.0, 2)], 3, {2: 0.0}), TM, scale)
    c = lambda p: round(-scale * math.log(p), 4)
    arcs, finals = table(out)
    assert finals == {2: 0.0}
    assert arcs == sorted([
        (0, 2, 7, 0.5, 1), (0, 6, 8, 0.0, 4),
        (1, 1, 0, c(0.75), 1), (1, 4, 0, c(0.25), 3),  # loop of tstate 1; leaving it costs P(on)^scale
        (3, 3, 0, c(0.5), 3), (3, 0, 0, c(0.5), 2),  # new state for tstate 2 entering state 2
        (4, 5, 0, c(0.6), 4), (4, 0, 0, c(0.4), 2),  # new state for tstate 3
    ])


def test_final_weight_gets_the_leave_probability():
    out = add_self_loops(fst_of([(0, 6, 1, 0.0, 1)], 2, {1: 0.0}), TM, 1.0)
    arcs, finals = table(out)
    assert finals == {1: round(-math.log(0.4), 4)}
    assert arcs == [(0, 6, 1, 0.0, 1), (1, 5, 0, round(-math.log(0.6), 4), 1)]


def test_start_state_entered_by_a_transition_id_is_split():
    out = add_self_loops(fst_of([(0, 6, 1, 0.0, 0)], 1, {0: 0.0}), TM, 1.0)
    arcs, finals = table(out)
    assert finals == {0: 0.0}
    assert arcs == [(0, 6, 1, 0.0, 1), (1, 0, 0, round(-math.log(0.4), 4), 0), (1, 5, 0, round(-math.log(0.6), 4), 1)]


def test_errors():
    with pytest.raises(ToolkitError, match="already has self-loop"):
        add_self_loops(fst_of([(0, 1, 0, 0.0, 1)], 2, {1: 0.0}), TM, 0.1)
    with pytest.raises(ToolkitError, match="input label 9"):
        add_self_loops(fst_of([(0, 9, 0, 0.0, 1)], 2, {1: 0.0}), TM, 0.1)
    out = add_self_loops(fst_of([(0, 9, 0, 0.0, 1)], 2, {1: 0.0}), TM, 0.1, disambig_syms=[9])
    assert table(out)[0] == [(0, 9, 0, 0.0, 1)]
