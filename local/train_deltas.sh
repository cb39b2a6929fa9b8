#!/usr/bin/env bash
# Triphone GMM-HMM training on delta features, as Kaldi's steps/train_deltas.sh: a
# decision tree from the alignments of a previous system (local/init_tree_model.sh), one
# Gaussian per leaf, then Viterbi training with realignment on a schedule while the Gaussian
# count grows towards --tot-gauss. Writes <dir>/final.mdl (the tree inside, and in
# <dir>/tree), alignments <dir>/ali.JOB.ark, <dir>/feat_opts, <dir>/train_seconds, logs in <dir>/log.

# Begin configuration section.
cmd=run_local.sh
nj=2
stage=-1
num_leaves=2000     # most leaves of the tree
tot_gauss=10000     # target number of Gaussians
num_iters=35        # training iterations
max_iter_inc=25     # the Gaussian count grows until this iteration
power=0.25          # exponent of the occupancy in allocating Gaussians to pdfs
seed=0              # seed of the mixing-up perturbations (vary it to measure run-to-run spread)
realign_iters="10 20 30"
beam=10
retry_beam=40
boost_silence=1.0   # multiply the silence phones' likelihoods by this in realigning (Kaldi's wsj uses 1.25)
tree_opts=          # further build_tree options
feat_opts="--cmvn --delta-order 2"   # feature pipeline: per-speaker CMN, deltas
feature_cache=true  # keep each job's features in <dir>/feats.JOB.cache between iterations (deleted at the end)
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 4 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <ali-dir> <exp-dir>
 e.g.: $0 --num-leaves 2000 --tot-gauss 10000 data/train data/lang exp/mono_ali exp/tri1
Options: --cmd --nj --num-leaves --tot-gauss --num-iters --max-iter-inc --power --realign-iters
         --beam --retry-beam --boost-silence --tree-opts --feat-opts --feature-cache --seed --stage
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
alidir=$3
dir=$4
mkdir -p "$dir/log"
echo "$feat_opts" > "$dir/feat_opts"
start=$(date +%s)
sdata=$data/split$nj
job_feat_opts=$feat_opts  # the iterations' (Kaldi recomputes the features in each)
$feature_cache && job_feat_opts="$feat_opts --feature-cache $dir/feats.JOB.cache"

if [ $stage -le -1 ]; then
  init_tree_model.sh --cmd "$cmd" --nj $nj --num-leaves $num_leaves --tree-opts "$tree_opts" \
    --feat-opts "$job_feat_opts" "$data" "$lang" "$alidir" "$dir"
fi
# As Kaldi, the Gaussian count grows from --num-leaves (at most --tot-gauss), not from the leaves
# the tree reached: a tree that stops short gets several Gaussians per leaf in the first update.
numgauss=$(( num_leaves < tot_gauss ? num_leaves : tot_gauss ))
incgauss=$(( (tot_gauss - numgauss) / max_iter_inc ))
[ $incgauss -ge 0 ] || incgauss=0

silphones=$(cat "$lang/phones/silence.csl")
x=1
while [ $x -lt $num_iters ]; do
  if [ $stage -le $x ]; then
    accumulated=false
    if echo " $realign_iters " | grep -q " $x "; then
      $cmd JOB=1:$nj "$dir/log/align.$x.JOB.log" \
        python -m toolkit.bin.gmm_align $job_feat_opts --beam $beam --retry-beam $retry_beam --acc "$dir/$x.JOB.acc" \
          --boost-silence $boost_silence --silence-phones "$silphones" \
          "$dir/$x.mdl" "$dir/fsts.JOB.ark" "$sdata/JOB" "$dir/ali.JOB.ark"
      accumulated=true
    fi
    update_gmm.sh --cmd "$cmd" --nj $nj --feat-opts "$job_feat_opts" --mix-up $numgauss --power $power \
      --est-opts "--seed $seed" --accumulated $accumulated "$sdata" "$dir" $x
  fi
  [ $x -le $max_iter_inc ] && numgauss=$((numgauss + incgauss))
  x=$((x + 1))
done

cp "$dir/$num_iters.mdl" "$dir/final.mdl.tmp" && mv "$dir/final.mdl.tmp" "$dir/final.mdl"
rm -f "$dir"/fsts.*.ark
rm -rf "$dir"/feats.*.cache
echo $(( $(date +%s) - start )) > "$dir/train_seconds"
log "Done training the triphone system in $dir ($(cat "$dir/train_seconds") s)"
