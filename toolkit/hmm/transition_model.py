"""Kaldi's TransitionModel: transition states and transition ids, with their probabilities.

A transition state is one tuple (phone, hmm_state, forward_pdf, self_loop_pdf) that some
phone in context can produce: the emitting HMM states of `phone`'s topology entry, with
every pdf the context dependency allows for that state's pdf class. Tuples are sorted and
numbered from 1. Each transition state has the transitions of its topology state; these
are the transition ids, numbered from 1 (0 is epsilon in graphs) in the order
(transition state, transition index). A transition id determines its phone, HMM state,
pdf (the self-loop pdf for a self-loop, else the forward pdf), whether it is a self-loop,
and whether it leaves the phone (goes to the final, non-emitting state).

Per-transition-id arrays are indexed by the id and have length num_tids + 1 (entry 0
is a placeholder); per-transition-state arrays have length num_tstates + 1.
"""
from __future__ import annotations

from typing import Mapping

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.hmm.context import ContextDependency
from toolkit.lang.topology import Topology, parse_topology


class TransitionModel:
    """Transition states/ids of `topology` under a context dependency, with log probabilities.

    Arrays (index 0 unused): `tid2pdf`, `tid2phone`, `tid2hmm_state`, `tid2tstate`,
    `tid2dest` (destination HMM state), `tid_is_self_loop`, `tid_is_final` (num_tids + 1,);
    `log_probs` (num_tids + 1,) float64; `self_loop_tid` (0 if none), `non_self_loop_log_prob`
    (num_tstates + 1,). `tuples` is (num_tstates, 4) int32: phone, hmm_state, forward_pdf,
    self_loop_pdf of transition states 1 .. num_tstates.
    """

    def __init__(self, topology: Topology, tuples: np.ndarray, log_probs: np.ndarray | None = None):
        self.topology = topology
        self.tuples = np.asarray(tuples, dtype=np.int32).reshape(-1, 4)
        rows = [tuple(int(x) for x in r) for r in self.tuples]
        if rows != sorted(set(rows)):
            raise ToolkitError("transition model: tuples are not sorted and unique")
        self._tstate_of = {r: i + 1 for i, r in enumerate(rows)}

        first_tid = [0, 1]
        tid_rows: list[tuple[int, int, int, int, int, int, float]] = []  # tstate, phone, hmm_state, pdf, dest, final, prob
        for tstate, (phone, hmm_state, fpdf, lpdf) in enumerate(rows, start=1):
            if phone not in topology.phones:
                raise ToolkitError(f"transition model: phone {phone} has no topology entry")
            states = topology.entry(phone).states
            if not 0 <= hmm_state < len(states) - 1:
                raise ToolkitError(f"transition model: phone {phone} has no emitting HMM state {hmm_state}")
            if min(fpdf, lpdf) < 0:
                raise ToolkitError(f"transition model: negative pdf in tuple {(phone, hmm_state, fpdf, lpdf)}")
            for dest, prob in states[hmm_state].transitions:
                loop = dest == hmm_state
                tid_rows.append((tstate, phone, hmm_state, lpdf if loop else fpdf, dest, dest == len(states) - 1, prob))
            first_tid.append(len(tid_rows) + 1)
        self.tstate_first_tid = np.array(first_tid, dtype=np.int32)  # (num_tstates + 2,): tids of s are [s], [s+1])
        cols = list(zip(*tid_rows)) if tid_rows else [()] * 7

        def per_tid(values, dtype, placeholder=0) -> np.ndarray:
            return np.concatenate([np.full(1, placeholder, dtype), np.array(values, dtype=dtype)])

        self.tid2tstate = per_tid(cols[0], np.int32)
        self.tid2phone = per_tid(cols[1], np.int32)
        self.tid2hmm_state = per_tid(cols[2], np.int32)
        self.tid2pdf = per_tid(cols[3], np.int32, placeholder=-1)
        self.tid2dest = per_tid(cols[4], np.int32)
        self.tid_is_final = per_tid(cols[5], bool)
        self.tid_is_self_loop = self.tid2dest == self.tid2hmm_state
        self.tid_is_self_loop[0] = False
        if log_probs is None:
            log_probs = np.log(per_tid(cols[6], np.float64, placeholder=1.0))
        log_probs = np.asarray(log_probs, dtype=np.float64)
        if log_probs.shape != (self.num_tids + 1,):
            raise ToolkitError(
                f"transition model: {log_probs.shape[0] if log_probs.ndim == 1 else log_probs.shape} log probabilities "
                f"for {self.num_tids} transition ids (expected {self.num_tids + 1} entries)"
            )
        if not np.all(np.isfinite(log_probs)) or np.any(log_probs > 1e-6):
            raise ToolkitError("transition model: log probabilities must be finite and <= 0")
        self.log_probs = log_probs
        self._compute_derived_of_probs()

    @classmethod
    def build(cls, topology: Topology, ctx: ContextDependency) -> TransitionModel:
        """The transition model of a new system: every tuple `ctx` allows, probabilities from the topology."""
        tuples = []
        for phone in topology.phones:
            for hmm_state, state in enumerate(topology.entry(phone).states[:-1]):
                for pdf in ctx.possible_pdfs(phone, state.pdf_class):
                    tuples.append((phone, hmm_state, pdf, pdf))
        tuples.sort()
        return cls(topology, np.array(tuples, dtype=np.int32))

    def _compute_derived_of_probs(self) -> None:
        n = self.num_tstates
        self.self_loop_tid = np.zeros(n + 1, dtype=np.int32)
        loops = np.flatnonzero(self.tid_is_self_loop)
        self.self_loop_tid[self.tid2tstate[loops]] = loops
        loop_prob = np.zeros(n + 1)
        loop_prob[self.tid2tstate[loops]] = np.exp(self.log_probs[loops])
        with np.errstate(divide="ignore"):
            self.non_self_loop_log_prob = np.log1p(-np.minimum(loop_prob, 1.0))
        self._scaled: dict[tuple[float, float], np.ndarray] = {}  # scaled_log_probs, per pair of scales

    @property
    def num_tids(self) -> int:
        return int(self.tstate_first_tid[-1]) - 1

    @property
    def num_tstates(self) -> int:
        return self.tuples.shape[0]

    @property
    def num_pdfs(self) -> int:
        """1 + the largest pdf any transition state uses (as Kaldi's NumPdfs)."""
        return int(self.tuples[:, 2:].max()) + 1 if self.num_tstates else 0

    @property
    def phones(self) -> list[int]:
        return self.topology.phones

    def tstate(self, phone: int, hmm_state: int, forward_pdf: int, self_loop_pdf: int) -> int:
        """The transition state of a tuple; ToolkitError if the model has no such tuple."""
        try:
            return self._tstate_of[(phone, hmm_state, forward_pdf, self_loop_pdf)]
        except KeyError:
            raise ToolkitError(
                f"transition model: no transition state for phone {phone}, HMM state {hmm_state}, "
                f"pdfs {forward_pdf}/{self_loop_pdf} (model and context dependency do not match?)"
            ) from None

    def tid(self, tstate: int, trans_index: int) -> int:
        """The transition id of transition `trans_index` of transition state `tstate`."""
        if 1 <= tstate <= self.num_tstates and 0 <= trans_index:
            tid = int(self.tstate_first_tid[tstate]) + trans_index
            if tid < self.tstate_first_tid[tstate + 1]:
                return tid
        raise ToolkitError(f"transition model: no transition {trans_index} in transition state {tstate}")

    def log_probs_ignoring_self_loops(self) -> np.ndarray:
        """(num_tids + 1,): log P(tid | not the self-loop) for non-self-loop tids (self-loops keep log P)."""
        out = self.log_probs.copy()
        fwd = ~self.tid_is_self_loop
        fwd[0] = False
        out[fwd] -= self.non_self_loop_log_prob[self.tid2tstate[fwd]]
        return out

    def scaled_log_probs(self, transition_scale: float, self_loop_scale: float) -> np.ndarray:
        """(num_tids + 1,) the log-probability each tid adds to a path, as Kaldi's AddTransitionProbs.

        Self-loops: self_loop_scale * log P(loop); other transitions: self_loop_scale *
        log P(leave the state) + transition_scale * log P(tid | leave). With equal scales this
        is scale * log P(tid). Entry 0 is 0. Computed once per pair of scales (read-only).
        """
        key = (float(transition_scale), float(self_loop_scale))
        if key not in self._scaled:
            self._scaled[key] = self._scale_log_probs(*key)
        return self._scaled[key]

    def _scale_log_probs(self, transition_scale: float, self_loop_scale: float) -> np.ndarray:
        if transition_scale == self_loop_scale:
            out = transition_scale * self.log_probs
        else:
            out = transition_scale * self.log_probs_ignoring_self_loops()
            fwd = ~self.tid_is_self_loop
            out[fwd] += self_loop_scale * self.non_self_loop_log_prob[self.tid2tstate[fwd]]
            out[self.tid_is_self_loop] = self_loop_scale * self.log_probs[self.tid_is_self_loop]
        out[0] = 0.0
        out.flags.writeable = False
        return out

    def update(self, counts: np.ndarray, mincount: float = 5.0, floor: float = 0.01) -> tuple[float, float]:
        """Maximum-likelihood update from transition counts (num_tids + 1,), as Kaldi's MleUpdate.

        Transition states with fewer than `mincount` counts keep their probabilities;
        others get counts / total, floored at `floor` and renormalised (three rounds, the
        last a flooring). Returns (objective improvement, total count) over updated states.
        """
        counts = np.asarray(counts, dtype=np.float64)
        if counts.shape != (self.num_tids + 1,):
            raise ToolkitError(f"transition counts have shape {counts.shape}, expected ({self.num_tids + 1},)")
        objf_impr = total = 0.0
        new_log_probs = self.log_probs.copy()
        for tstate in range(1, self.num_tstates + 1):
            lo, hi = int(self.tstate_first_tid[tstate]), int(self.tstate_first_tid[tstate + 1])
            if hi - lo < 2:
                continue
            c = counts[lo:hi]
            tot = c.sum()
            total += tot
            if tot < mincount:
                continue
            p = c / tot
            for _ in range(3):
                p = np.maximum(p / p.sum(), floor)
            objf_impr += float(np.sum(c * (np.log(p) - self.log_probs[lo:hi])))
            new_log_probs[lo:hi] = np.log(p)
        self.log_probs = new_log_probs
        self._compute_derived_of_probs()
        return objf_impr, total

    def to_arrays(self) -> dict[str, np.ndarray]:
        """`topology` (its text), `tuples` (num_tstates, 4) int32, `log_probs` (num_tids + 1,) float64."""
        return {
            "topology": np.array(self.topology.to_text()),
            "tuples": self.tuples.copy(),
            "log_probs": self.log_probs.copy(),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> TransitionModel:
        """Inverse of `to_arrays`; ToolkitError if the arrays are missing or inconsistent."""
        missing = [k for k in ("topology", "tuples", "log_probs") if k not in arrays]
        if missing:
            raise ToolkitError(f"transition model: missing arrays {missing}")
        topology = parse_topology(str(np.asarray(arrays["topology"])), "transition model topology")
        tuples = np.asarray(arrays["tuples"])
        if tuples.ndim != 2 or tuples.shape[1] != 4:
            raise ToolkitError(f"transition model: tuples have shape {tuples.shape}, expected (n, 4)")
        return cls(topology, tuples, np.asarray(arrays["log_probs"]))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TransitionModel)
            and self.topology == other.topology
            and np.array_equal(self.tuples, other.tuples)
            and np.array_equal(self.log_probs, other.log_probs)
        )
