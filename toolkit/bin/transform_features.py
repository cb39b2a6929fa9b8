"""Write the features a GMM system sees to disk as plain features, one job of Kaldi's steps/nnet/make_fmllr_feats.sh.

Runs the feature pipeline of the GMM steps (the same options: per-speaker CMVN, deltas,
splicing, --transform final.mat, --speaker-transforms trans.*.ark) over every utterance of
DATA_DIR and writes the result to ARK_DIR/raw_<kind>_<NAME>.<J>.ark and .scp, where NAME
and J come from OUT_DIR (for OUT/splitN/J: OUT's name and J, as compute_features names
its archives). OUT_DIR becomes a copy of DATA_DIR's tables with feats.scp and
utt2num_frames of the new features and no cmvn.scp: the features are normalised
already, so later steps read them with --no-cmvn --delta-order 0. An utterance whose
speaker has no transform in the archives given is an error naming the speaker, an
utterance and the archives; nothing is written then.

A recipe runs one job per part and gathers the parts (local/make_fmllr_feats.sh):

  $cmd JOB=1:$nj exp/make_fmllr/dev/log/make_fmllr_feats.JOB.log \\
    python -m toolkit.bin.transform_features $(cat exp/tri3/feat_opts) \\
      --speaker-transforms exp/tri3/decode_dev/trans.1.ark --speaker-transforms exp/tri3/decode_dev/trans.2.ark \\
      data/dev/split$nj/JOB fmllr data-fmllr-tri3/dev/split$nj/JOB
  python -m toolkit.bin.gather_features data-fmllr-tri3/dev/split$nj data-fmllr-tri3/dev
"""
from __future__ import annotations

from toolkit import cli
from toolkit.features.dump import dump_features
from toolkit.gmm.feature_args import add_feature_options, feature_reader


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--kind", default="fmllr", help="label in the archive names: raw_<kind>_<name>.<job>.ark")
    p.add_argument("data_dir", help="input data directory with feats.scp (and cmvn.scp), e.g. data/dev/split2/1")
    p.add_argument("ark_dir", help="directory for the feature archives, e.g. fmllr")
    p.add_argument("out_dir", help="output data directory (replaced), e.g. data-fmllr-tri3/dev/split2/1")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    dump_features(feature_reader(args.data_dir, args), args.ark_dir, args.out_dir, kind=args.kind)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
