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
from toolkit.decode.align_set import add_align_options, align_options, align_set
from toolkit.errors import InputError
from toolkit.gmm.accumulate import accumulate_aligned
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.io.fst_archive import read_fst_archive


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    add_align_options(p)
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
    current: dict[str, np.ndarray] = {}
    aligned: list[tuple[np.ndarray, np.ndarray]] = []  # kept for --acc

    def scores(utt: str):
        feats = reader[utt]
        if feats.shape[1] != am.dim:
            raise InputError(f"utterance '{utt}': features have dimension {feats.shape[1]} but the model "
                             f"{args.model} has {am.dim} (do the feature options match the model's?)", args.data)
        current.clear()  # only the utterance being aligned
        current[utt] = feats
        return lambda pdfs: am.log_likelihoods_of(feats, pdfs)

    def keep(utt: str, alignment: np.ndarray) -> None:
        aligned.append((current.pop(utt), alignment))

    summary = align_set(reader.keys(), dict(read_fst_archive(args.graphs)), scores, trans_model, args.alignments,
                        align_options(args), what=f"{args.data} with {args.model}", graphs_name=args.graphs,
                        on_aligned=keep if args.acc else None)
    summary.log()
    if args.acc:
        accumulate_aligned(am, trans_model.tid2pdf, aligned).save(args.acc)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
