"""Viterbi decoding and alignment of one utterance with kaldi-decoder, from per-pdf log-likelihoods.

kaldi-decoder's DecodableCtc reads a dense (T, num_tids) matrix whose column tid-1 is what
input label `tid` scores on each frame. `decodable_matrix` builds it from the (T, num_pdfs)
log-likelihoods the acoustic model computes: acoustic_scale * loglike[:, tid2pdf[tid]].
For training graphs (compiled without transition probabilities, as Kaldi's are) `align`
adds the scaled transition log-probability of each tid to its column: every arc with a tid
consumes exactly one frame, so this is the same as Kaldi's AddTransitionProbs on the graph.

- `align`: FasterDecoder with a retry beam, as gmm-align-compiled, on an `AlignmentGraph`
  (transition ids renumbered densely, so only the graph's pdfs are scored).
- `decode_lattice`: LatticeSimpleDecoder; its raw (state-level) lattice has graph costs
  and acoustic costs with the acoustic scale divided out, as Kaldi's lattices store them.
  `best_paths(lattice, lm_weights, penalties)` then gives the best path under
  graph + acoustic / lm_weight + penalty * words at every grid point (Kaldi's score.sh:
  lattice-add-penalty | lattice-scale --inv-acoustic-scale=LMWT | lattice-best-path),
  so one decoding serves a whole LM-weight / insertion-penalty sweep; `best_path_at`
  is one grid point. `lattice_best_path` is the decoder's own best path (graph +
  acoustic_scale * acoustic). All of them are OpenFst's shortest path on a scaled copy.
- `decode_best_path`: FasterDecoder best path only (no lattice), for speed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

import kaldi_decoder
import kaldifst
import numpy as np

from toolkit.errors import ToolkitError
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.fst_arrays import renumber_input_labels, with_word_penalties


@dataclass
class Hypothesis:
    """A decoded or aligned path.

    `words` (word ids), `alignment` (T,) int32 transition ids; `graph_cost` is the sum of the
    graph's weights along the path (with transition probabilities added by `align`,
    without insertion penalties), `acoustic_cost` = -sum of the frames' log-likelihoods,
    unscaled. The path's decoding cost was graph_cost + acoustic_scale * acoustic_cost.
    """

    words: list[int]
    alignment: np.ndarray
    graph_cost: float
    acoustic_cost: float


def decodable_matrix(
    loglikes: np.ndarray,
    trans_model: TransitionModel,
    acoustic_scale: float,
) -> np.ndarray:
    """(T, num_tids) float32: column tid-1 = acoustic_scale * loglikes[:, tid2pdf[tid]].

    `loglikes`: (T, num_pdfs) per-pdf log-likelihoods.
    """
    loglikes = np.asarray(loglikes)
    if loglikes.ndim != 2 or loglikes.shape[1] != trans_model.num_pdfs:
        raise ToolkitError(
            f"log-likelihoods have shape {loglikes.shape}, the model has {trans_model.num_pdfs} pdfs"
        )
    # Scale the (T, num_pdfs) matrix before spreading it over the (more) transition ids.
    return np.take(loglikes.astype(np.float32) * np.float32(acoustic_scale), trans_model.tid2pdf[1:], axis=1)


def _hypothesis_from_path(path: kaldifst.Lattice, loglikes: np.ndarray, label_column: np.ndarray,
                          acoustic_scale: float, label_tid: np.ndarray | None = None) -> Hypothesis:
    """Words and alignment of a linear lattice; graph cost = its path's total minus the scaled acoustics.

    `label_column[label]`: the column of `loglikes` that scores input label `label`;
    `label_tid[label]`: its transition id (the label itself when None).
    """
    ok, labels, words, weight = kaldifst.get_linear_symbol_sequence(path)
    if not ok:
        raise ToolkitError("the decoder's best path is not linear")
    labels = np.asarray(labels, dtype=np.int64)
    if labels.size != loglikes.shape[0]:
        raise ToolkitError(f"best path has {labels.size} transition ids for {loglikes.shape[0]} frames")
    ac = -float(np.sum(loglikes[np.arange(labels.size), label_column[labels]], dtype=np.float64))
    ali = (labels if label_tid is None else label_tid[labels]).astype(np.int32)
    total = weight.value1 + weight.value2
    return Hypothesis(list(words), ali, total - acoustic_scale * ac, ac)


@dataclass(frozen=True)
class AlignmentGraph:
    """A training graph with its transition ids renumbered 1..K in increasing order.

    The decoder's matrix then has K columns, one per transition id the graph uses, instead of
    one per transition id of the model (thousands for a tree), and only the P pdfs behind them
    need scoring, as Kaldi's decodables compute only the pdfs the search asks for.
    `tids` (K,): the transition id of label k + 1; `pdfs` (P,): the distinct pdfs of `tids`,
    sorted; `columns` (K,): the position of each tid's pdf in `pdfs`.
    """

    fst: kaldifst.StdConstFst
    tids: np.ndarray
    pdfs: np.ndarray
    columns: np.ndarray

    @classmethod
    def of(cls, graph: kaldifst.StdFst, trans_model: TransitionModel) -> AlignmentGraph:
        fst, tids = renumber_input_labels(graph)
        if tids.size and tids[-1] > trans_model.num_tids:
            raise ToolkitError(f"the graph has transition id {tids[-1]}, the model only {trans_model.num_tids}")
        pdfs, columns = np.unique(trans_model.tid2pdf[tids], return_inverse=True)
        return cls(fst, tids, pdfs, columns.reshape(-1))


def align(
    graph: kaldifst.StdFst | AlignmentGraph,
    loglikes: np.ndarray | Callable[[np.ndarray], np.ndarray],
    trans_model: TransitionModel,
    *,
    acoustic_scale: float = 0.1,
    transition_scale: float = 1.0,
    self_loop_scale: float = 0.1,
    beam: float = 10.0,
    retry_beam: float = 40.0,
) -> Hypothesis | None:
    """Forced alignment through a training graph (gmm-align-compiled); None if no final state is reached.

    `loglikes`: (T, num_pdfs) per-pdf log-likelihoods, or a function that maps an array of
    pdf ids (P,) to their (T, P) log-likelihoods, so that only the graph's pdfs are scored.
    The graph's own weights are kept and the transition log-probabilities (with the two
    scales) are added; a failure at `beam` is retried once at `retry_beam` (0: no retry).
    The Hypothesis's graph_cost includes those transition costs.
    """
    if not isinstance(graph, AlignmentGraph):
        graph = AlignmentGraph.of(graph, trans_model)
    if callable(loglikes):
        scores = np.asarray(loglikes(graph.pdfs), dtype=np.float32)
    else:
        full = np.asarray(loglikes)
        if full.ndim != 2 or full.shape[1] != trans_model.num_pdfs:
            raise ToolkitError(f"log-likelihoods have shape {full.shape}, the model has {trans_model.num_pdfs} pdfs")
        scores = full[:, graph.pdfs].astype(np.float32)
    if scores.ndim != 2 or scores.shape[1] != graph.pdfs.size:
        raise ToolkitError(f"log-likelihoods have shape {scores.shape} for the graph's {graph.pdfs.size} pdfs")
    if scores.shape[0] == 0:
        return None
    tid_log_probs = trans_model.scaled_log_probs(transition_scale, self_loop_scale)[graph.tids]
    matrix = scores[:, graph.columns] * np.float32(acoustic_scale) + tid_log_probs.astype(np.float32)
    label_column = np.concatenate([[0], graph.columns])
    label_tid = np.concatenate([[0], graph.tids])
    for b in (beam, retry_beam) if retry_beam > beam else (beam,):
        decoder = kaldi_decoder.FasterDecoder(graph.fst, kaldi_decoder.FasterDecoderOptions(beam=b))
        decoder.decode(kaldi_decoder.DecodableCtc(matrix))
        if decoder.reached_final():
            ok, path = decoder.get_best_path()
            if ok:
                return _hypothesis_from_path(path, scores, label_column, acoustic_scale, label_tid)
    return None


def decode_best_path(
    graph: kaldifst.StdFst,
    loglikes: np.ndarray,
    trans_model: TransitionModel,
    *,
    acoustic_scale: float = 0.1,
    beam: float = 13.0,
    max_active: int = 7000,
    min_active: int = 200,
) -> tuple[Hypothesis, bool] | None:
    """(best path, whether it reached a final state) with FasterDecoder (gmm-decode-faster); None if no path
    (e.g. no frames). Without a final state the best partial path is returned, as Kaldi's decoders do."""
    matrix = decodable_matrix(loglikes, trans_model, acoustic_scale)
    if matrix.shape[0] == 0:
        return None
    options = kaldi_decoder.FasterDecoderOptions(beam=beam, max_active=max_active, min_active=min_active)
    decoder = kaldi_decoder.FasterDecoder(graph, options)
    decoder.decode(kaldi_decoder.DecodableCtc(matrix))
    final = decoder.reached_final()
    ok, path = decoder.get_best_path(use_final_probs=True)  # the best token if no final state was reached
    if not ok or path.start < 0:
        return None
    return _hypothesis_from_path(path, loglikes, trans_model.tid2pdf, acoustic_scale), final


