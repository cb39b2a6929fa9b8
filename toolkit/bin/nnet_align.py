"""Forced alignment of a data directory with a hybrid DNN-HMM (Kaldi's nnet-forward | align-compiled-mapped).

The frames' scores are the network's log-posteriors minus the log-priors of COUNTS
(ali_train_pdf.counts beside the network), as in decoding; MODEL (the GMM system's
final.mdl) gives the transition model the training graphs in GRAPHS were compiled with.
The search, its retry beam and the handling of utterances that cannot be aligned are
gmm_align's.

  python -m toolkit.bin.nnet_align --no-cmvn --delta-order 0 exp/dnn/final.nnet exp/dnn/ali_train_pdf.counts \\
      exp/dnn/final.mdl exp/dnn_ali/fsts.1.ark data-fmllr-tri3/train/split2/1 exp/dnn_ali/ali.1.ark
"""
import torch

from toolkit import cli
from toolkit.decode.align_set import add_align_options, align_options, align_set
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.io.fst_archive import read_fst_archive
from toolkit.nnet.loglikes import load_hybrid


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    add_align_options(p)
    p.add_argument("--num-threads", type=int, default=1, help="torch threads")
    p.add_argument("nnet", help="network (e.g. exp/dnn/final.nnet)")
    p.add_argument("counts", help="pdf counts of the training targets (e.g. exp/dnn/ali_train_pdf.counts)")
    p.add_argument("model", help="the GMM-HMM whose transition model and tree the network's outputs follow")
    p.add_argument("graphs", help="training graphs archive (from compile_train_graphs with MODEL)")
    p.add_argument("data", help="data directory")
    p.add_argument("alignments", help="output archive of transition-id alignments")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    trans_model, scorer = load_hybrid(args.nnet, args.counts, args.model)
    reader = feature_reader(args.data, args)

    summary = align_set(reader.keys(), dict(read_fst_archive(args.graphs)),
                        lambda utt: scorer.utterance(reader, utt, args.data), trans_model, args.alignments,
                        align_options(args), what=f"{args.data} with {args.nnet}", graphs_name=args.graphs)
    summary.log()
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
