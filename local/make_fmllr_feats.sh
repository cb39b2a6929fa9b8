#!/usr/bin/env bash
# Writes the features a GMM system sees to disk as a new data directory with plain features,
# as Kaldi's steps/nnet/make_fmllr_feats.sh, so that a DNN reads them directly: the pipeline
# of <gmm-dir>/feat_opts (per-speaker CMVN, deltas or splicing, final.mat) and, with
# --transform-dir, the per-speaker fMLLR transforms <transform-dir>/trans.*.ark (e.g.
# exp/tri3_ali for training data, exp/tri3/decode_dev for a test set).
# <data-out> gets the tables of <data-in> (wav.scp, text, utt2spk, segments, ...), feats.scp
# and utt2num_frames of the new features, and no cmvn.scp: the features are normalised
# already, so later steps must read them with --no-cmvn --delta-order 0 (and no splicing or
# transform other than the DNN's own). The archives are <ark-dir>/raw_fmllr_<name>.JOB.ark,
# <name> being <data-out>'s name. As in Kaldi, --nj need not match the number of transform
# archives: every job reads all of them and takes its own speakers' transforms.

# Begin configuration section.
cmd=run_local.sh   # job runner (e.g. "$train_cmd" from cmd.sh)
nj=2               # jobs (at most the number of speakers)
transform_dir=     # directory with per-speaker fMLLR transforms trans.1.ark .. trans.N.ark; empty: none
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 5 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-out> <data-in> <gmm-dir> <log-dir> <ark-dir>
 e.g.: $0 --transform-dir exp/tri3_ali data-fmllr-tri3/train data/train exp/tri3 exp/make_fmllr/train fmllr
       $0 --transform-dir exp/tri3/decode_dev data-fmllr-tri3/dev data/dev exp/tri3 exp/make_fmllr/dev fmllr
Options: --cmd (default $cmd) --nj (default $nj) --transform-dir (default none)
EOU
  exit 1
fi
set -euo pipefail

data=$1
srcdata=$2
gmmdir=$3
logdir=$4
arkdir=$5
name=$(basename "$data")

for f in "$srcdata/feats.scp" "$srcdata/spk2utt" "$gmmdir/feat_opts"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
case "$(realpath -m "$srcdata")/" in
  "$(realpath -m "$data")"/*) log "<data-in> $srcdata is <data-out> $data or inside it, which is replaced"; exit 1 ;;
esac
feat_opts=$(cat "$gmmdir/feat_opts")

trans_opts=()
if [ -n "$transform_dir" ]; then
  ntrans=$(find "$transform_dir" -maxdepth 1 -name 'trans.*.ark' | wc -l)
  [ "$ntrans" -gt 0 ] || { log "No transform archives $transform_dir/trans.*.ark"; exit 1; }
  for n in $(seq "$ntrans"); do
    # Left-overs of a run with more jobs would be read as well: they must be numbered 1..N.
    [ -f "$transform_dir/trans.$n.ark" ] || {
      log "$transform_dir has $ntrans transform archives but no trans.$n.ark: expected trans.1.ark .. trans.$ntrans.ark"
      exit 1
    }
    trans_opts+=(--speaker-transforms "$transform_dir/trans.$n.ark")
  done
fi

rm -rf "$data"  # nothing stale survives a failed rerun
mkdir -p "$data" "$logdir" "$arkdir"
nspk=$(wc -l < "$srcdata/spk2utt")
[ "$nj" -le "$nspk" ] || { log "$srcdata has only $nspk speakers; using --nj $nspk"; nj=$nspk; }
python -m toolkit.bin.split_data_dir "$srcdata" "$nj"

log "Writing the features of $srcdata ($feat_opts${transform_dir:+, transforms from $transform_dir}) to $data ($nj jobs)"
$cmd JOB=1:"$nj" "$logdir/make_fmllr_feats_${name}.JOB.log" \
  python -m toolkit.bin.transform_features $feat_opts "${trans_opts[@]}" \
    "$srcdata/split$nj/JOB" "$arkdir" "$data/split$nj/JOB"

# The tables of the input except its features and CMVN stats, which the new features replace.
for f in "$srcdata"/*; do
  case ${f##*/} in feats.scp|cmvn.scp|utt2num_frames) continue ;; esac
  [ ! -f "$f" ] || cp "$f" "$data/"
done
python -m toolkit.bin.gather_features --max-missing-fraction 0 "$data/split$nj" "$data"
python -m toolkit.bin.validate_data_dir --no-text "$data"
dim=$(grep -ho "frames of dim [0-9]*" "$logdir"/make_fmllr_feats_"$name".*.log | sort -u | sed 's/.* //' | paste -sd,)
log "Features for $data: $(wc -l < "$data/feats.scp") utterances of dim $dim in $arkdir, logs in $logdir"
