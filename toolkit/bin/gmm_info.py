"""Print the sizes of a GMM-HMM model file (Kaldi's gmm-info): pdfs, Gaussians, transition ids, feature dimension.

One `name value` line each, so that scripts can read a value:
  python -m toolkit.bin.gmm_info exp/mono/0.mdl | awk '$1 == "gaussians" {print $2}'
"""
from toolkit import cli
from toolkit.gmm.model import load_model


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("model", help="model file, e.g. exp/mono/final.mdl")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    trans_model, ctx, am = load_model(args.model)
    print(f"pdfs {am.num_pdfs}")
    print(f"gaussians {am.num_gauss}")
    print(f"feature-dim {am.dim}")
    print(f"transition-ids {trans_model.num_tids}")
    print(f"context-width {ctx.context_width}")
    print(f"central-position {ctx.central_position}")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
