"""Accumulate decision-tree statistics from alignments (Kaldi's acc-tree-stats, context width 3, central position 1).

For every utterance of DATA (features through the pipeline options below) with an
alignment in ALIGNMENTS (transition ids of MODEL, one per frame), each frame adds its
feature vector to the single-Gaussian statistics of (left phone, phone, right phone, pdf
class), 0 standing for "no phone" at the utterance edges (and -1 for the context of the
--ci-phones). Utterances without an alignment
or whose alignment length differs from the number of frames are skipped with a warning;
the step fails if none could be used. Writes STATS (toolkit/hmm/tree_stats.py's format),
to be summed over jobs by build_tree.

  python -m toolkit.bin.acc_tree_stats exp/mono_ali/final.mdl data/train/split2/1 \\
      exp/mono_ali/ali.1.ark exp/tri1/1.treeacc
"""
from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.aligned_features import AlignedFeatures
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.hmm.silence import parse_phone_list
from toolkit.hmm.tree_stats import accumulate_tree_stats
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger("acc_tree_stats")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--ci-phones", default="",
                   help="colon-separated context-independent phones, whose context is not recorded "
                        "(e.g. the contents of data/lang/phones/context_indep.csl)")
    p.add_argument("model", help="model the alignments were made with (e.g. exp/mono_ali/final.mdl)")
    p.add_argument("data", help="data directory (feats.scp, and cmvn.scp + utt2spk with --cmvn)")
    p.add_argument("alignments", help="archive of transition-id alignments (e.g. exp/mono_ali/ali.1.ark)")
    p.add_argument("stats", help="output statistics file (e.g. exp/tri1/1.treeacc)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ci_phones = parse_phone_list(args.ci_phones, "--ci-phones")
    # The features may differ from the model's (a new system's LDA features on the old system's alignments).
    trans_model, _, _ = load_model(args.model)
    aligned = AlignedFeatures(feature_reader(args.data, args), args.alignments, trans_model, args.model)
    pairs = ((feats, tids) for _, feats, tids in aligned)
    try:
        stats = accumulate_tree_stats(trans_model, progress(pairs, "accumulating", len(aligned), unit="utt"),
                                      ci_phones)
    except InputError:
        raise
    except ToolkitError as e:
        if aligned.counts["done"] == 0:
            raise ToolkitError(f"no utterance of {args.data} could be used with the alignments {args.alignments}") from None
        raise InputError(f"{e} (alignments made with another model?)", args.alignments) from None
    _log.info("%s; %d (triphone, pdf class) keys over %d frames", aligned.summary(), len(stats.keys),
              int(stats.counts.sum()))
    stats.save(args.stats)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
