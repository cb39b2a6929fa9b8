"""Decoders on tiny graphs: a two-state HMM's Viterbi path by hand, lattice rescoring with LM weight and penalty."""
import math

import kaldifst
import numpy as np
import pytest

from toolkit.decode.decoder import (
    align,
    best_path_at,
    decodable_matrix,
    decode_best_path,
    decode_lattice,
)
from toolkit.errors import ToolkitError
from toolkit.graph.training_graphs import TrainingGraphCompiler
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.lang.topology import HmmState, Topology, TopologyEntry

# One phone with two emitting states: state 0 (pdf 0) loop 0.75 / on 0.25, state 1 (pdf 1) loop 0.5 / exit 0.5.
# tids: 1 loop0, 2 0->1, 3 loop1, 4 1->end.
TWO_STATE = Topology([TopologyEntry((1,), (
    HmmState(0, ((0, 0.75), (1, 0.25))), HmmState(1, ((1, 0.5), (2, 0.5))), HmmState(None),
))])


def one_word_lexicon():
    """L: phone 1 -> word 1, nothing else (no silence)."""
    L = kaldifst.StdVectorFst()
    s0, s1 = L.add_state(), L.add_state()
    L.start = s0
    L.set_final(s1, 0.0)
    L.add_arc(s0, kaldifst.StdArc(1, 1, 0.0, s1))
    return L


# pdf 0 column, pdf 1 column: frames 0-1 favour pdf 0, frames 2-3 pdf 1.
LOGLIKES = np.array([[-1.0, -4.0], [-1.0, -3.0], [-5.0, -1.0], [-5.0, -1.0]], dtype=np.float32)


def test_two_state_viterbi_by_hand():
    ctx = monophone_context(TWO_STATE)
    tm = TransitionModel.build(TWO_STATE, ctx)
    graph = TrainingGraphCompiler(tm, ctx, one_word_lexicon(), transition_scale=1.0,
                                  self_loop_scale=1.0).compile([1])
    # k frames in state 0 (k = 1, 2, 3): transitions 0.75^(k-1) * 0.25 * 0.5^(4-k-1) * 0.5,
    # acoustics: k=1: 1+3+1+1 = 6, k=2: 1+1+1+1 = 4, k=3: 1+1+5+1 = 8.
    trans = {k: -(k - 1) * math.log(0.75) - math.log(0.25) - (4 - k) * math.log(0.5) for k in (1, 2, 3)}
    total = {k: trans[k] + ac for k, ac in zip((1, 2, 3), (6, 4, 8))}
    assert min(total, key=total.get) == 2
    hyp, final = decode_best_path(graph, LOGLIKES, tm, acoustic_scale=1.0)
    assert final and hyp.words == [1]
    # reordered self-loops: each state's forward transition comes first, then its loops
    assert hyp.alignment.tolist() == [2, 1, 4, 3]
    assert hyp.acoustic_cost == pytest.approx(4.0)
    assert hyp.graph_cost == pytest.approx(trans[2], abs=1e-4)
    # The same path by forced alignment through the graph compiled without probabilities
    # (they are added from the model, with both scales 1).
    bare = TrainingGraphCompiler(tm, ctx, one_word_lexicon()).compile([1])
    forced = align(bare, LOGLIKES, tm, acoustic_scale=1.0, transition_scale=1.0, self_loop_scale=1.0)
    assert forced.alignment.tolist() == [2, 1, 4, 3] and forced.graph_cost == pytest.approx(trans[2], abs=1e-4)
    # Scoring only the graph's pdfs (densely renumbered labels) gives the same path and costs.
    asked = []
    lazy = align(bare, lambda pdfs: asked.append(pdfs.tolist()) or LOGLIKES[:, pdfs], tm, acoustic_scale=1.0,
                 transition_scale=1.0, self_loop_scale=1.0)
    assert asked == [[0, 1]]
    assert lazy.alignment.tolist() == [2, 1, 4, 3]
    assert (lazy.graph_cost, lazy.acoustic_cost) == pytest.approx((forced.graph_cost, forced.acoustic_cost))
    # With acoustic scale 0.1 the transition costs dominate: k=3 is then cheapest.
    assert min((trans[k] + 0.1 * ac, k) for k, ac in zip((1, 2, 3), (6, 4, 8)))[1] == 3
    assert decode_best_path(graph, LOGLIKES, tm, acoustic_scale=0.1)[0].alignment.tolist() == [2, 1, 1, 4]


# Two phones with one state each: tids 1 (loop), 2 (exit) score pdf 0; tids 3, 4 pdf 1.
TWO_PHONES = Topology([TopologyEntry((1, 2), (HmmState(0, ((0, 0.5), (1, 0.5))), HmmState(None)))])


def competing_graph():
    """One frame: A (tid 2, graph cost 2) or B C (tid 4 then an epsilon arc with C, graph cost 0)."""
    g = kaldifst.StdVectorFst()
    s = [g.add_state() for _ in range(4)]
    g.start = s[0]
    g.set_final(s[1], 0.0)
    g.set_final(s[3], 0.0)
    g.add_arc(s[0], kaldifst.StdArc(2, 11, 2.0, s[1]))
    g.add_arc(s[0], kaldifst.StdArc(4, 12, 0.0, s[2]))
    g.add_arc(s[2], kaldifst.StdArc(0, 13, 0.0, s[3]))
    return g


def test_lattice_rescoring_with_lm_weight_and_penalty():
    tm = TransitionModel.build(TWO_PHONES, monophone_context(TWO_PHONES))
    assert tm.tid2pdf.tolist() == [-1, 0, 0, 1, 1]
    loglikes = np.array([[-1.0, -3.0]], dtype=np.float32)  # acoustic cost: A 1, B 3
    lattice, final = decode_lattice(competing_graph(), loglikes, tm, acoustic_scale=0.1, lattice_beam=10.0)
    assert final
    # cost = graph + acoustic / lm_weight + penalty * words:
    #   A: 2 + 1/w + p,  B C: 0 + 3/w + 2p
    cases = {(0.5, 0.0): [11], (2.0, 0.0): [12, 13], (2.0, 0.9): [12, 13], (2.0, 1.1): [11]}
    for (w, p), words in cases.items():
        hyp = best_path_at(lattice, w, p)
        assert hyp.words == words, (w, p)
        assert hyp.acoustic_cost == pytest.approx(1.0 if words == [11] else 3.0, abs=1e-5)  # unscaled
        assert hyp.graph_cost == pytest.approx(2.0 if words == [11] else 0.0, abs=1e-5)  # without the penalty
    # the lattice itself is not changed by rescoring
    assert best_path_at(lattice, 2.0).words == [12, 13]
    with pytest.raises(ToolkitError, match="LM weight"):
        best_path_at(lattice, 0.0)


def test_decodable_matrix():
    tm = TransitionModel.build(TWO_PHONES, monophone_context(TWO_PHONES))
    m = decodable_matrix(np.array([[-1.0, -3.0]]), tm, 0.5)
    assert m.dtype == np.float32 and m.tolist() == [[-0.5, -0.5, -1.5, -1.5]]
    with pytest.raises(ToolkitError, match="2 pdfs"):
        decodable_matrix(np.zeros((3, 5)), tm, 0.1)
