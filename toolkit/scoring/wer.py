"""Word error rate as Kaldi's compute-wer reports it, on alignments that reproduce NIST sclite's.

Two cost schemes choose each utterance's alignment (both trace back from stored best predecessors):
  sclite       ins 3, del 3, sub 4, correct 0; where predecessors tie, take the diagonal, then an
               insertion, then a deletion (sclite's net_dp.c). Alignments, hence counts, equal sclite's.
  levenshtein  unit costs, so errors = minimum edit distance; ties as Kaldi's compute-wer breaks
               them (insertion, then deletion, then the diagonal), so ins/del/sub equal compute-wer's.
Words compare exactly, as in compute-wer (sclite itself ignores case and treats "(word)" in a
reference as optionally deletable).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Mapping, Sequence

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.log import get_logger
from toolkit.scoring.bootstrap import bootstrap_ratio_interval

_log = get_logger(__name__)

COSTS = ("sclite", "levenshtein")
MODES = ("strict", "present", "all")
EMPTY = "***"
"""The word shown on the empty side of an insertion or deletion in per-utterance alignments."""

OPS = "CSID"
_C, _S, _I, _D = 0, 1, 2, 3
_OPS_TABLE = bytes.maketrans(bytes(range(4)), OPS.encode())
_BATCH_CELLS = 1 << 22  # cells of one padded DP table (int64), bounding memory to ~32 MB


def edit_ops(
    refs: Sequence[Sequence[str]], hyps: Sequence[Sequence[str]], costs: str = "sclite"
) -> list[str]:
    """One alignment per (ref, hyp) pair, as a string of 'C', 'S', 'I', 'D' in column order.

    'I' consumes a hyp word only, 'D' a ref word only, 'C' and 'S' one of each. Pairs are
    aligned in padded numpy batches of similar lengths.
    """
    if costs not in COSTS:
        raise ToolkitError(f"unknown cost scheme '{costs}' (expected one of: {', '.join(COSTS)})")
    if len(refs) != len(hyps):
        raise ToolkitError(f"{len(refs)} references but {len(hyps)} hypotheses")
    vocab: dict[str, int] = {}
    ref_ids = [[vocab.setdefault(w, len(vocab)) for w in r] for r in refs]
    hyp_ids = [[vocab.setdefault(w, len(vocab)) for w in h] for h in hyps]
    ref_len = np.array([len(r) for r in ref_ids], dtype=np.int64)
    hyp_len = np.array([len(h) for h in hyp_ids], dtype=np.int64)
    out = [""] * len(refs)
    order = np.lexsort((hyp_len, ref_len))
    start = 0
    while start < len(order):
        stop, max_m, max_n = start, 0, 0
        while stop < len(order):
            m = max(max_m, int(ref_len[order[stop]]))
            n = max(max_n, int(hyp_len[order[stop]]))
            if stop > start and (stop - start + 1) * (m + 1) * (n + 1) > _BATCH_CELLS:
                break
            max_m, max_n, stop = m, n, stop + 1
        batch = order[start:stop]
        codes, lengths = _align_batch([ref_ids[b] for b in batch], [hyp_ids[b] for b in batch], costs)
        for row, b in enumerate(batch):
            out[b] = codes[row, : lengths[row]].tobytes().translate(_OPS_TABLE).decode()
        start = stop
    return out


def _align_batch(refs: list[list[int]], hyps: list[list[int]], costs: str) -> tuple[np.ndarray, np.ndarray]:
    """Align a batch: op codes (B, max_m + max_n) uint8, each row's ops first, and their counts (B,)."""
    bsz = len(refs)
    m_len = np.array([len(r) for r in refs], dtype=np.int64)
    n_len = np.array([len(h) for h in hyps], dtype=np.int64)
    max_m, max_n = int(m_len.max()), int(n_len.max())
    # Different pads on the two sides never match; the spare column keeps index 0 valid when
    # a side is empty.
    ref = np.full((bsz, max_m + 1), -1, dtype=np.int64)
    hyp = np.full((bsz, max_n + 1), -2, dtype=np.int64)
    for b in range(bsz):
        ref[b, : m_len[b]] = refs[b]
        hyp[b, : n_len[b]] = hyps[b]
    c_ins, c_del, c_sub = (3, 3, 4) if costs == "sclite" else (1, 1, 1)

    # cost[b, i, j]: cheapest alignment of ref[b, :i] with hyp[b, :j].
    cost = np.empty((bsz, max_m + 1, max_n + 1), dtype=np.int64)
    steps = np.arange(max_n + 1, dtype=np.int64) * c_ins
    cost[:, 0, :] = steps
    for i in range(1, max_m + 1):
        prev = cost[:, i - 1, :]
        best = prev + c_del
        diag = prev[:, :-1] + np.where(ref[:, i - 1, None] == hyp[:, :max_n], 0, c_sub)
        np.minimum(best[:, 1:], diag, out=best[:, 1:])
        # Insertions chain along the row: cost[i, j] = min over k <= j of best[k] + (j - k) * c_ins.
        cost[:, i, :] = np.minimum.accumulate(best - steps, axis=1) + steps

    rows = np.arange(bsz)
    i, j = m_len.copy(), n_len.copy()
    total = max_m + max_n
    codes = np.zeros((bsz, total), dtype=np.uint8)
    length = np.zeros(bsz, dtype=np.int64)
    for _ in range(total):
        active = (i > 0) | (j > 0)
        if not active.any():
            break
        here = cost[rows, i, j]
        im, jm = np.maximum(i - 1, 0), np.maximum(j - 1, 0)
        same = ref[rows, im] == hyp[rows, jm]
        diag_ok = (i > 0) & (j > 0) & (cost[rows, im, jm] + np.where(same, 0, c_sub) == here)
        del_ok = (i > 0) & (cost[rows, im, j] + c_del == here)
        ins_ok = (j > 0) & (cost[rows, i, jm] + c_ins == here)
        diag_op = np.where(same, _C, _S)
        if costs == "sclite":
            op = np.where(diag_ok, diag_op, np.where(ins_ok, _I, _D))
        else:
            op = np.where(ins_ok, _I, np.where(del_ok, _D, diag_op))
        pos = np.minimum(length, total - 1)
        codes[rows, pos] = np.where(active, op, codes[rows, pos])
        length += active
        i -= active & (op != _I)
        j -= active & (op != _D)
    # The trace back collected ops last-first; reverse each row's prefix.
    back = np.maximum(length[:, None] - 1 - np.arange(total)[None, :], 0)
    return np.take_along_axis(codes, back, axis=1), length


