"""The decoding graph HCLG, as Kaldi's utils/mkgraph.sh builds it.

    LG    = minimize_encoded(determinize_star_log(L_disambig o G))
    CLG   = compose_context(LG)                  (with the ilabels of its phones in context)
    HCLGa = minimize_encoded(remove_disambig(determinize_star_log(Ha o CLG)))
    HCLG  = add_self_loops(HCLGa, self_loop_scale)

Ha is H without self-loops and with forward transition probabilities times
`transition_scale` (1.0); self-loops come in with `self_loop_scale` (0.1), reordered, as
Kaldi's defaults for GMM systems. Kaldi's fstpushspecial on LG and fstrmepslocal after
removing the disambiguation symbols are omitted: pushing only moves weight (a word loop
is stochastic already) and the few input-epsilon arcs left are handled by the decoders.

`make_graph` writes a graph directory (HCLG.fst, words.txt, phones.txt, the phones/ lists
scoring and alignment need, num_pdfs, disambig_tid.int) and skips the work when a stamp
of every input (file contents, the model's transition and context arrays, the scales)
matches the one stored with an existing HCLG.fst, as mkgraph.sh skips an up-to-date graph.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path
from typing import Sequence

import kaldifst
import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.graph.h_transducer import make_h_transducer
from toolkit.graph.self_loops import add_self_loops
from toolkit.hmm.context import ContextDependency
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.atomic import atomic_dir
from toolkit.io.fst import read_fst, write_fst
from toolkit.io.fst_arrays import arrays_to_fst, fst_to_arrays
from toolkit.lang.lang_dir import read_lang_dir
from toolkit.log import get_logger

log = get_logger(__name__)

STAMP = "inputs.sha256"
_FORMAT_VERSION = "hclg-1"
# Copied from the lang directory into the graph directory when present (as mkgraph.sh).
_LANG_FILES = (
    "phones.txt",
    "words.txt",
    "phones/silence.csl",
    "phones/optional_silence.int",
    "phones/optional_silence.txt",
    "phones/optional_silence.csl",
    "phones/disambig.int",
    "phones/disambig.txt",
    "phones/word_boundary.int",
    "phones/word_boundary.txt",
    "phones/align_lexicon.int",
    "phones/align_lexicon.txt",
)


def compose_lg(L_disambig: kaldifst.StdFst, G: kaldifst.StdFst) -> kaldifst.StdVectorFst:
    """det(L_disambig o G) in the log semiring, minimized; ToolkitError if the result is empty."""
    G = kaldifst.StdVectorFst(G) if not isinstance(G, kaldifst.StdVectorFst) else G.copy()
    kaldifst.arcsort(G, sort_type="ilabel")
    LG = kaldifst.compose(L_disambig, G)
    if LG.start < 0:
        raise ToolkitError("L o G is empty: do G's words appear in L (same words.txt)?")
    _determinize(LG, "LG")
    kaldifst.minimize_encoded(LG)
    return LG


def remove_input_symbols(fst: kaldifst.StdFst, symbols: Sequence[int]) -> kaldifst.StdVectorFst:
    """A copy of `fst` with the input labels in `symbols` replaced by epsilon (Kaldi's fstrmsymbols)."""
    t = fst_to_arrays(fst)
    t.ilabel[np.isin(t.ilabel, np.asarray(list(symbols), dtype=np.int64))] = 0
    return arrays_to_fst(t)


def make_hclg(
    L_disambig: kaldifst.StdFst,
    G: kaldifst.StdFst,
    disambig_phones: Sequence[int],
    trans_model: TransitionModel,
    ctx: ContextDependency,
    transition_scale: float = 1.0,
    self_loop_scale: float = 0.1,
) -> tuple[kaldifst.StdVectorFst, list[int]]:
    """(HCLG, disambiguation transition-id symbols that were removed) for L_disambig, G and the model."""
    t0 = time.perf_counter()
    LG = compose_lg(L_disambig, G)
    lo, hi = stochasticity(LG)
    log.info("LG: %d states, %d arcs; stochasticity min %.4g max %.4g", LG.num_states, _num_arcs(LG), lo, hi)
    CLG, ilabels = kaldifst.compose_context(
        list(disambig_phones), ctx.context_width, ctx.central_position, LG
    )
    kaldifst.arcsort(CLG, sort_type="ilabel")
    log.info("CLG (N=%d, P=%d): %d states, %d ilabels", ctx.context_width, ctx.central_position,
             CLG.num_states, len(ilabels))
    Ha, disambig_tids = make_h_transducer(ilabels, ctx, trans_model, transition_scale)
    HCLGa = kaldifst.compose(Ha, CLG)
    if HCLGa.start < 0:
        raise ToolkitError("H o CLG is empty: the model does not cover the phones of the lexicon")
    _determinize(HCLGa, "HCLGa")
    HCLGa = remove_input_symbols(HCLGa, disambig_tids)
    kaldifst.minimize_encoded(HCLGa)
    lo, hi = stochasticity(HCLGa)
    log.info("HCLGa: %d states, %d arcs; stochasticity min %.4g max %.4g", HCLGa.num_states, _num_arcs(HCLGa), lo, hi)
    HCLG = add_self_loops(HCLGa, trans_model, self_loop_scale)
    kaldifst.arcsort(HCLG, sort_type="ilabel")
    log.info("HCLG: %d states, %d arcs (%.2f s)", HCLG.num_states, _num_arcs(HCLG), time.perf_counter() - t0)
    return HCLG, disambig_tids


def _determinize(fst: kaldifst.StdVectorFst, name: str) -> None:
    if kaldifst.determinize_star(fst, use_log=True):
        raise ToolkitError(f"determinization of {name} stopped early")
    if fst.start < 0:
        raise ToolkitError(f"{name} is empty after determinization")


def _num_arcs(fst: kaldifst.StdFst) -> int:
    return sum(fst.num_arcs(s) for s in range(fst.num_states))


def stochasticity(fst: kaldifst.StdFst) -> tuple[float, float]:
    """(min, max) over states of -log(sum of arc and final probabilities): (0, 0) for a stochastic FST.

    As Kaldi's fstisstochastic reports it; states with no arcs and no final weight are skipped.
    """
    t = fst_to_arrays(fst)
    costs = np.concatenate([t.weight, t.final])
    owner = np.concatenate([t.src, np.arange(t.num_states)])
    finite = np.isfinite(costs)
    costs, owner = costs[finite], owner[finite]
    if costs.size == 0:
        return 0.0, 0.0
    # Per-state log-sum-exp of -cost, shifted by each state's best cost for stability.
    best = np.full(t.num_states, np.inf)
    np.minimum.at(best, owner, costs)
    total = np.zeros(t.num_states)
    np.add.at(total, owner, np.exp(best[owner] - costs))
    used = np.isfinite(best)
    sums = best[used] - np.log(total[used])
    return float(sums.min()), float(sums.max())


def _inputs_stamp(
    lang_dir: Path, trans_model: TransitionModel, ctx: ContextDependency, transition_scale: float, self_loop_scale: float
) -> str:
    h = hashlib.sha256(_FORMAT_VERSION.encode())
    for name in ("L_disambig.fst", "G.fst", "phones.txt", "words.txt", "phones/disambig.int"):
        h.update(name.encode())
        h.update((lang_dir / name).read_bytes())
    for prefix, arrays in (("trans", trans_model.to_arrays()), ("ctx", ctx.to_arrays())):
        for key in sorted(arrays):
            a = np.ascontiguousarray(arrays[key])
            h.update(f"{prefix}.{key}:{a.dtype.str}:{a.shape}".encode())
            h.update(a.tobytes())
    h.update(f"transition_scale={transition_scale!r} self_loop_scale={self_loop_scale!r}".encode())
    return h.hexdigest()


def make_graph(
    lang_dir: str | os.PathLike,
    trans_model: TransitionModel,
    ctx: ContextDependency,
    graph_dir: str | os.PathLike,
    *,
    transition_scale: float = 1.0,
    self_loop_scale: float = 0.1,
    force: bool = False,
) -> bool:
    """Write `graph_dir` for the lang directory (with G.fst) and the model; False if it was up to date."""
    lang_dir, graph_dir = Path(lang_dir), Path(graph_dir)
    lang = read_lang_dir(lang_dir)
    for name in ("L_disambig.fst", "G.fst"):
        if not (lang_dir / name).is_file():
            raise InputError("no such file (a lang directory with G.fst is needed, e.g. data/lang_test)", lang_dir / name)
    if lang.topology != trans_model.topology:
        raise InputError("the model's topology differs from this lang directory's: built for another phone set?",
                         lang_dir / "topo")
    stamp = _inputs_stamp(lang_dir, trans_model, ctx, transition_scale, self_loop_scale)
    stamp_file = graph_dir / STAMP
    up_to_date = (graph_dir / "HCLG.fst").is_file() and stamp_file.is_file() and stamp_file.read_text().strip() == stamp
    if up_to_date and not force:
        log.info("%s is up to date", graph_dir / "HCLG.fst")
        return False
    HCLG, disambig_tids = make_hclg(
        read_fst(lang_dir / "L_disambig.fst"), read_fst(lang_dir / "G.fst"), lang.disambig,
        trans_model, ctx, transition_scale, self_loop_scale,
    )
    with atomic_dir(graph_dir) as tmp:
        write_fst(HCLG, tmp / "HCLG.fst")
        (tmp / "phones").mkdir()
        for name in _LANG_FILES:
            if (lang_dir / name).is_file():
                shutil.copyfile(lang_dir / name, tmp / name)
        (tmp / "num_pdfs").write_text(f"{trans_model.num_pdfs}\n")
        (tmp / "disambig_tid.int").write_text("".join(f"{i}\n" for i in disambig_tids))
        (tmp / STAMP).write_text(stamp + "\n")
    log.info("wrote %s", graph_dir)
    return True
