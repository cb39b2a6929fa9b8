"""Alignments: split into phones (reordered and not), pdfs, transition counts, errors."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.hmm.alignment import alignment_to_pdfs, split_to_phones, transition_counts
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.lang.topology import HmmState, Topology, TopologyEntry

TOPO = Topology([
    TopologyEntry((1,), (HmmState(0, ((0, 0.75), (1, 0.25))), HmmState(1, ((1, 0.5), (2, 0.5))), HmmState(None))),
    TopologyEntry((2,), (HmmState(0, ((0, 0.6), (1, 0.4))), HmmState(None))),
])
TM = TransitionModel.build(TOPO, monophone_context(TOPO))
# tids: phone 1: 1 loop0, 2 0->1, 3 loop1, 4 1->end; phone 2: 5 loop, 6 end.


def test_split_reordered():
    # Reordered (self-loops after the forward transition, as our graphs make them):
    # phone 2 (3 frames), phone 1 (2 + 3 frames), phone 2 (1 frame).
    ali = np.array([6, 5, 5, 2, 1, 4, 3, 3, 6])
    segs = split_to_phones(TM, ali)
    assert [(s.phone, s.start, s.num_frames) for s in segs] == [(2, 0, 3), (1, 3, 5), (2, 8, 1)]
    assert segs[1].tids == (2, 1, 4, 3, 3) and segs[1].end == 8


def test_split_not_reordered():
    ali = np.array([5, 5, 6, 1, 2, 3, 3, 4, 6])
    segs = split_to_phones(TM, ali)
    assert [(s.phone, s.start, s.num_frames) for s in segs] == [(2, 0, 3), (1, 3, 5), (2, 8, 1)]


def test_split_errors():
    with pytest.raises(ToolkitError, match="whole phones"):
        split_to_phones(TM, np.array([6, 2, 1]))  # ends inside phone 1
    with pytest.raises(ToolkitError, match="outside 1..6"):
        split_to_phones(TM, np.array([6, 7]))
    assert split_to_phones(TM, np.array([], dtype=np.int32)) == []


def test_pdfs_and_counts():
    ali = np.array([6, 5, 5, 2, 1, 4])
    assert alignment_to_pdfs(TM, ali).tolist() == [2, 2, 2, 0, 0, 1]
    counts = transition_counts(TM, [ali, np.array([6])])
    assert counts.tolist() == [0, 1, 1, 0, 1, 2, 2]