@dataclass(frozen=True)
class UttAlignment:
    """One scored utterance: its words and the ops aligning them (see `edit_ops`)."""

    key: str
    ref: tuple[str, ...]
    hyp: tuple[str, ...]
    ops: str

    @property
    def csid(self) -> tuple[int, int, int, int]:
        """Counts of correct words, substitutions, insertions, deletions."""
        return tuple(self.ops.count(op) for op in "CSID")  # type: ignore[return-value]

    @property
    def errors(self) -> int:
        return len(self.ops) - self.ops.count("C")

    def columns(self) -> Iterator[tuple[str, str, str]]:
        """(ref word, hyp word, op) per column; EMPTY on the missing side."""
        r = h = 0
        for op in self.ops:
            ref_word = EMPTY if op == "I" else self.ref[r]
            hyp_word = EMPTY if op == "D" else self.hyp[h]
            r += op != "I"
            h += op != "D"
            yield ref_word, hyp_word, op

    def detail_lines(self) -> list[str]:
        """Kaldi's `align-text | wer_per_utt_details.pl` lines: ref, hyp, op (centred columns), #csid."""
        cols = list(self.columns())
        widths = [max(map(len, col)) for col in cols]
        ref, hyp, ops = ("  ".join(_centre(col[k], w) for col, w in zip(cols, widths)) for k in range(3))
        c, s, i, d = self.csid
        return [
            f"{self.key} ref  {ref}",
            f"{self.key} hyp  {hyp}",
            f"{self.key} op   {ops}",
            f"{self.key} #csid {c} {s} {i} {d}",
        ]


def _centre(text: str, width: int) -> str:
    """Centre like wer_per_utt_details.pl: any odd space goes to the left."""
    right = (width - len(text)) // 2
    return " " * (width - len(text) - right) + text + " " * right


