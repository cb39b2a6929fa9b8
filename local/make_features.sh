#!/usr/bin/env bash
# Computes features and per-speaker CMVN statistics for a data directory, as Kaldi's
# steps/make_mfcc.sh + steps/compute_cmvn_stats.sh: split by speaker, one extraction job
# per part through the job runner, gather feats.scp, drop utterances that got no features
# (listed in <ark-dir>/raw_<type>_<name>.*.bad), CMVN stats, validation.

# Begin configuration section.
cmd=run_local.sh   # job runner (e.g. "$train_cmd" from cmd.sh)
nj=2               # extraction jobs (at most the number of speakers)
type=mfcc          # mfcc or fbank
feat_config=       # Kaldi feature config (e.g. conf/mfcc.conf); empty: Kaldi's defaults
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 3 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <log-dir> <ark-dir>
 e.g.: $0 --nj 2 --type mfcc --feat-config conf/mfcc.conf data/train exp/make_mfcc/train mfcc
Options: --cmd (default $cmd) --nj (default $nj) --type (default $type) --feat-config
EOU
  exit 1
fi
set -euo pipefail

data=$1
logdir=$2
arkdir=$3
name=$(basename "$data")

python -m toolkit.bin.validate_data_dir --no-feats --no-text "$data"
mkdir -p "$logdir" "$arkdir"
rm -f "$data/feats.scp" "$data/cmvn.scp" "$data/utt2num_frames"  # nothing stale survives a failed rerun

nspk=$(wc -l < "$data/spk2utt")
[ "$nj" -le "$nspk" ] || { log "$data has only $nspk speakers; using --nj $nspk"; nj=$nspk; }

python -m toolkit.bin.split_data_dir "$data" "$nj"
config_opt=()
[ -z "$feat_config" ] || config_opt=(--config "$feat_config")
$cmd JOB=1:"$nj" "$logdir/make_${type}_${name}.JOB.log" \
  python -m toolkit.bin.compute_features --type "$type" "${config_opt[@]}" \
    "$data/split$nj/JOB" "$arkdir"
python -m toolkit.bin.gather_features "$data/split$nj" "$data"
python -m toolkit.bin.fix_data_dir "$data"
python -m toolkit.bin.compute_cmvn_stats "$data" "$arkdir" > "$logdir/cmvn_${name}.log" 2>&1 \
  || { cat "$logdir/cmvn_${name}.log" >&2; exit 1; }
python -m toolkit.bin.validate_data_dir --no-text "$data"
log "Features for $data: $(wc -l < "$data/feats.scp") utterances ($type), logs in $logdir"