def decode_lattice(
    graph: kaldifst.StdFst,
    loglikes: np.ndarray,
    trans_model: TransitionModel,
    *,
    acoustic_scale: float = 0.1,
    beam: float = 13.0,
    lattice_beam: float = 6.0,
) -> tuple[kaldifst.Lattice, bool] | None:
    """(raw lattice, whether a final state was reached) from LatticeSimpleDecoder; None if it produced none
    (e.g. no frames).

    Lattice arcs: input transition ids, output word ids, weights (graph cost, acoustic cost
    with the acoustic scale divided out). Without a final state, the last frame's states end it.
    """
    if acoustic_scale <= 0:
        raise ToolkitError(f"acoustic scale must be positive, got {acoustic_scale}")
    matrix = decodable_matrix(loglikes, trans_model, acoustic_scale)
    if matrix.shape[0] == 0:
        return None
    config = kaldi_decoder.LatticeSimpleDecoderConfig(beam=beam, lattice_beam=lattice_beam)
    decoder = kaldi_decoder.LatticeSimpleDecoder(graph, config)
    decoder.decode(kaldi_decoder.DecodableCtc(matrix))
    final = math.isfinite(decoder.final_relative_cost())
    # Without a final state Kaldi's GetRawLattice makes every surviving state of the last frame final.
    ok, lattice = decoder.get_raw_lattice(use_final_probs=True)
    if not ok or lattice.start < 0:
        return None
    kaldifst.scale_lattice(kaldifst.lattice_scale(lmwt=1.0, acwt=1.0 / acoustic_scale), lattice)
    return lattice, final


