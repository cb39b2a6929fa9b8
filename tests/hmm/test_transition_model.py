"""TransitionModel: tuple and id numbering, derived arrays, ML update (counts -> probabilities), arrays."""
import math

import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.lang.topology import HmmState, Topology, TopologyEntry

# Phone 1: two emitting states (loop 0.75 / on 0.25, then loop 0.5 / exit 0.5);
# phone 2: one state that may skip: loop 0.6, exit 0.4.
TOPO = Topology([
    TopologyEntry((1,), (HmmState(0, ((0, 0.75), (1, 0.25))), HmmState(1, ((1, 0.5), (2, 0.5))), HmmState(None))),
    TopologyEntry((2,), (HmmState(0, ((0, 0.6), (1, 0.4))), HmmState(None))),
])


@pytest.fixture
def tm():
    return TransitionModel.build(TOPO, monophone_context(TOPO))


def test_numbering(tm):
    assert tm.tuples.tolist() == [[1, 0, 0, 0], [1, 1, 1, 1], [2, 0, 2, 2]]
    assert (tm.num_tstates, tm.num_tids, tm.num_pdfs) == (3, 6, 3)
    # tids in (transition state, transition index) order, 1-based.
    assert tm.tid2tstate.tolist() == [0, 1, 1, 2, 2, 3, 3]
    assert tm.tid2pdf.tolist() == [-1, 0, 0, 1, 1, 2, 2]
    assert tm.tid2phone[1:].tolist() == [1, 1, 1, 1, 2, 2]
    assert tm.tid_is_self_loop.tolist() == [False, True, False, True, False, True, False]
    assert tm.tid_is_final.tolist() == [False, False, False, False, True, False, True]
    assert tm.self_loop_tid.tolist() == [0, 1, 3, 5]
    assert tm.tstate(1, 1, 1, 1) == 2 and tm.tid(2, 1) == 4
    np.testing.assert_allclose(np.exp(tm.log_probs[1:]), [0.75, 0.25, 0.5, 0.5, 0.6, 0.4])
    np.testing.assert_allclose(tm.non_self_loop_log_prob[1:], np.log([0.25, 0.5, 0.4]))
    with pytest.raises(ToolkitError, match="no transition state"):
        tm.tstate(2, 0, 1, 1)
    with pytest.raises(ToolkitError, match="no transition 2"):
        tm.tid(1, 2)


def test_scaled_log_probs(tm):
    # Equal scales: scale * log P; otherwise Kaldi's split into loop / leave / which exit.
    np.testing.assert_allclose(tm.scaled_log_probs(0.5, 0.5)[1:], 0.5 * tm.log_probs[1:])
    s = tm.scaled_log_probs(1.0, 0.1)
    assert s[0] == 0.0
    assert s[1] == pytest.approx(0.1 * math.log(0.75))  # self-loop
    assert s[2] == pytest.approx(0.1 * math.log(0.25) + 1.0 * math.log(0.25 / 0.25))
    assert s[6] == pytest.approx(0.1 * math.log(0.4))
    np.testing.assert_allclose(tm.log_probs_ignoring_self_loops()[[2, 4, 6]], 0.0, atol=1e-12)


def test_update_from_counts(tm):
    counts = np.zeros(7)
    counts[1:3] = [30, 10]  # tstate 1: 0.75 / 0.25 again
    counts[3:5] = [1000, 0]  # tstate 2: exit never seen -> floored
    counts[5:7] = [2, 1]  # tstate 3: 3 < mincount -> unchanged
    old = tm.log_probs.copy()
    scaled_before = tm.scaled_log_probs(1.0, 0.1)  # cached until the update
    impr, total = tm.update(counts, mincount=5.0, floor=0.01)
    assert total == 1043
    np.testing.assert_allclose(np.exp(tm.log_probs[1:3]), [0.75, 0.25])
    # Kaldi's rule: three rounds of (normalise, floor at 0.01), by hand.
    p = np.array([1.0, 0.0])
    for _ in range(3):
        p = np.maximum(p / p.sum(), 0.01)
    np.testing.assert_allclose(np.exp(tm.log_probs[3:5]), p)
    assert p[1] == 0.01 and p[0] == pytest.approx(1 / 1.01 / (1 / 1.01 + 0.01))
    np.testing.assert_array_equal(tm.log_probs[5:7], old[5:7])
    expected = 1000 * (math.log(p[0]) - math.log(0.5))
    assert impr == pytest.approx(expected)
    # derived arrays follow the new probabilities
    assert tm.non_self_loop_log_prob[2] == pytest.approx(math.log(1 - p[0]))
    assert tm.scaled_log_probs(1.0, 0.1)[3] == pytest.approx(0.1 * math.log(p[0])) != scaled_before[3]
    with pytest.raises(ToolkitError, match="shape"):
        tm.update(np.zeros(6))


def test_arrays_round_trip(tm):
    counts = np.arange(7, dtype=float) * 10
    tm.update(counts)
    back = TransitionModel.from_arrays(tm.to_arrays())
    assert back == tm and back.topology == TOPO
    np.testing.assert_array_equal(back.non_self_loop_log_prob, tm.non_self_loop_log_prob)


def test_bad_arrays(tm):
    arrays = tm.to_arrays()
    with pytest.raises(ToolkitError, match="7 entries"):
        TransitionModel.from_arrays({**arrays, "log_probs": arrays["log_probs"][:-1]})
    with pytest.raises(ToolkitError, match="missing"):
        TransitionModel.from_arrays({"tuples": arrays["tuples"]})
    with pytest.raises(ToolkitError, match="sorted"):
        TransitionModel.from_arrays({**arrays, "tuples": arrays["tuples"][::-1]})
    with pytest.raises(ToolkitError, match="no emitting HMM state 1"):
        TransitionModel(TOPO, np.array([[2, 1, 0, 0]]))
