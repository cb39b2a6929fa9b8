#!/usr/bin/env bash
# One training iteration's update, shared by the GMM trainers (Kaldi's gmm-acc-stats-ali +
# gmm-est inside steps/train_*.sh): unless --accumulated true (the realignment wrote the
# statistics <dir>/<x>.JOB.acc), accumulate them from <dir>/ali.JOB.ark with
# <dir>/<x>.mdl on the features given by --feat-opts; then re-estimate, mixing up towards
# --mix-up Gaussians, into <dir>/<x+1>.mdl, and log the average likelihood per frame.

# Begin configuration section.
cmd=run_local.sh
nj=2
feat_opts=          # feature pipeline options of the system (feat_opts)
mix_up=0            # target number of Gaussians (0: no mixing up)
power=0.25          # exponent of the occupancy in allocating Gaussians to pdfs
est_opts=           # further gmm_est options
accumulated=false   # true: <dir>/<x>.JOB.acc were written by the realignment
# End configuration section.

cmdline="$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 3 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <split-data-prefix> <exp-dir> <iteration>
 e.g.: $0 --nj 2 --feat-opts "--cmvn --delta-order 2" --mix-up 3000 data/train/split2 exp/tri1 5
Options: --cmd --nj --feat-opts --mix-up --power --est-opts --accumulated
EOU
  exit 1
fi
set -euo pipefail

sdata=$1
dir=$2
x=$3
echo "$cmdline" > "$dir/log/update.$x.log"  # the command line heads the iteration's log, not the terminal
if ! $accumulated; then
  $cmd JOB=1:$nj "$dir/log/acc.$x.JOB.log" \
    python -m toolkit.bin.gmm_acc_stats $feat_opts "$dir/$x.mdl" "$sdata/JOB" "$dir/ali.JOB.ark" "$dir/$x.JOB.acc"
fi
python -m toolkit.bin.gmm_est --mix-up $mix_up --power $power $est_opts \
  "$dir/$x.mdl" "$dir"/$x.*.acc "$dir/$((x + 1)).mdl" 2>> "$dir/log/update.$x.log" \
  || { cat "$dir/log/update.$x.log" >&2; exit 1; }
rm -f "$dir"/$x.*.acc
log "Iteration $x: avg like per frame $(grep -o 'avg like per frame = [-0-9.]*' "$dir/log/update.$x.log" | awk '{print $NF}'), $mix_up Gaussians"
