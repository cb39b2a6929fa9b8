"""Write a hybrid DNN's frame scores as a Kaldi matrix archive (Kaldi's nnet-forward --class-frame-counts).

Each utterance of DATA gets a (frames, pdfs) matrix of log-posteriors minus log-priors
(from COUNTS, ali_train_pdf.counts), what Kaldi's latgen-faster-mapped and other decoders
read; with --no-priors, the plain log-posteriors (COUNTS is then not read).

  python -m toolkit.bin.nnet_forward --no-cmvn --delta-order 0 exp/dnn/final.nnet \\
      exp/dnn/ali_train_pdf.counts data-fmllr/test exp/dnn/loglikes_test.ark
"""
import argparse

import torch

from toolkit import cli
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.io.archive import matrix_writer
from toolkit.log import get_logger
from toolkit.nnet.loglikes import HybridScorer
from toolkit.nnet.network import load_network
from toolkit.nnet.targets import log_priors, read_counts
from toolkit.progress import progress

_log = get_logger("nnet_forward")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--priors", action=argparse.BooleanOptionalAction, default=True,
                   help="subtract the log-priors of COUNTS (else write log-posteriors)")
    p.add_argument("--scp", default=None, help="also write an scp index of the archive here")
    p.add_argument("--num-threads", type=int, default=1, help="torch threads")
    p.add_argument("nnet", help="network (e.g. exp/dnn/final.nnet)")
    p.add_argument("counts", help="pdf counts of the training targets (ali_train_pdf.counts)")
    p.add_argument("data", help="data directory")
    p.add_argument("ark", help="output matrix archive")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    net = load_network(args.nnet)
    priors = log_priors(read_counts(args.counts, net.config.num_pdfs)) if args.priors else None
    scorer = HybridScorer(net, priors)
    reader = feature_reader(args.data, args)
    frames = 0
    with matrix_writer(args.ark, args.scp) as writer:
        for utt in progress(reader.keys(), "forward", unit="utt"):
            scores = scorer.utterance(reader, utt, args.data)
            writer.write(utt, scores)
            frames += len(scores)
    _log.info("wrote %s for %d utterances (%d frames, %d pdfs) to %s",
              "log-likelihoods" if args.priors else "log-posteriors", len(reader), frames, net.config.num_pdfs,
              args.ark)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
