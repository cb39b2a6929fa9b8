"""Decode a data directory with a GMM-HMM and an HCLG graph (Kaldi's gmm-latgen-faster + lattice scoring sweep).

Each utterance is decoded once into a lattice (kaldi-decoder's LatticeSimpleDecoder), and
the lattice's best path is taken at every LM weight in --lm-weights and word insertion
penalty in --word-ins-penalties, as Kaldi's score.sh does with lattice-scale and
lattice-add-penalty. OUT (e.g. exp/mono/decode_dev/hyp.1) receives one Kaldi text file per
setting, `<lmwt>_<penalty>.txt` (utterance id, then words; an utterance that reached no
final state keeps its best partial path, as in Kaldi, and is listed in the log), and
`timing.json` with the audio and decoding seconds; the log gives the real-time factor.

--write-alignments ARK writes each utterance's best-path transition ids at the decoding's
own acoustic scale (the lattice's best path under graph + acoustic-scale * acoustic, no
insertion penalty), as an int-vector archive: the first pass of fMLLR decoding estimates
the speaker transforms from them (est_fmllr). --add-timing FILE (a timing.json of the same
job in an earlier pass, or est_fmllr --write-timing's file; may repeat) adds that file's
decode_seconds to this job's, so the real-time factor of a multi-pass system counts every
pass; timing.json then keeps this pass's own seconds as `pass_seconds` and the added ones
under `earlier`.

  python -m toolkit.bin.gmm_decode exp/mono/final.mdl exp/mono/graph data/dev/split2/1 \\
      exp/mono/decode_dev/hyp.1
"""
import json
import os
import time


from toolkit import cli
from toolkit.decode.decoder import best_paths, decode_lattice, lattice_best_path
from toolkit.errors import InputError
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.io.archive import write_int_vectors
from toolkit.io.atomic import atomic_dir
from toolkit.io.fst import read_fst
from toolkit.io.table import write_table
from toolkit.lang.symbols import read_symbol_table
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger("gmm_decode")


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.replace(",", " ").split()]


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
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
    p.add_argument("model", help="model file (e.g. exp/mono/final.mdl)")
    p.add_argument("graph_dir", help="graph directory with HCLG.fst and words.txt (from make_graph)")
    p.add_argument("data", help="data directory (feats.scp, cmvn.scp)")
    p.add_argument("out", help="output directory for this job's hypotheses (replaced)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    earlier = {path: _earlier_seconds(path) for path in args.add_timing}
    trans_model, _, am = load_model(args.model)
    hclg = read_fst(os.path.join(args.graph_dir, "HCLG.fst"))
    words = read_symbol_table(os.path.join(args.graph_dir, "words.txt"))
    reader = feature_reader(args.data, args)
    grid = [(w, p) for w in args.lm_weights for p in args.word_ins_penalties]
    hyps: dict[tuple[float, float], list[tuple[str, str]]] = {g: [] for g in grid}
    frames, seconds, not_final = 0, 0.0, []
    alignments = []
    for utt in progress(reader.keys(), "decoding", unit="utt"):
        feats = reader[utt]
        if feats.shape[1] != am.dim:
            raise InputError(f"utterance '{utt}': features have dimension {feats.shape[1]} but the model "
                             f"{args.model} has {am.dim} (do the feature options match the model's?)", args.data)
        start = time.perf_counter()
        result = decode_lattice(hclg, am.log_likelihoods(feats), trans_model, acoustic_scale=args.acoustic_scale,
                                beam=args.beam, lattice_beam=args.lattice_beam)
        paths = best_paths(result[0], args.lm_weights, args.word_ins_penalties) if result else {}
        if result and args.write_alignments:
            alignments.append((utt, lattice_best_path(result[0], args.acoustic_scale).alignment))
        seconds += time.perf_counter() - start
        frames += len(feats)
        if result is None or not result[1]:
            not_final.append(utt)
            _log.warning("utterance '%s': no final state reached; %s", utt,
                         "keeping the best partial path" if result else "no path at all (empty hypothesis)")
        for g in grid:
            hyps[g].append((utt, " ".join(words.symbols(paths[g].words)) if g in paths else ""))
    audio = frames * args.frame_shift
    total = seconds + sum(earlier.values())
    timing = {"utterances": len(reader), "audio_seconds": audio, "decode_seconds": total}
    if earlier:
        timing.update(pass_seconds=seconds, earlier=earlier)
    if args.write_alignments:
        write_int_vectors(args.write_alignments, alignments)
    with atomic_dir(args.out) as tmp:
        for (w, p), lines in hyps.items():
            write_table(tmp / f"{w:g}_{p:g}.txt", lines)
        with open(tmp / "timing.json", "w") as f:
            json.dump(timing, f)
    _log.info("decoded %d utterances, %d without a final state", len(reader), len(not_final))
    if args.write_alignments:
        _log.info("wrote the best-path alignments of %d utterances to %s", len(alignments), args.write_alignments)
    _log.info("real-time factor %.4f (%.1f s decoding, likelihoods included, for %.1f s of audio)",
              seconds / max(audio, 1e-9), seconds, audio)
    if earlier:
        _log.info("real-time factor %.4f with the earlier passes (%.1f s in all: %s)", total / max(audio, 1e-9),
                  total, ", ".join(f"{v:.1f} s {k}" for k, v in earlier.items()))
    return 0


def _earlier_seconds(path: str) -> float:
    """The decode_seconds of a timing file; InputError naming it if it has none."""
    try:
        with open(path) as f:
            seconds = json.load(f)["decode_seconds"]
        return float(seconds)
    except OSError as e:
        raise InputError(f"cannot read the timing file ({e.strerror})", path) from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"not a timing file with decode_seconds ({type(e).__name__}: {e})", path) from None


if __name__ == "__main__":
    cli.exit_with(main)
