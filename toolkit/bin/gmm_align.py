"""Forced alignment of a data directory with a GMM-HMM through its training graphs (Kaldi's gmm-align-compiled).

Each utterance of DATA is aligned by Viterbi beam search through its graph in GRAPHS,
retrying once with --retry-beam when the first beam reaches no final state. Utterances
that still fail are listed in the log and left out of ALIGNMENTS; they never get a wrong
alignment. The average per-frame log-likelihood of the alignments is logged. With --acc,
the statistics of the new alignments are accumulated too (what gmm_acc_stats would compute
from them), so a training iteration that realigns reads and processes its features once.

  python -m toolkit.bin.gmm_align --beam 10 --retry-beam 40 exp/mono/final.mdl \\
      exp/mono/fsts.1.ark data/train/split2/1 exp/mono_ali/ali.1.ark
"""
import numpy as np

from toolkit import cli
from toolkit.decode.decoder import align
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.accumulate import accumulate_aligned
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.io.archive import int_vector_writer
from toolkit.io.fst_archive import read_fst_archive
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger("gmm_align")
_SHOWN = 20


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--beam", type=float, default=10.0, help="decoding beam")
    p.add_argument("--retry-beam", type=float, default=40.0, help="beam of the second try (0: no retry)")
    p.add_argument("--acoustic-scale", type=float, default=0.1, help="scale of the acoustic log-likelihoods")
    p.add_argument("--transition-scale", type=float, default=1.0, help="scale of the transition log-probabilities")
    p.add_argument("--self-loop-scale", type=float, default=0.1, help="scale of the self-loop log-probabilities")
    p.add_argument("--acc", metavar="FILE", help="also write the GMM and transition statistics of the alignments")
    p.add_argument("model", help="model file (e.g. exp/mono/final.mdl)")
    p.add_argument("graphs", help="training graphs archive (from compile_train_graphs)")
    p.add_argument("data", help="data directory (feats.scp, cmvn.scp)")
    p.add_argument("alignments", help="output archive of transition-id alignments")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    trans_model, _, am = load_model(args.model)
    reader = feature_reader(args.data, args)
    graphs = dict(read_fst_archive(args.graphs))
    failed: list[str] = []
    aligned: list[tuple[np.ndarray, np.ndarray]] = []  # kept for --acc
    done, frames, like = 0, 0, 0.0
    with int_vector_writer(args.alignments) as writer:
        for utt in progress(reader.keys(), "aligning", unit="utt"):
            graph = graphs.get(utt)
            if graph is None:
                failed.append(utt)
                _log.warning("utterance '%s' not aligned: no training graph in %s", utt, args.graphs)
                continue
            feats = reader[utt]
            if feats.shape[1] != am.dim:
                raise InputError(f"utterance '{utt}': features have dimension {feats.shape[1]} but the model "
                                 f"{args.model} has {am.dim} (do the feature options match the model's?)", args.data)
            # Only the graph's pdfs are scored: a few dozen of the model's hundreds.
            hyp = align(graph, lambda pdfs: am.log_likelihoods_of(feats, pdfs), trans_model,
                        acoustic_scale=args.acoustic_scale,
                        transition_scale=args.transition_scale, self_loop_scale=args.self_loop_scale,
                        beam=args.beam, retry_beam=args.retry_beam)
            if hyp is None:
                failed.append(utt)
                if len(failed) <= _SHOWN:
                    _log.warning("utterance '%s' not aligned: no final state reached with beam %g or retry beam %g "
                                 "(%d frames)", utt, args.beam, args.retry_beam, len(feats))
                continue
            writer.write(utt, hyp.alignment)
            if args.acc:
                aligned.append((feats, hyp.alignment))
            done += 1
            frames += len(feats)
            like -= hyp.acoustic_cost
        if done == 0:
            raise ToolkitError(f"no utterance of {args.data} could be aligned with {args.model}")
    _log.info("aligned %d utterances, failed %d%s", done, len(failed),
              f": {' '.join(failed[:_SHOWN])}{' ...' if len(failed) > _SHOWN else ''}" if failed else "")
    _log.info("overall log-likelihood per frame is %.4f over %d frames", like / max(frames, 1), frames)
    if args.acc:
        accumulate_aligned(am, trans_model.tid2pdf, aligned).save(args.acc)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
