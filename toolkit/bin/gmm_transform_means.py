"""Transform the means of a GMM-HMM by a square or affine matrix (Kaldi's gmm-transform-means).

Every Gaussian mean mu of MODEL_IN becomes M mu (or M [mu; 1] for a (D, D + 1) matrix);
variances, weights, transitions and the tree are kept, and the result is written to
MODEL_OUT (which may be MODEL_IN: the file is replaced atomically). train_lda_mllt uses it
to move the model into the space of a new MLLT matrix from est_mllt; the variances follow
at the next ML update. MATRIX is a single-entry matrix archive (toolkit/transform/store.py).

  python -m toolkit.bin.gmm_transform_means exp/tri2/4.mat.new exp/tri2/4.mdl exp/tri2/4.mdl
"""
from toolkit import cli
from toolkit.errors import InputError
from toolkit.gmm.model import load_model, save_model
from toolkit.log import get_logger
from toolkit.transform.affine import transform_means
from toolkit.transform.store import load_global_transform

_log = get_logger("gmm_transform_means")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("matrix", help="(D, D) or (D, D + 1) transform (e.g. exp/tri2/4.mat.new from est_mllt)")
    p.add_argument("model_in", help="model file (e.g. exp/tri2/4.mdl)")
    p.add_argument("model_out", help="output model file (may be model_in)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    m = load_global_transform(args.matrix)
    trans_model, ctx, am = load_model(args.model_in)
    if m.shape not in ((am.dim, am.dim), (am.dim, am.dim + 1)):
        raise InputError(f"a transform of shape {m.shape} cannot transform the means of {args.model_in}, "
                         f"of dimension {am.dim} (needs ({am.dim}, {am.dim}) or ({am.dim}, {am.dim + 1}))",
                         args.matrix)
    save_model(args.model_out, trans_model, ctx, transform_means(am, m))
    _log.info("transformed the means of %d Gaussians of dimension %d by a %s %s matrix",
              am.num_gauss, am.dim, "x".join(map(str, m.shape)), "affine" if m.shape[1] > am.dim else "square")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
