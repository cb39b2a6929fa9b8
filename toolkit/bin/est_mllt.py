"""Estimate an MLLT (semi-tied covariance) matrix from summed MLLT statistics (Kaldi's est-mllt).

Sums the statistics files of acc_mllt's jobs and writes the square (D, D) matrix A that
maximises the MLLT auxiliary function, starting from the identity, to OUTPUT, a
single-entry matrix archive (toolkit/transform/store.py). A applies on top of the current
transform: train_lda_mllt then moves the model's means by it (gmm_transform_means) and
composes it with the current matrix (compose_transforms A cur.mat new.mat). Logs the
objective function improvement per frame. As in Kaldi, the output comes first.

  python -m toolkit.bin.est_mllt exp/tri2/4.mat.new exp/tri2/4.1.macc exp/tri2/4.2.macc
"""
import numpy as np

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.log import get_logger
from toolkit.transform.mllt import estimate_mllt, sum_mllt_stats
from toolkit.transform.store import save_global_transform

_log = get_logger("est_mllt")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--num-iters", type=int, default=200,
                   help="passes of row-by-row updates over the matrix (Kaldi's MlltAccs uses 200)")
    p.add_argument("output", help="output MLLT matrix (e.g. exp/tri2/4.mat.new)")
    p.add_argument("inputs", nargs="+", help="statistics files from acc_mllt (summed)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.num_iters < 1:
        raise ToolkitError(f"--num-iters {args.num_iters}: must be >= 1")
    stats = sum_mllt_stats(args.inputs)
    res = estimate_mllt(stats, args.num_iters)
    _log.info("avg like per frame of the statistics = %.4f over %.1f frames", stats.log_like / stats.beta, stats.beta)
    _log.info("MLLT: objective function improvement %.5f per frame over %.1f frames (%d iterations); "
              "log |det A| = %.4f", res.objf_impr_per_frame, res.count, args.num_iters,
              np.linalg.slogdet(res.matrix)[1])
    save_global_transform(args.output, res.matrix)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
