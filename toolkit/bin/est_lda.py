"""Estimate an LDA transform from summed LDA statistics (Kaldi's est-lda).

Sums the statistics files of acc_lda's jobs and writes the (DIM, D) projection (with
--remove-offset, (DIM, D + 1) with a column that centres the output) to OUTPUT, a
single-entry matrix archive (toolkit/transform/store.py; e.g. exp/tri2/0.mat). The
projection makes the within-class covariance unit and the between-class one diagonal.

  python -m toolkit.bin.est_lda --dim 40 exp/tri2/0.mat exp/tri2/lda.1.acc exp/tri2/lda.2.acc
"""
from toolkit import cli
from toolkit.log import get_logger
from toolkit.transform.lda import estimate_lda, sum_lda_stats
from toolkit.transform.store import save_global_transform

_log = get_logger("est_lda")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--dim", type=int, default=40, help="output dimension")
    p.add_argument("--allow-large-dim", action="store_true",
                   help="allow --dim above the number of classes with data minus one")
    p.add_argument("--remove-offset", action="store_true", help="append an offset column that zeroes the mean")
    p.add_argument("output", help="output transform (e.g. exp/tri2/0.mat)")
    p.add_argument("inputs", nargs="+", help="statistics files from acc_lda")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stats = sum_lda_stats(args.inputs)
    res = estimate_lda(stats, args.dim, allow_large_dim=args.allow_large_dim, remove_offset=args.remove_offset)
    kept = res.eigenvalues[:args.dim].sum()
    _log.info("%.1f frames, %d classes with data: LDA %d -> %d dimensions keeps %.2f of %.2f "
              "(sum of the eigenvalues of W^-1 B); largest %.3f, smallest kept %.3f",
              stats.total_count, int((stats.counts > 0).sum()), stats.dim, args.dim, kept,
              res.eigenvalues.sum(), res.eigenvalues[0], res.eigenvalues[args.dim - 1])
    save_global_transform(args.output, res.matrix)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