@dataclass
class WerStats:
    """Totals over the scored utterances, in reference order, plus what was left out."""

    utts: list[UttAlignment] = field(default_factory=list)
    absent: int = 0
    """Reference utterances with no hypothesis (scored as empty in mode 'all', skipped in 'present')."""

    @property
    def ref_words(self) -> int:
        return sum(len(u.ref) for u in self.utts)

    @property
    def sentences(self) -> int:
        return len(self.utts)

    @property
    def sentence_errors(self) -> int:
        return sum(u.ref != u.hyp for u in self.utts)

    @property
    def csid(self) -> tuple[int, int, int, int]:
        per_utt = [u.csid for u in self.utts]
        return tuple(sum(column) for column in zip(*per_utt)) if per_utt else (0, 0, 0, 0)  # type: ignore[return-value]

    @property
    def errors(self) -> int:
        _, s, i, d = self.csid
        return s + i + d

    def kaldi_lines(self) -> list[str]:
        """The lines compute-wer prints: %WER (with ' [PARTIAL]' if any utterance was absent), %SER, Scored."""
        _, s, i, d = self.csid
        partial = " [PARTIAL]" if self.absent else ""
        return [
            f"%WER {kaldi_percent(self.errors, self.ref_words)} [ {self.errors} / {self.ref_words}, "
            f"{i} ins, {d} del, {s} sub ]{partial}",
            f"%SER {kaldi_percent(self.sentence_errors, self.sentences)} "
            f"[ {self.sentence_errors} / {self.sentences} ]",
            f"Scored {self.sentences} sentences, {self.absent} not present in hyp.",
        ]

    def bootstrap_line(self, resamples: int, confidence: float = 0.95, seed: int = 0) -> str:
        """`%WER 95% Conf Interval [ lo, hi ] (N bootstrap resamples over sentences)`, percentile method."""
        errors = np.array([u.errors for u in self.utts], dtype=np.int64)
        words = np.array([len(u.ref) for u in self.utts], dtype=np.int64)
        lo, hi = bootstrap_ratio_interval(errors, words, resamples, confidence, seed)
        return (
            f"%WER {confidence * 100:g}% Conf Interval [ {100 * lo:.2f}, {100 * hi:.2f} ] "
            f"({resamples} bootstrap resamples over sentences)"
        )


def kaldi_percent(num: int, den: int) -> str:
    """100 * num / den as compute-wer prints it: rounded to float32 (BaseFloat), then 2 decimals.

    A zero denominator gives 'nan' (0 / 0) or 'inf', as Kaldi's arithmetic would.
    """
    if den == 0:
        return "nan" if num == 0 else "inf"
    value = np.float32(100.0 * float(np.float32(num)) / float(np.float32(den)))
    return f"{float(value):.2f}"


def compute_wer(
    refs: Mapping[str, Sequence[str]],
    hyps: Mapping[str, Sequence[str]],
    mode: str = "strict",
    costs: str = "sclite",
    hyp_name: str | None = None,
) -> WerStats:
    """Align every reference utterance with its hypothesis, as compute-wer's --mode says.

    strict: every reference key must have a hypothesis (InputError naming the first missing
    key and `hyp_name`); present: skip and count those without; all: score them as empty.
    Hypothesis keys absent from `refs` are ignored, with a warning.
    """
    if mode not in MODES:
        raise ToolkitError(f"unknown mode '{mode}' (expected one of: {', '.join(MODES)})")
    missing = [k for k in refs if k not in hyps]
    if missing and mode == "strict":
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise InputError(
            f"no hypothesis for utterance '{missing[0]}'{more}; mode 'strict' requires one for every "
            "reference utterance (mode 'present' skips them, 'all' scores them as empty)",
            hyp_name,
        )
    extra = [k for k in hyps if k not in refs]
    if extra:
        _log.warning("%d hypothesis utterances have no reference, ignored (first: '%s')", len(extra), extra[0])
    keys = [k for k in refs if mode == "all" or k in hyps]
    ref_words = [tuple(refs[k]) for k in keys]
    hyp_words = [tuple(hyps.get(k, ())) for k in keys]
    ops = edit_ops(ref_words, hyp_words, costs)
    stats = WerStats(
        utts=[UttAlignment(k, r, h, o) for k, r, h, o in zip(keys, ref_words, hyp_words, ops)],
        absent=len(missing),
    )
    if stats.sentences == 0:
        _log.warning("no sentences were scored: %WER and %SER are undefined")
    elif stats.ref_words == 0:
        _log.warning("the scored references contain no words: %WER is undefined")
    if missing:
        _log.warning("%d reference utterances have no hypothesis (first: '%s')", len(missing), missing[0])
    return stats

