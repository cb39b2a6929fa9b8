"""H: the arcs of a one-phone H by hand, shared HMM bodies for windows with equal pdfs, re-enterable first states."""
import math

import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.graph.h_transducer import make_h_transducer
from toolkit.hmm.context import ContextDependency, monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.fst_arrays import fst_to_arrays
from toolkit.lang.topology import HmmState, Topology, TopologyEntry

# One phone, three states; state 0 may skip state 1.
TOPO = Topology([TopologyEntry((1,), (
    HmmState(0, ((0, 0.5), (1, 0.3), (2, 0.2))),
    HmmState(1, ((1, 0.6), (2, 0.4))),
    HmmState(2, ((2, 0.75), (3, 0.25))),
    HmmState(None),
))])
# tids: tstate 1: 1 loop, 2 0->1, 3 0->2; tstate 2: 4 loop, 5 1->2; tstate 3: 6 loop, 7 2->end.


def arcs(fst):
    t = fst_to_arrays(fst)
    return sorted(zip(t.src.tolist(), t.ilabel.tolist(), t.olabel.tolist(), np.round(t.weight, 4).tolist(),
                      t.dst.tolist()))


@pytest.mark.parametrize("scale", [1.0, 2.0])
def test_one_phone_h(scale):
    tm = TransitionModel.build(TOPO, monophone_context(TOPO))
    H, disambig = make_h_transducer([[], [1], [-9]], monophone_context(TOPO), tm, transition_scale=scale)
    assert disambig == [8] and H.start == 0 and H.final(0).value == 0.0 and H.num_states == 3
    w = lambda p: round(-scale * math.log(p), 4)
    # Forward probabilities renormalised without the self-loop: 0.3/0.5, 0.2/0.5, 0.4/0.4, 0.25/0.25.
    assert arcs(H) == sorted([
        (0, 2, 1, w(0.6), 1), (0, 3, 1, w(0.4), 2),  # HMM state 0 merged into the loop state
        (1, 5, 0, w(1.0), 2),
        (2, 7, 0, w(1.0), 0),  # into the final HMM state = back to the loop state
        (0, 8, 2, 0.0, 0),  # disambiguation symbol
    ])


class CentralPhone(ContextDependency):
    """Triphone windows whose pdfs depend on the central phone only (so all windows share one HMM)."""

    kind = "test-central-phone"

    def __init__(self, mono):
        self.mono = mono

    context_width = property(lambda self: 3)
    central_position = property(lambda self: 1)
    num_pdfs = property(lambda self: self.mono.num_pdfs)

    def pdf(self, window, pdf_class):
        return self.mono.pdf([window[1]], pdf_class)

    def possible_pdfs(self, phone, pdf_class):
        return self.mono.possible_pdfs(phone, pdf_class)

    def _arrays(self):
        return {}

    @classmethod
    def _from_arrays(cls, arrays):
        raise NotImplementedError


def test_windows_with_equal_pdfs_share_one_body():
    ctx = CentralPhone(monophone_context(TOPO))
    tm = TransitionModel.build(TOPO, ctx)
    H, disambig = make_h_transducer([[], [0, 1, 1], [1, 1, 0], [-9], [0], [1, 1, 1]], ctx, tm)
    assert disambig == [8, 9]
    assert H.num_states == 3  # loop + HMM states 1 and 2, once
    entry = [a for a in arcs(H) if a[0] == 0 and a[1] in (2, 3)]
    assert sorted((a[1], a[2]) for a in entry) == [(2, 1), (2, 2), (2, 5), (3, 1), (3, 2), (3, 5)]
    assert [(a[1], a[2]) for a in arcs(H) if a[1] in (8, 9)] == [(8, 3), (9, 4)]
    with pytest.raises(ToolkitError, match="context width is 3"):
        make_h_transducer([[], [1]], ctx, tm)
    with pytest.raises(ToolkitError, match="no phone at the central position"):
        make_h_transducer([[], [1, 0, 1]], ctx, tm)


def test_reenterable_first_state_gets_an_epsilon_entry():
    topo = Topology([TopologyEntry((1,), (
        HmmState(0, ((0, 0.5), (1, 0.5))), HmmState(1, ((0, 0.3), (2, 0.7))), HmmState(None),
    ))])
    tm = TransitionModel.build(topo, monophone_context(topo))  # tids 1 loop, 2 0->1, 3 1->0, 4 1->end
    H, _ = make_h_transducer([[], [1]], monophone_context(topo), tm)
    w = lambda p: round(-math.log(p), 4)
    assert arcs(H) == sorted([(0, 0, 1, 0.0, 1), (1, 2, 0, w(1.0), 2), (2, 3, 0, w(0.3), 1), (2, 4, 0, w(0.7), 0)])
