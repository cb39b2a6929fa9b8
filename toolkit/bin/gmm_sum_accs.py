"""Sum GMM statistics files of parallel jobs (Kaldi's gmm-sum-accs).

  python -m toolkit.bin.gmm_sum_accs exp/mono/1.acc exp/mono/1.1.acc exp/mono/1.2.acc
"""
from toolkit import cli
from toolkit.gmm.accumulate import sum_accumulators
from toolkit.log import get_logger

_log = get_logger("gmm_sum_accs")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("output", help="output statistics file")
    p.add_argument("inputs", nargs="+", help="statistics files from gmm_acc_stats")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    acc = sum_accumulators(args.inputs)
    acc.save(args.output)
    _log.info("summed %d files: %d frames, avg like per frame %.4f", len(args.inputs), acc.num_frames,
              acc.tot_like / max(acc.num_frames, 1))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
