"""Build a phonetic decision tree from tree statistics (Kaldi's cluster-phones + compile-questions + build-tree).

Sums the STATS files (from acc_tree_stats, one per job), makes the questions (phone sets of
LANG/phones/sets.int clustered top-down by their statistics, unless --no-auto-questions,
plus LANG/phones/extra_questions.int and questions about the pdf class), then grows one
tree per line of LANG/phones/roots.int by greedy likelihood-gain splitting to at most
--num-leaves leaves and merges leaves whose merge loses at most --cluster-thresh. Writes
TREE (toolkit/hmm/tree.py's format); the log states the likelihood gains and the number of
leaves, and why fewer leaves than requested were made where that happens.

  python -m toolkit.bin.build_tree --num-leaves 2000 data/lang exp/tri1/*.treeacc exp/tri1/tree
"""
import argparse

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.hmm.questions import make_questions
from toolkit.hmm.tree import build_tree, save_tree
from toolkit.hmm.tree_stats import sum_tree_stats
from toolkit.lang.lang_dir import read_lang_dir
from toolkit.log import get_logger

_log = get_logger("build_tree")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--num-leaves", type=int, default=2000, help="maximum number of leaves (Kaldi's --max-leaves)")
    p.add_argument("--thresh", type=float, default=300.0, help="smallest log-likelihood gain of a split")
    p.add_argument("--min-count", type=float, default=100.0, help="smallest number of frames on each side of a split (Kaldi's build-tree has none: 0)")
    p.add_argument("--cluster-thresh", type=float, default=-1.0,
                   help="largest log-likelihood loss of a leaf merge (< 0: the smallest split gain)")
    p.add_argument("--var-floor", type=float, default=0.01, help="variance floor of the single Gaussians")
    p.add_argument("--auto-questions", action=argparse.BooleanOptionalAction,
                   default=True, help="cluster the phone sets into questions (else use sets.int as they are)")
    p.add_argument("--cluster-pdf-classes", default="1",
                   help="comma-separated pdf classes whose statistics describe a phone set for clustering")
    p.add_argument("lang", help="lang directory (phones/roots.int, sets.int, extra_questions.int, topo)")
    p.add_argument("stats", nargs="+", help="tree statistics files (from acc_tree_stats)")
    p.add_argument("tree", help="output tree file (e.g. exp/tri1/tree)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.num_leaves < 1:
        raise ToolkitError(f"--num-leaves must be positive, got {args.num_leaves}")
    try:
        pdf_classes = [int(x) for x in args.cluster_pdf_classes.split(",")]
    except ValueError:
        raise ToolkitError(f"--cluster-pdf-classes: expected integers separated by commas, got '{args.cluster_pdf_classes}'") from None
    lang = read_lang_dir(args.lang)
    stats = sum_tree_stats(args.stats)
    _log.info("%d (triphone, pdf class) keys, %.0f frames, dimension %d", len(stats.keys), stats.counts.sum(), stats.dim)
    questions = make_questions(stats, lang.topology, lang.sets, lang.extra_questions, auto=args.auto_questions,
                               pdf_classes=pdf_classes, var_floor=args.var_floor)
    _log.info("%d phone questions, %d pdf-class questions", len(questions.phone_sets), len(questions.pdf_class_sets))
    try:
        tree, info = build_tree(stats, lang.topology, lang.roots, questions, max_leaves=args.num_leaves,
                                thresh=args.thresh, min_count=args.min_count, cluster_thresh=args.cluster_thresh,
                                var_floor=args.var_floor)
    except ToolkitError as e:
        raise ToolkitError(f"{e} (statistics {args.stats[0]} from another lang directory than {args.lang}?)") from None
    frames = max(stats.counts.sum(), 1.0)
    _log.info("%d roots; %d splits gave %d leaves (stopped: %s); log-likelihood per frame %.4f -> %.4f "
              "(gain %.1f, smallest split %.1f)", info.num_roots, info.num_splits, info.num_leaves_split,
              info.stop_reason, info.objf_roots / frames, info.objf_split / frames,
              info.objf_split - info.objf_roots, info.smallest_split)
    _log.info("merging leaves with loss <= %.1f: %d -> %d leaves, loss %.1f (%.4f per frame)", info.cluster_thresh,
              info.num_leaves_split, info.num_leaves, info.objf_split - info.objf_merged,
              (info.objf_split - info.objf_merged) / frames)
    if info.num_leaves_split < args.num_leaves:
        _log.warning("too little data for %d leaves: splitting stopped at %d (%s); %d after merging",
                     args.num_leaves, info.num_leaves_split, info.stop_reason, info.num_leaves)
    save_tree(args.tree, tree)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
