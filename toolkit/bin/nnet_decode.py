"""Decode a data directory with a hybrid DNN-HMM through an HCLG graph (Kaldi's nnet-forward | latgen-faster-mapped).

The network's log-posteriors minus the log-priors of COUNTS (ali_train_pdf.counts beside
the network) are the frames' scores; the transition model and tree are MODEL's (the GMM
system's final.mdl, which the graph was made with). Decoding, the LM-weight and
insertion-penalty sweep, OUT's files and the real-time factor (network forward included)
are as gmm_decode's.

  python -m toolkit.bin.nnet_decode --no-cmvn --delta-order 0 exp/dnn/final.nnet exp/dnn/ali_train_pdf.counts \\
      exp/dnn/final.mdl exp/tri3/graph data-fmllr/dev/split2/1 exp/dnn/decode_dev/hyp.1
"""
import os

import torch

from toolkit import cli
from toolkit.decode.sweep import add_sweep_options, decode_sweep, earlier_seconds, sweep_options
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.io.fst import read_fst
from toolkit.lang.symbols import read_symbol_table
from toolkit.nnet.loglikes import load_hybrid


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    add_sweep_options(p)
    p.add_argument("--num-threads", type=int, default=1, help="torch threads")
    p.add_argument("nnet", help="network (e.g. exp/dnn/final.nnet)")
    p.add_argument("counts", help="pdf counts of the training targets (e.g. exp/dnn/ali_train_pdf.counts)")
    p.add_argument("model", help="the GMM-HMM whose transition model and tree the network's outputs follow")
    p.add_argument("graph_dir", help="graph directory with HCLG.fst and words.txt (from make_graph)")
    p.add_argument("data", help="data directory")
    p.add_argument("out", help="output directory for this job's hypotheses (replaced)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    earlier = {path: earlier_seconds(path) for path in args.add_timing}
    trans_model, scorer = load_hybrid(args.nnet, args.counts, args.model)
    hclg = read_fst(os.path.join(args.graph_dir, "HCLG.fst"))
    words = read_symbol_table(os.path.join(args.graph_dir, "words.txt"))
    reader = feature_reader(args.data, args)

    def log_likelihoods(utt: str):
        return scorer.utterance(reader, utt, args.data)

    decode_sweep(reader.keys(), log_likelihoods, hclg, words, trans_model, args.out, sweep_options(args),
                 write_alignments=args.write_alignments, earlier=earlier)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
