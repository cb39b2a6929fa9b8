"""Transition-id alignments: equal alignment of a training graph, phones with durations, pdfs, counts.

An alignment is an int vector (T,) of transition ids, one per frame, as Kaldi's aligners
write them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import kaldifst
import numpy as np

from toolkit.errors import ToolkitError
from toolkit.hmm.context import ContextDependency
from toolkit.hmm.transition_model import TransitionModel


def equal_alignment(graph: kaldifst.StdFst, num_frames: int, seed: int) -> np.ndarray | None:
    """A random path of `graph` with exactly `num_frames` transition ids, frames shared out evenly.

    As Kaldi's align-equal-compiled (fstext EqualAlign): the graph needs its self-loops.
    Returns (num_frames,) int32 transition ids, or None when no such path was found (e.g.
    fewer frames than the transcript needs). Any integer `seed` works (it is taken mod 2^31).
    """
    if num_frames <= 0:
        return None
    ok, path = kaldifst.equal_align(graph, num_frames, seed % (1 << 31))
    if not ok:
        return None
    ok, tids, _, _ = kaldifst.get_linear_symbol_sequence(path)
    if not ok or len(tids) != num_frames:
        return None
    return np.asarray(tids, dtype=np.int32)


def _check(trans_model: TransitionModel, alignment: np.ndarray) -> np.ndarray:
    ali = np.asarray(alignment)
    if ali.ndim != 1:
        raise ToolkitError(f"an alignment is a vector of transition ids, got shape {ali.shape}")
    if ali.size and (ali.min() < 1 or ali.max() > trans_model.num_tids):
        raise ToolkitError(f"alignment has transition ids outside 1..{trans_model.num_tids}: wrong model?")
    return ali.astype(np.int64)


def alignment_to_pdfs(trans_model: TransitionModel, alignment: np.ndarray) -> np.ndarray:
    """(T,) int32 pdf ids of the frames (Kaldi's ali-to-pdf)."""
    return trans_model.tid2pdf[_check(trans_model, alignment)]


def transition_counts(trans_model: TransitionModel, alignments: Iterable[np.ndarray]) -> np.ndarray:
    """(num_tids + 1,) float64: how often each transition id occurs (the statistics of TransitionModel.update)."""
    counts = np.zeros(trans_model.num_tids + 1)
    for ali in alignments:
        counts += np.bincount(_check(trans_model, ali), minlength=trans_model.num_tids + 1)
    return counts


@dataclass(frozen=True)
class PhoneSegment:
    """One phone of an alignment: `tids` are its frames' transition ids, from frame `start`."""

    phone: int
    start: int
    tids: tuple[int, ...]

    @property
    def num_frames(self) -> int:
        return len(self.tids)

    @property
    def end(self) -> int:
        """One past the last frame."""
        return self.start + len(self.tids)


def _is_reordered(trans_model: TransitionModel, ali: np.ndarray) -> bool:
    """Whether self-loops follow their state's forward transition (Kaldi's IsReordered)."""
    tstate, loop = trans_model.tid2tstate[ali], trans_model.tid_is_self_loop[ali]
    changes = np.flatnonzero(tstate[:-1] != tstate[1:])
    for i in changes:
        if loop[i]:
            return True
        if loop[i + 1]:
            return False
    return bool(ali.size) and not loop[0] and bool(loop[-1])


def split_to_phones(trans_model: TransitionModel, alignment: np.ndarray) -> list[PhoneSegment]:
    """The phones of an alignment with their frames, as Kaldi's SplitToPhones.

    A phone ends at a transition into its HMM's final state (and, with reordered
    self-loops, the self-loops that follow it). ToolkitError if the alignment does not
    split into whole phones (it ends inside a phone, or the phone changes mid-HMM).
    """
    ali = _check(trans_model, alignment)
    reordered = _is_reordered(trans_model, ali)
    is_final, is_loop = trans_model.tid_is_final, trans_model.tid_is_self_loop
    tstate, phone = trans_model.tid2tstate[ali], trans_model.tid2phone[ali]
    ends: list[int] = []
    T = ali.size
    i = 0
    while i < T:
        if is_final[ali[i]]:
            if reordered:
                while i + 1 < T and is_loop[ali[i + 1]] and tstate[i + 1] == tstate[i]:
                    i += 1
            ends.append(i + 1)
        elif i + 1 == T or phone[i] != phone[i + 1]:
            raise ToolkitError(f"alignment does not split into whole phones (at frame {i}): wrong model?")
        i += 1
    segments, start = [], 0
    for end in ends:
        segments.append(PhoneSegment(int(phone[start]), start, tuple(int(t) for t in ali[start:end])))
        start = end
    return segments



class AlignmentConverter:
    """Rewrites alignments of `old_model` in the transition ids of `new_model` (Kaldi's convert-ali).

    Both models must share the topology. Each phone keeps its frames, HMM states and
    transitions; the pdfs come from `new_ctx` with the phone's context in the alignment
    (phone 0 beyond the edges). Lookups are cached across utterances.
    """

    def __init__(self, old_model: TransitionModel, new_model: TransitionModel, new_ctx: ContextDependency):
        if old_model.topology != new_model.topology:
            raise ToolkitError("the two models have different topologies")
        self.old_model, self.new_model, self.new_ctx = old_model, new_model, new_ctx
        self._cache: dict[tuple[tuple[int, ...], int], int] = {}

    def _new_tid(self, window: tuple[int, ...], old_tid: int) -> int:
        tid = self._cache.get((window, old_tid))
        if tid is None:
            old, new = self.old_model, self.new_model
            phone = window[self.new_ctx.central_position]
            hmm_state = int(old.tid2hmm_state[old_tid])
            trans_index = old_tid - int(old.tstate_first_tid[old.tid2tstate[old_tid]])
            # Our topologies give a state one pdf class for both its forward and self-loop transitions.
            pdf = self.new_ctx.pdf(window, new.topology.entry(phone).states[hmm_state].pdf_class)
            tid = self._cache[(window, old_tid)] = new.tid(new.tstate(phone, hmm_state, pdf, pdf), trans_index)
        return tid

    def __call__(self, alignment: np.ndarray) -> np.ndarray:
        """(T,) int32 new transition ids; ToolkitError if the alignment does not split into phones under
        the old model or the new model lacks a transition state (another tree or topology)."""
        segments = split_to_phones(self.old_model, alignment)
        n, p = self.new_ctx.context_width, self.new_ctx.central_position
        padded = [0] * p + [s.phone for s in segments] + [0] * (n - 1 - p)
        out = np.empty(len(np.asarray(alignment)), dtype=np.int32)
        for i, seg in enumerate(segments):
            window = tuple(padded[i:i + n])
            out[seg.start:seg.end] = [self._new_tid(window, tid) for tid in seg.tids]
        return out
