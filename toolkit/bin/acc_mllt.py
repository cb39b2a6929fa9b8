"""Accumulate MLLT statistics from alignments (Kaldi's gmm-acc-mllt after weight-silence-post).

For every utterance of DATA with an alignment in ALIGNMENTS (transition ids of MODEL), each
frame, read through the feature pipeline in the model's current space (Kaldi's tri2 recipe:
no deltas, +-3 frames spliced, then the current LDA+MLLT matrix with --transform), is
shared among the Gaussians of its aligned pdf by their posteriors, with weight 1, or
--silence-weight for frames of --silence-phones (train_lda_mllt.sh uses 0: silence is left
out of the MLLT estimate). With --rand-prune R, each Gaussian posterior below R is kept with
probability posterior / R at weight R (Kaldi's --rand-prune; its train_lda_mllt.sh uses 4).
Utterances without an alignment or of the wrong length are skipped with a warning; the step
fails if none could be used. Writes ACC (toolkit/transform/mllt.py's format), to be summed
over jobs by est_mllt.

  python -m toolkit.bin.acc_mllt --delta-order 0 --splice-left 3 --splice-right 3 \\
      --transform exp/tri2/4.mat --silence-phones 1:2:3 exp/tri2/4.mdl \\
      data/train/split2/1 exp/tri2/ali.1.ark exp/tri2/4.1.macc
"""

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.gmm.aligned_features import AlignedFeatures
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.hmm.silence import parse_phone_list, tid_weights
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.transform.mllt import accumulate_mllt
from toolkit.transform.rand_prune import add_rand_prune_options

_log = get_logger("acc_mllt")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--silence-phones", default="", help="colon-separated silence phone ids (phones/silence.csl)")
    p.add_argument("--silence-weight", type=float, default=0.0, help="weight of frames of the silence phones")
    add_rand_prune_options(p, "Gaussian posteriors")
    p.add_argument("model", help="current model, in the space of --transform (e.g. exp/tri2/4.mdl)")
    p.add_argument("data", help="data directory (feats.scp, and cmvn.scp + utt2spk with --cmvn)")
    p.add_argument("alignments", help="archive of transition-id alignments (e.g. exp/tri2/ali.1.ark)")
    p.add_argument("acc", help="output statistics file (e.g. exp/tri2/4.1.macc)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    trans_model, _, am = load_model(args.model)
    tid_weight = tid_weights(trans_model, parse_phone_list(args.silence_phones, "--silence-phones"),
                             args.silence_weight, args.model)
    aligned = AlignedFeatures(feature_reader(args.data, args), args.alignments, trans_model, args.model, am.dim)
    triples = ((feats, trans_model.tid2pdf[tids], tid_weight[tids]) for _, feats, tids in aligned)
    stats = accumulate_mllt(am, progress(triples, "accumulating", len(aligned), unit="utt"), prune=args.rand_prune,
                            seed=args.seed)
    _log.info(aligned.summary())
    if aligned.counts["done"] == 0:
        raise ToolkitError(f"no utterance of {args.data} could be used with the alignments {args.alignments}")
    if stats.beta > 0:
        _log.info("overall avg like per frame = %.4f over %.1f weighted frames (dimension %d)",
                  stats.log_like / stats.beta, stats.beta, stats.dim)
    else:
        _log.warning("every aligned frame has weight 0 (all silence?): the statistics are empty")
    stats.save(args.acc)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
