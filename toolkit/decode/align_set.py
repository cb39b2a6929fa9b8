"""Forced alignment of every utterance of a set through its training graph, whatever scores the frames.

The loop shared by the GMM and the hybrid DNN aligners (Kaldi's gmm-align-compiled and
align-compiled-mapped): an utterance without a graph, or whose search reaches no final state
at the beam nor at the retry beam, is logged and left out of the archive; it never gets a
wrong alignment.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import kaldifst
import numpy as np

from toolkit.decode.decoder import align
from toolkit.errors import ToolkitError
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import int_vector_writer
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger(__name__)
_SHOWN = 20


@dataclass
class AlignOptions:
    """The search's scales and beams, with gmm-align-compiled's defaults."""

    acoustic_scale: float = 0.1
    transition_scale: float = 1.0
    self_loop_scale: float = 0.1
    beam: float = 10.0
    retry_beam: float = 40.0


def add_align_options(parser: argparse.ArgumentParser) -> None:
    """The options of AlignOptions, as every aligning step spells them."""
    d = AlignOptions()
    parser.add_argument("--beam", type=float, default=d.beam, help="decoding beam")
    parser.add_argument("--retry-beam", type=float, default=d.retry_beam, help="beam of the second try (0: no retry)")
    parser.add_argument("--acoustic-scale", type=float, default=d.acoustic_scale,
                        help="scale of the acoustic log-likelihoods")
    parser.add_argument("--transition-scale", type=float, default=d.transition_scale,
                        help="scale of the transition log-probabilities")
    parser.add_argument("--self-loop-scale", type=float, default=d.self_loop_scale,
                        help="scale of the self-loop log-probabilities")


def align_options(args: argparse.Namespace) -> AlignOptions:
    return AlignOptions(acoustic_scale=args.acoustic_scale, transition_scale=args.transition_scale,
                        self_loop_scale=args.self_loop_scale, beam=args.beam, retry_beam=args.retry_beam)


@dataclass
class AlignSummary:
    """What an aligned set gave: counts, the alignments' total acoustic log-likelihood, who failed."""

    aligned: int = 0
    frames: int = 0
    log_likelihood: float = 0.0
    failed: list[str] = field(default_factory=list)

    def log(self) -> None:
        shown = " ".join(self.failed[:_SHOWN]) + (" ..." if len(self.failed) > _SHOWN else "")
        _log.info("aligned %d utterances, failed %d%s", self.aligned, len(self.failed),
                  f": {shown}" if self.failed else "")
        _log.info("overall log-likelihood per frame is %.4f over %d frames",
                  self.log_likelihood / max(self.frames, 1), self.frames)


def align_set(
    utterances: Iterable[str],
    graphs: dict[str, kaldifst.StdFst],
    scores: Callable[[str], np.ndarray | Callable[[np.ndarray], np.ndarray]],
    trans_model: TransitionModel,
    out_ark: str,
    opts: AlignOptions,
    *,
    what: str = "the set",
    graphs_name: str = "the training graphs",
    on_aligned: Callable[[str, np.ndarray], None] | None = None,
) -> AlignSummary:
    """Align each utterance through `graphs[utt]` and write its (T,) transition ids to `out_ark`.

    `scores(utt)` returns the utterance's (T, num_pdfs) log-likelihoods, or a scorer from pdf
    ids (P,) to their (T, P) log-likelihoods so that only the graph's pdfs are computed.
    `on_aligned(utt, alignment)` is called for each alignment written. Raises ToolkitError,
    naming `what` and leaving no archive, when no utterance could be aligned.
    """
    summary = AlignSummary()
    with int_vector_writer(out_ark) as writer:
        for utt in progress(utterances, "aligning", unit="utt"):
            graph = graphs.get(utt)
            if graph is None:
                summary.failed.append(utt)
                _log.warning("utterance '%s' not aligned: no training graph in %s", utt, graphs_name)
                continue
            hyp = align(graph, scores(utt), trans_model, acoustic_scale=opts.acoustic_scale,
                        transition_scale=opts.transition_scale, self_loop_scale=opts.self_loop_scale,
                        beam=opts.beam, retry_beam=opts.retry_beam)
            if hyp is None:
                summary.failed.append(utt)
                if len(summary.failed) <= _SHOWN:
                    _log.warning("utterance '%s' not aligned: no final state reached with beam %g or retry beam %g",
                                 utt, opts.beam, opts.retry_beam)
                continue
            writer.write(utt, hyp.alignment)
            if on_aligned is not None:
                on_aligned(utt, hyp.alignment)
            summary.aligned += 1
            summary.frames += len(hyp.alignment)
            summary.log_likelihood -= hyp.acoustic_cost
        if summary.aligned == 0:
            raise ToolkitError(f"no utterance of {what} could be aligned")
    return summary
