"""Compute per-speaker CMVN statistics for a data directory, as Kaldi's steps/compute_cmvn_stats.sh.

Reads DATA_DIR/feats.scp and utt2spk; writes CMVN_DIR/cmvn_<name>.ark and .scp (one
(2, D+1) double matrix per speaker: sums and frame count, sums of squares) and
DATA_DIR/cmvn.scp. Utterances without features are skipped with a warning.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.features.speaker_stats import compute_speaker_cmvn


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--fake", action="store_true",
                   help="write stats that leave features unchanged (mean 0, variance 1)")
    p.add_argument("data_dir", help="data directory with feats.scp, e.g. data/train")
    p.add_argument("cmvn_dir", help="directory for the stats archive, e.g. mfcc")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    compute_speaker_cmvn(args.data_dir, args.cmvn_dir, fake=args.fake)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
