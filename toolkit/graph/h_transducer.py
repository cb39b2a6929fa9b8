"""H: transition ids in, phones in context out, without self-loops (Kaldi's GetHTransducer).

`ilabels` is what kaldifst.compose_context returns beside CLG: entry j > 0 is either a
phone window (N phone ids) or a single value <= 0, a disambiguation symbol (-id of #k,
or 0 for the #-1 symbol that C emits before it has seen enough phones).

H has one loop state, start and final. Each phone window's HMM, with its self-loops left
out (AddSelfLoops adds them after determinization) and forward probabilities
renormalised without the self-loop (GetTransitionLogProbIgnoringSelfLoops), times
`transition_scale`, hangs off the loop state: its first arc carries output label j, its
arcs into the final HMM state return to the loop state. Windows whose HMMs get the same
pdfs share one body (as Kaldi's HMM cache and MakeLoopFst do). Each disambiguation
ilabel j becomes a loop arc with a new input symbol num_tids + 1, num_tids + 2, ...
(returned, so that they can be removed after determinization).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import kaldifst
import numpy as np

from toolkit.errors import ToolkitError
from toolkit.hmm.context import ContextDependency
from toolkit.hmm.transition_model import TransitionModel

LOOP = -1  # local state index of H's loop state in an HMM body template


@dataclass(frozen=True)
class HmmBody:
    """One HMM without self-loops, to hang off H's loop state: `num_states` new states (local
    indices 0..n-1, LOOP for the loop state); `arcs` (src, tid, cost, dst) inside it; `entry`
    (tid or 0, cost, dst): the arcs that leave the loop state into it, which carry the olabel."""

    num_states: int
    arcs: tuple[tuple[int, int, float, int], ...]
    entry: tuple[tuple[int, float, int], ...]


def make_h_transducer(
    ilabels: Sequence[Sequence[int]],
    ctx: ContextDependency,
    trans_model: TransitionModel,
    transition_scale: float = 1.0,
    cache: dict[tuple[int, tuple[int, ...]], HmmBody] | None = None,
) -> tuple[kaldifst.StdVectorFst, list[int]]:
    """(H, disambiguation input symbols of H); H's output label j stands for ilabels[j].

    `cache` (kept by the caller for one model and scale) saves rebuilding the HMM templates
    of (phone, pdfs) pairs across calls, e.g. across utterances when compiling training graphs.
    """
    if not ilabels or len(ilabels[0]) != 0:
        raise ToolkitError("ilabels: entry 0 must be the empty window (epsilon)")
    cache = {} if cache is None else cache
    log_probs = None
    N, P = ctx.context_width, ctx.central_position
    H = kaldifst.StdVectorFst()
    loop = H.add_state()
    H.start = loop
    H.set_final(loop, 0.0)
    Arc = kaldifst.StdArc
    disambig: list[int] = []
    # (phone, pdfs) -> the entry arcs of the body added to this H; each window using the
    # body adds copies of them with its own olabel.
    entries: dict[tuple[int, tuple[int, ...]], list[tuple[int, float, int]]] = {}

    for j in range(1, len(ilabels)):
        window = list(ilabels[j])
        if len(window) == 1 and window[0] <= 0:
            sym = trans_model.num_tids + 1 + len(disambig)
            disambig.append(sym)
            H.add_arc(loop, Arc(sym, j, 0.0, loop))
            continue
        if len(window) != N:
            raise ToolkitError(f"ilabels: entry {j} {window} has {len(window)} phones, the context width is {N}")
        phone = window[P]
        if phone <= 0:
            raise ToolkitError(f"ilabels: entry {j} {window} has no phone at the central position {P}")
        entry = trans_model.topology.entry(phone)
        key = (phone, tuple(ctx.pdf(window, c) for c in range(entry.num_pdf_classes)))
        if key not in entries:
            if key not in cache:
                if log_probs is None:
                    log_probs = trans_model.log_probs_ignoring_self_loops()
                cache[key] = _hmm_body(key[0], key[1], trans_model, log_probs, transition_scale)
            body = cache[key]
            states = [H.add_state() for _ in range(body.num_states)] + [loop]  # index LOOP = -1 -> loop
            for src, tid, cost, dst in body.arcs:
                H.add_arc(states[src], Arc(tid, 0, cost, states[dst]))
            entries[key] = [(tid, cost, states[dst]) for tid, cost, dst in body.entry]
        for ilabel, cost, dest in entries[key]:
            H.add_arc(loop, Arc(ilabel, j, cost, dest))
    return H, disambig


def _hmm_body(
    phone: int, pdfs: tuple[int, ...], trans_model: TransitionModel, log_probs: np.ndarray, scale: float
) -> HmmBody:
    """The template of one HMM: its final state is the loop state, and so is state 0 where possible."""
    states = trans_model.topology.entry(phone).states
    final_state = len(states) - 1
    # HMM state 0 can be merged into the loop state when nothing but its self-loop enters
    # it: then its arcs leave the loop state directly, carrying the output label.
    merge_start = not any(
        dest == 0 for h, st in enumerate(states) if h != 0 for dest, _ in st.transitions
    )
    local = {final_state: LOOP}
    for h in range(final_state):
        local[h] = LOOP if (h == 0 and merge_start) else h - int(merge_start)
    arcs, entry = [], []
    for h in range(final_state):
        pdf = pdfs[states[h].pdf_class]
        tstate = trans_model.tstate(phone, h, pdf, pdf)
        for index, (dest, _) in enumerate(states[h].transitions):
            if dest == h:
                continue
            tid = trans_model.tid(tstate, index)
            cost = -scale * float(log_probs[tid])
            if h == 0 and merge_start:
                entry.append((tid, cost, local[dest]))
            else:
                arcs.append((local[h], tid, cost, local[dest]))
    if not merge_start:
        entry.append((0, 0.0, local[0]))
    return HmmBody(final_state - int(merge_start), tuple(arcs), tuple(entry))
