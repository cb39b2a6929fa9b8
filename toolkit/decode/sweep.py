"""One decoding job's work, whatever computes the frames' log-likelihoods (GMM or DNN).

Each utterance is decoded once into a lattice and its best path taken at every LM weight
and insertion penalty of the grid (Kaldi's score.sh sweep); `decode_sweep` writes one
Kaldi text file per setting, `<lmwt>_<penalty>.txt`, and `timing.json` into OUT, and
optionally the best-path alignments at the decoding's own acoustic scale.

Decoding is timed in CPU seconds of the process (`time.process_time`): a job's real-time
factor is its cost on one core, the same whether or not other jobs share the cores.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import kaldifst
import numpy as np

from toolkit.decode.decoder import best_paths, decode_lattice, lattice_best_path
from toolkit.errors import InputError
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import write_int_vectors
from toolkit.io.atomic import atomic_dir
from toolkit.io.table import write_table
from toolkit.lang.symbols import SymbolTable
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger(__name__)


@dataclass
class SweepOptions:
    acoustic_scale: float = 0.083333
    beam: float = 13.0
    lattice_beam: float = 6.0
    lm_weights: Sequence[float] = (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
    word_ins_penalties: Sequence[float] = (0.0, 0.5, 1.0)
    frame_shift: float = 0.01


def decode_sweep(utterances: Sequence[str], log_likelihoods: Callable[[str], np.ndarray], hclg: kaldifst.StdFst,
                 words: SymbolTable, trans_model: TransitionModel, out: str | os.PathLike, opts: SweepOptions,
                 *, write_alignments: str | None = None, earlier: dict[str, float] | None = None) -> None:
    """Decode every utterance; `log_likelihoods(utt)` gives its (T, num_pdfs) scores (timed as decoding).

    `earlier` maps timing files of earlier passes to their seconds, added to this job's.
    """
    earlier = earlier or {}
    grid = [(w, p) for w in opts.lm_weights for p in opts.word_ins_penalties]
    hyps: dict[tuple[float, float], list[tuple[str, str]]] = {g: [] for g in grid}
    frames, seconds, not_final = 0, 0.0, []
    alignments = []
    for utt in progress(utterances, "decoding", unit="utt"):
        start = time.process_time()
        loglikes = log_likelihoods(utt)
        result = decode_lattice(hclg, loglikes, trans_model, acoustic_scale=opts.acoustic_scale,
                                beam=opts.beam, lattice_beam=opts.lattice_beam)
        paths = best_paths(result[0], opts.lm_weights, opts.word_ins_penalties) if result else {}
        if result and write_alignments:
            alignments.append((utt, lattice_best_path(result[0], opts.acoustic_scale).alignment))
        seconds += time.process_time() - start
        frames += len(loglikes)
        if result is None or not result[1]:
            not_final.append(utt)
            _log.warning("utterance '%s': no final state reached; %s", utt,
                         "keeping the best partial path" if result else "no path at all (empty hypothesis)")
        for g in grid:
            hyps[g].append((utt, " ".join(words.symbols(paths[g].words)) if g in paths else ""))
    audio = frames * opts.frame_shift
    total = seconds + sum(earlier.values())
    timing = {"utterances": len(utterances), "audio_seconds": audio, "decode_seconds": total}
    if earlier:
        timing.update(pass_seconds=seconds, earlier=earlier)
    if write_alignments:
        write_int_vectors(write_alignments, alignments)
    with atomic_dir(out) as tmp:
        for (w, p), lines in hyps.items():
            write_table(tmp / f"{w:g}_{p:g}.txt", lines)
        with open(tmp / "timing.json", "w") as f:
            json.dump(timing, f)
    _log.info("decoded %d utterances, %d without a final state", len(utterances), len(not_final))
    if write_alignments:
        _log.info("wrote the best-path alignments of %d utterances to %s", len(alignments), write_alignments)
    _log.info("real-time factor %.4f (%.1f CPU seconds decoding, likelihoods included, for %.1f s of audio)",
              seconds / max(audio, 1e-9), seconds, audio)
    if earlier:
        _log.info("real-time factor %.4f with the earlier passes (%.1f s in all: %s)", total / max(audio, 1e-9),
                  total, ", ".join(f"{v:.1f} s {k}" for k, v in earlier.items()))


def earlier_seconds(path: str) -> float:
    """The decode_seconds of a timing file; InputError naming it if it has none."""
    try:
        with open(path) as f:
            seconds = json.load(f)["decode_seconds"]
        return float(seconds)
    except OSError as e:
        raise InputError(f"cannot read the timing file ({e.strerror})", path) from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"not a timing file with decode_seconds ({type(e).__name__}: {e})", path) from None


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.replace(",", " ").split()]


def add_sweep_options(p) -> None:
    """The decoding and grid options every decoding step shares (an argparse parser or group)."""
    p.add_argument("--acoustic-scale", type=float, default=0.083333, help="acoustic scale while decoding")
    p.add_argument("--beam", type=float, default=13.0, help="decoding beam")
    p.add_argument("--lattice-beam", type=float, default=6.0, help="lattice pruning beam")
    p.add_argument("--lm-weights", type=_floats, default="7 8 9 10 11 12 13 14 15 16 17",
                   help="LM weights (inverse acoustic scales) to take best paths at")
    p.add_argument("--word-ins-penalties", type=_floats, default="0.0 0.5 1.0",
                   help="word insertion penalties to take best paths at")
    p.add_argument("--frame-shift", type=float, default=0.01, help="seconds per frame, for the real-time factor")
    p.add_argument("--write-alignments", metavar="ARK", default=None,
                   help="also write each utterance's best-path transition ids at --acoustic-scale here")
    p.add_argument("--add-timing", metavar="FILE", action="append", default=[],
                   help="timing of an earlier pass of this job (JSON with decode_seconds), added to this job's; "
                        "may repeat")


def sweep_options(args) -> SweepOptions:
    return SweepOptions(args.acoustic_scale, args.beam, args.lattice_beam, args.lm_weights, args.word_ins_penalties,
                        args.frame_shift)
