"""HMM self-loops added to a graph over transition ids (Kaldi's AddSelfLoops with reorder=true).

H leaves self-loops out so that determinization and minimization work on a smaller graph;
this pass puts them back. "Reorder" places the self-loop of transition state X after the
forward transition out of X: on the state that arcs of X enter (Kaldi's default in
mkgraph.sh and compile-train-graphs, and what its decoders and alignment tools expect).

First, states entered by arcs of more than one transition state are split (Kaldi's
MakePrecedingInputSymbolsSameClass: arcs of each other class are redirected to a new state
with an epsilon arc into the old one). Then each state s entered by transition state X
gets the self-loop `loop(X):0 / -self_loop_scale * log P(loop)`, and its out-arcs and final
weight are multiplied by P(leave X)^self_loop_scale, which keeps the graph stochastic
(H's forward arcs carry probabilities renormalised without the self-loop).
"""
from __future__ import annotations

from typing import Sequence

import kaldifst
import numpy as np

from toolkit.errors import ToolkitError
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.fst_arrays import FstArrays, arrays_to_fst, fst_to_arrays


def add_self_loops(
    fst: kaldifst.StdFst,
    trans_model: TransitionModel,
    self_loop_scale: float,
    disambig_syms: Sequence[int] = (),
) -> kaldifst.StdVectorFst:
    """A new FST: `fst` (input labels: transition ids without self-loops, `disambig_syms`, 0) with self-loops.

    ToolkitError if `fst` already has a self-loop transition id or an unknown input label.
    """
    t = fst_to_arrays(fst)
    if t.start < 0:
        raise ToolkitError("add_self_loops: the FST has no start state")
    arc_class = _tstate_classes(t.ilabel, trans_model, disambig_syms)
    t = _split_states_by_entering_class(t, arc_class)
    arc_class = _tstate_classes(t.ilabel, trans_model, disambig_syms)

    state_in = np.full(t.num_states, -1, dtype=np.int64)
    state_in[t.dst] = arc_class
    if state_in[t.start] != -1:
        raise ToolkitError("add_self_loops: internal error: the start state is entered by a transition id")
    cost = np.zeros(t.num_states)
    has = state_in > 0
    cost[has] = -self_loop_scale * trans_model.non_self_loop_log_prob[state_in[has]]
    weight = t.weight + cost[t.src]
    final = t.final + cost

    loop_states = np.flatnonzero(has)
    loop_tids = trans_model.self_loop_tid[state_in[loop_states]].astype(np.int64)
    keep = loop_tids != 0
    loop_states, loop_tids = loop_states[keep], loop_tids[keep]
    loop_cost = -self_loop_scale * trans_model.log_probs[loop_tids]
    return arrays_to_fst(
        FstArrays(
            t.start,
            np.concatenate([t.src, loop_states]),
            np.concatenate([t.ilabel, loop_tids]),
            np.concatenate([t.olabel, np.zeros_like(loop_tids)]),
            np.concatenate([weight, loop_cost]),
            np.concatenate([t.dst, loop_states]),
            final,
        )
    )


def _tstate_classes(ilabel: np.ndarray, trans_model: TransitionModel, disambig_syms: Sequence[int]) -> np.ndarray:
    """Per arc: the transition state of its input label, or -1 for epsilon and disambiguation symbols."""
    n = trans_model.num_tids
    is_tid = (ilabel >= 1) & (ilabel <= n)
    other = ~is_tid & (ilabel != 0)
    if other.any():
        unknown = np.setdiff1d(ilabel[other], np.asarray(list(disambig_syms), dtype=np.int64))
        if unknown.size:
            raise ToolkitError(
                f"add_self_loops: input label {int(unknown[0])} is neither a transition id (1..{n}) "
                "nor a disambiguation symbol"
            )
    tids = np.where(is_tid, ilabel, 0)
    if trans_model.tid_is_self_loop[tids].any():
        raise ToolkitError("add_self_loops: the graph already has self-loop transition ids")
    return np.where(is_tid, trans_model.tid2tstate[tids], -1).astype(np.int64)


def _split_states_by_entering_class(t: FstArrays, arc_class: np.ndarray) -> FstArrays:
    """Make every state entered by arcs of one class only; the start state counts as entered by epsilon."""
    pairs = np.unique(np.stack([np.append(t.dst, t.start), np.append(arc_class, -1)], axis=1), axis=0)
    states, counts = np.unique(pairs[:, 0], return_counts=True)
    bad = np.zeros(t.num_states, dtype=bool)
    bad[states[counts > 1]] = True
    change = bad[t.dst] & (t.ilabel != 0)
    if not change.any():
        return t
    keys, inverse = np.unique(np.stack([t.dst[change], arc_class[change]], axis=1), axis=0, return_inverse=True)
    new_states = t.num_states + np.arange(keys.shape[0])
    dst = t.dst.copy()
    dst[change] = new_states[inverse.reshape(-1)]
    zeros = np.zeros(keys.shape[0], dtype=np.int64)
    return FstArrays(
        t.start,
        np.concatenate([t.src, new_states]),
        np.concatenate([t.ilabel, zeros]),
        np.concatenate([t.olabel, zeros]),
        np.concatenate([t.weight, np.zeros(keys.shape[0])]),
        np.concatenate([dst, keys[:, 0]]),
        np.concatenate([t.final, np.full(keys.shape[0], np.inf)]),
    )
