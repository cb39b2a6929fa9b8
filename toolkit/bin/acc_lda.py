"""Accumulate LDA statistics with pdfs as classes from alignments (Kaldi's acc-lda).

For every utterance of DATA with an alignment in ALIGNMENTS (transition ids of MODEL), each
spliced frame (CMVN, optional deltas, then +-LEFT/RIGHT frames; Kaldi's tri2 recipe uses
no deltas and +-3 frames) adds to the statistics of its pdf with weight 1, or
--silence-weight for frames of --silence-phones (Kaldi's weight-silence-post; 0 drops
them). With --rand-prune R (Kaldi's; its train_lda_mllt.sh uses 4) a frame of weight w < R
enters with probability w / R at weight R: with weight 1, a random 1/R of the frames.
Utterances without an alignment or of the wrong length are skipped with a warning; the step
fails if none could be used. Writes ACC (toolkit/transform/lda.py's format), to be summed over
jobs by est_lda.

  python -m toolkit.bin.acc_lda --silence-phones 1:2:3 exp/tri1_ali/final.mdl \\
      data/train/split2/1 exp/tri1_ali/ali.1.ark exp/tri2/lda.1.acc
"""

import numpy as np

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.aligned_features import AlignedFeatures
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.hmm.silence import parse_phone_list, tid_weights
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.transform.lda import LdaStats
from toolkit.transform.rand_prune import add_rand_prune_options, rand_prune

_log = get_logger("acc_lda")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.set_defaults(delta_order=0, splice_left=3, splice_right=3)
    p.add_argument("--silence-phones", default="", help="colon-separated silence phone ids (phones/silence.csl)")
    p.add_argument("--silence-weight", type=float, default=0.0, help="weight of frames of the silence phones")
    add_rand_prune_options(p, "frame weights")
    p.add_argument("model", help="model the alignments belong to (e.g. exp/tri1_ali/final.mdl)")
    p.add_argument("data", help="data directory (feats.scp, and cmvn.scp + utt2spk with --cmvn)")
    p.add_argument("alignments", help="archive of transition-id alignments (e.g. exp/tri1_ali/ali.1.ark)")
    p.add_argument("acc", help="output statistics file (e.g. exp/tri2/lda.1.acc)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    trans_model, _, _ = load_model(args.model)
    tid_weight = tid_weights(trans_model, parse_phone_list(args.silence_phones, "--silence-phones"),
                             args.silence_weight, args.model)
    aligned = AlignedFeatures(feature_reader(args.data, args), args.alignments, trans_model, args.model)
    rng = np.random.default_rng(args.seed)
    stats = None
    for utt, feats, tids in progress(aligned, "accumulating", len(aligned), unit="utt"):
        if stats is None:
            stats = LdaStats(trans_model.num_pdfs, feats.shape[1])
        elif feats.shape[1] != stats.dim:
            raise InputError(f"utterance '{utt}': features of dimension {feats.shape[1]}, earlier ones {stats.dim}",
                             args.data)
        stats.accumulate(feats, trans_model.tid2pdf[tids], rand_prune(tid_weight[tids], args.rand_prune, rng))
    _log.info(aligned.summary())
    if stats is None:
        raise ToolkitError(f"no utterance of {args.data} could be used with the alignments {args.alignments}")
    _log.info("accumulated %.1f weighted frames of dimension %d over %d pdfs with data",
              stats.total_count, stats.dim, int((stats.counts > 0).sum()))
    stats.save(args.acc)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