def best_paths(
    lattice: kaldifst.Lattice, lm_weights: Sequence[float], word_ins_penalties: Sequence[float] = (0.0,)
) -> dict[tuple[float, float], Hypothesis]:
    """Best path of a `decode_lattice` lattice at every (lm_weight, word_ins_penalty) of the grid.

    The cost of a path is graph + acoustic / lm_weight + penalty * #words, as Kaldi's
    score.sh ranks paths: lattice-add-penalty, then per LM weight lattice-scale
    --inv-acoustic-scale=LMWT and OpenFst's shortest path (lattice-best-path), in float32
    as there. The returned costs are the path's own (graph cost without the penalty,
    unscaled acoustic cost). ToolkitError if the lattice has no complete path.
    """
    grid = [(float(w), float(p)) for w in lm_weights for p in word_ins_penalties]
    if not grid:
        return {}
    if min(w for w, _ in grid) <= 0:
        raise ToolkitError(f"LM weights must be positive, got {list(lm_weights)}")
    if lattice.start < 0:
        raise ToolkitError("the lattice is empty")
    penalties = sorted({p for _, p in grid})
    penalised = dict(zip(penalties, with_word_penalties(lattice, penalties)))
    return {(w, p): _shortest_path(penalised[p], 1.0 / w, p) for w, p in grid}


def best_path_at(lattice: kaldifst.Lattice, lm_weight: float, word_ins_penalty: float = 0.0) -> Hypothesis:
    """`best_paths` at one grid point."""
    return best_paths(lattice, [lm_weight], [word_ins_penalty])[(float(lm_weight), float(word_ins_penalty))]


def lattice_best_path(lattice: kaldifst.Lattice, acoustic_scale: float) -> Hypothesis:
    """The best path of a `decode_lattice` lattice under graph + acoustic_scale * acoustic, the decoder's
    own objective (best_path_at with LM weight 1 / acoustic_scale and no penalty), by OpenFst's shortest
    path on a scaled copy. ToolkitError if the lattice has no complete path."""
    if acoustic_scale <= 0:
        raise ToolkitError(f"acoustic scale must be positive, got {acoustic_scale}")
    return _shortest_path(lattice, acoustic_scale)


def _shortest_path(lattice: kaldifst.Lattice, acoustic_scale: float, penalty: float = 0.0) -> Hypothesis:
    """OpenFst's shortest path of a copy of `lattice` with its acoustic costs scaled; `penalty`: the word
    insertion penalty already in the lattice's graph costs, left out of the returned graph cost."""
    scaled = kaldifst.Lattice(lattice)
    kaldifst.scale_lattice(kaldifst.lattice_scale(lmwt=1.0, acwt=acoustic_scale), scaled)
    path = kaldifst.shortest_path(scaled)
    if path.start < 0:
        raise ToolkitError("the lattice has no complete path")
    ok, tids, words, weight = kaldifst.get_linear_symbol_sequence(path)
    if not ok:
        raise ToolkitError("the lattice's best path is not linear")
    return Hypothesis(list(words), np.asarray(tids, dtype=np.int32), weight.value1 - penalty * len(words),
                      weight.value2 / acoustic_scale)
