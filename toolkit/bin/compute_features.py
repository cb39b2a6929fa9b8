"""Compute MFCC or fbank features for a data directory, as Kaldi's steps/make_mfcc.sh and make_fbank.sh.

Reads DATA_DIR/wav.scp (and segments, if any) and writes, for job J of data set NAME,
ARK_DIR/raw_<type>_<NAME>.<J>.ark and .scp, the list of dropped utterances with the
reason for each in ARK_DIR/raw_<type>_<NAME>.<J>.bad, and DATA_DIR/feats.scp and
DATA_DIR/utt2num_frames. Options come from a Kaldi config file (e.g. conf/mfcc.conf:
--use-energy=false, --num-mel-bins=40, ...) on top of Kaldi's defaults. Utterances
whose audio is unreadable, empty, at a different sample rate than the config's, or
shorter than one frame are logged, listed and left out; the step fails only if none
worked (or more than --max-bad-fraction of them).

For DIR/splitN/J the name is DIR's and the job number is J, so a recipe runs one job
per part through the job runner and then gathers the parts:

  python -m toolkit.bin.split_data_dir data/train $nj
  $cmd JOB=1:$nj exp/make_mfcc/train/log/make_mfcc.JOB.log \\
    python -m toolkit.bin.compute_features --type mfcc --config conf/mfcc.conf \\
      data/train/split$nj/JOB mfcc
  python -m toolkit.bin.gather_features data/train/split$nj data/train
  python -m toolkit.bin.fix_data_dir data/train
  python -m toolkit.bin.compute_cmvn_stats data/train mfcc

Without a job runner, --nj N runs N jobs in parallel processes of this step.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.features.config import KINDS, default_options, read_config
from toolkit.features.jobs import make_features


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--type", choices=KINDS, default="mfcc", help="feature type")
    p.add_argument("--config", default=None,
                   help="Kaldi feature config file, e.g. conf/mfcc.conf; none: Kaldi's defaults")
    p.add_argument("--nj", type=int, default=1, help="number of parallel jobs run by this step")
    p.add_argument("--name", default=None,
                   help="data set name in the archive names; none: DIR for DIR/splitN/J, else DATA_DIR's name")
    p.add_argument("--job", type=int, default=None,
                   help="job number in the archive names; none: J for DIR/splitN/J, else 1")
    p.add_argument("--max-bad-fraction", type=float, default=1.0,
                   help="fail if more than this fraction of utterances is dropped (it always fails if all are)")
    p.add_argument("data_dir", help="data directory, e.g. data/train or data/train/split4/2")
    p.add_argument("ark_dir", help="directory for the feature archives, e.g. mfcc")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.nj == 1:
        # One core per job: parallelism comes from running jobs side by side (nj > 1 jobs set
        # their own). torch is imported here, not above, to keep it out of the parent of nj > 1 jobs.
        import torch

        torch.set_num_threads(1)
    opts = read_config(args.config, args.type) if args.config else default_options(args.type)
    make_features(args.data_dir, args.ark_dir, opts, nj=args.nj, name=args.name, job=args.job,
                  max_bad_fraction=args.max_bad_fraction)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
