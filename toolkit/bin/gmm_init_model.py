"""Initialise a context-dependent GMM-HMM from a decision tree (Kaldi's gmm-init-model).

Every pdf (leaf) of TREE gets one Gaussian from the summed tree statistics STATS (from
acc_tree_stats) of the triphone contexts that reach it; the transition model has every
transition state the tree allows for the topology of LANG, with the topology's
probabilities. A pdf that no statistics reach gets the global mean and variance (logged).
Writes MODEL (toolkit/gmm/model.py's format, the tree inside).

  python -m toolkit.bin.gmm_init_model exp/tri1/tree data/lang exp/tri1/1.*.treeacc exp/tri1/1.mdl
"""
from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.init_tree import init_gmm_from_tree
from toolkit.gmm.model import save_model
from toolkit.hmm.transition_model import TransitionModel
from toolkit.hmm.tree import load_tree
from toolkit.hmm.tree_stats import sum_tree_stats
from toolkit.lang.lang_dir import read_lang_dir
from toolkit.log import get_logger

_log = get_logger("gmm_init_model")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--var-floor", type=float, default=0.01, help="variance floor of the initial Gaussians")
    p.add_argument("tree", help="decision tree (from build_tree)")
    p.add_argument("lang", help="lang directory the tree was built for (topo)")
    p.add_argument("stats", nargs="+", help="tree statistics files (from acc_tree_stats; summed)")
    p.add_argument("model", help="output model file (e.g. exp/tri1/1.mdl)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    tree = load_tree(args.tree)
    lang = read_lang_dir(args.lang)
    try:
        if tree.phones != sorted(lang.topology.phones):
            raise ToolkitError(f"the tree has roots for {len(tree.phones)} phones, the topology "
                               f"{len(lang.topology.phones)} different ones")
        trans_model = TransitionModel.build(lang.topology, tree)
    except ToolkitError as e:
        raise InputError(f"{e}: the tree does not fit the topology of {args.lang} (built for another lang "
                         "directory?)", args.tree) from None
    stats = sum_tree_stats(args.stats)
    try:
        am, info = init_gmm_from_tree(tree, stats, args.var_floor)
    except ToolkitError as e:
        raise InputError(f"{e} (statistics from another lang directory than the tree {args.tree}?)",
                         args.stats[0]) from None
    if info.empty_pdfs:
        _log.warning("%d of %d pdfs have no statistics and start from the global mean and variance: %s",
                     len(info.empty_pdfs), am.num_pdfs, info.empty_pdfs[:20])
    save_model(args.model, trans_model, tree, am)
    _log.info("wrote %s: %d pdfs from %.0f frames (least %.0f per pdf with data), dimension %d, %d transition ids",
              args.model, am.num_pdfs, info.pdf_counts.sum(), info.pdf_counts[info.pdf_counts > 0].min(), am.dim,
              trans_model.num_tids)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
