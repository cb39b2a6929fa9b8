"""Merge the feats.scp and utt2num_frames of the parts of a split data directory into the directory itself.

The second half of Kaldi's steps/make_mfcc.sh: after one compute_features job per part
of SPLIT_DIR (= DATA_DIR/splitN), this writes DATA_DIR/feats.scp and utt2num_frames,
sorted. Utterances that got no features (their jobs listed them in the .bad files
beside the archives) are reported; more than --max-missing-fraction of them is an
error, as in make_mfcc.sh. Run fix_data_dir afterwards to drop them from DATA_DIR.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.features.job_files import gather_features


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--max-missing-fraction", type=float, default=0.05,
                   help="fail if more than this fraction of DATA_DIR's utterances has no features")
    p.add_argument("split_dir", help="the split, e.g. data/train/split4")
    p.add_argument("data_dir", help="the data directory it was split from, e.g. data/train")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    gather_features(args.split_dir, args.data_dir, args.max_missing_fraction)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
