#!/usr/bin/env bash
# Triphone GMM-HMM on LDA+MLLT features, as Kaldi's steps/train_lda_mllt.sh: frames of
# per-speaker-CMN'd MFCCs spliced over +-3 and projected by LDA (pdfs of the previous
# system's alignments as classes, silence left out) to --dim dimensions; a new tree on those
# features; then Viterbi training in which a global MLLT (semi-tied covariance) transform is
# re-estimated at --mllt-iters and composed into the feature transform, with realignment at
# --realign-iters and mixture growth towards --tot-gauss. With --randprune R the LDA and MLLT
# statistics are randomly pruned as in Kaldi's script, whose default is 4 (a random quarter of
# the frames for LDA, each Gaussian posterior p kept with probability p/4 for MLLT; draws
# seeded by --seed); the default here is to accumulate them all, which measured the same on the
# reference digits corpus (RESULTS.md's notes). Writes <dir>/final.mdl, <dir>/final.mat,
# <dir>/feat_opts (which name final.mat), alignments <dir>/ali.JOB.ark, <dir>/train_seconds,
# logs in <dir>/log.

# Begin configuration section.
cmd=run_local.sh
nj=2
stage=-3
num_leaves=2000     # most leaves of the tree
tot_gauss=10000     # target number of Gaussians
num_iters=35        # training iterations
max_iter_inc=25     # the Gaussian count grows until this iteration
power=0.25          # exponent of the occupancy in allocating Gaussians to pdfs
seed=0              # seed of the mixing-up perturbations and pruning draws (vary it to measure run-to-run spread)
randprune=0.0       # random pruning of the LDA and MLLT statistics (Kaldi's default: 4; 0: accumulate them all)
realign_iters="10 20 30"
mllt_iters="2 4 6 12"
dim=40              # LDA output dimension
splice=3            # frames of context on each side before LDA
beam=10
retry_beam=40
boost_silence=1.0   # multiply the silence phones' likelihoods by this in realigning (Kaldi's wsj uses 1.25)
tree_opts=          # further build_tree options
cmvn_opts="--cmvn"  # per-speaker CMN (add --norm-vars for variance normalisation)
feature_cache=true  # keep each job's features in <dir>/feats.JOB.cache between iterations (deleted at the end)
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 4 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <ali-dir> <exp-dir>
 e.g.: $0 --num-leaves 2500 --tot-gauss 15000 data/train data/lang exp/tri1_ali exp/tri2
Options: --cmd --nj --num-leaves --tot-gauss --num-iters --max-iter-inc --power --realign-iters --boost-silence --mllt-iters
         --dim --splice --beam --retry-beam --tree-opts --cmvn-opts --feature-cache --seed --randprune --stage
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
alidir=$3
dir=$4
for f in "$alidir/final.mdl" "$alidir/ali.1.ark" "$data/feats.scp" "$lang/phones/silence.csl"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
mkdir -p "$dir/log"
start=$(date +%s)
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"
splice_opts="$cmvn_opts --delta-order 0 --splice-left $splice --splice-right $splice"
silphones=$(cat "$lang/phones/silence.csl")

if [ $stage -le -3 ]; then
  log "Estimating LDA ($dim dimensions) from $alidir"
  $cmd JOB=1:$nj "$dir/log/lda_acc.JOB.log" \
    python -m toolkit.bin.acc_lda $splice_opts --silence-phones "$silphones" --silence-weight 0 \
      --rand-prune $randprune --seed $((1000 * seed)) \
      "$alidir/final.mdl" "$sdata/JOB" "$alidir/ali.JOB.ark" "$dir/lda.JOB.acc"
  python -m toolkit.bin.est_lda --dim $dim "$dir/0.mat" "$dir"/lda.*.acc 2> "$dir/log/lda_est.log" \
    || { cat "$dir/log/lda_est.log" >&2; exit 1; }
  rm -f "$dir"/lda.*.acc
fi

cache_opts=  # the training steps' (Kaldi recomputes the features in each)
$feature_cache && cache_opts="--feature-cache $dir/feats.JOB.cache"
if [ $stage -le -2 ]; then
  init_tree_model.sh --cmd "$cmd" --nj $nj --num-leaves $num_leaves --tree-opts "$tree_opts" \
    --feat-opts "$splice_opts --transform $dir/0.mat $cache_opts" "$data" "$lang" "$alidir" "$dir"
fi
# As Kaldi, the Gaussian count grows from --num-leaves (at most --tot-gauss), not from the leaves
# the tree reached: a tree that stops short gets several Gaussians per leaf in the first update.
numgauss=$(( num_leaves < tot_gauss ? num_leaves : tot_gauss ))
incgauss=$(( (tot_gauss - numgauss) / max_iter_inc ))
[ $incgauss -ge 0 ] || incgauss=0

# The transform in force: the newest N.mat written up to the iteration (MLLT updates it).
cur_mat=$dir/0.mat
x=1
while [ $x -lt $num_iters ]; do
  feat_opts="$splice_opts --transform $cur_mat $cache_opts"
  realign=false; mllt=false
  echo " $realign_iters " | grep -q " $x " && realign=true
  echo " $mllt_iters " | grep -q " $x " && mllt=true
  if [ $stage -le $x ]; then
    acc_opts=()
    # Accumulate during the realignment unless MLLT is about to change the features.
    $realign && ! $mllt && acc_opts=(--acc "$dir/$x.JOB.acc")
    if $realign; then
      $cmd JOB=1:$nj "$dir/log/align.$x.JOB.log" \
        python -m toolkit.bin.gmm_align $feat_opts --beam $beam --retry-beam $retry_beam "${acc_opts[@]}" \
          --boost-silence $boost_silence --silence-phones "$silphones" \
          "$dir/$x.mdl" "$dir/fsts.JOB.ark" "$sdata/JOB" "$dir/ali.JOB.ark"
    fi
    if $mllt; then
      $cmd JOB=1:$nj "$dir/log/macc.$x.JOB.log" \
        python -m toolkit.bin.acc_mllt $feat_opts --silence-phones "$silphones" --silence-weight 0 \
          --rand-prune $randprune --seed $((1000 * seed + x)) \
          "$dir/$x.mdl" "$sdata/JOB" "$dir/ali.JOB.ark" "$dir/$x.JOB.macc"
      python -m toolkit.bin.est_mllt "$dir/$x.mllt" "$dir"/$x.*.macc 2> "$dir/log/mllt.$x.log" \
        || { cat "$dir/log/mllt.$x.log" >&2; exit 1; }
      python -m toolkit.bin.gmm_transform_means "$dir/$x.mllt" "$dir/$x.mdl" "$dir/$x.mdl" 2>> "$dir/log/mllt.$x.log" \
        && python -m toolkit.bin.compose_transforms "$dir/$x.mllt" "$cur_mat" "$dir/$x.mat" 2>> "$dir/log/mllt.$x.log" \
        || { cat "$dir/log/mllt.$x.log" >&2; exit 1; }
      rm -f "$dir"/$x.*.macc "$dir/$x.mllt"
      log "Iteration $x: MLLT $(grep -o 'improvement[^,]*per frame[^,]*' "$dir/log/mllt.$x.log" | head -1)"
    fi
  fi
  $mllt && cur_mat=$dir/$x.mat
  feat_opts="$splice_opts --transform $cur_mat $cache_opts"
  if [ $stage -le $x ]; then
    accumulated=false
    [ ${#acc_opts[@]} -gt 0 ] && accumulated=true
    update_gmm.sh --cmd "$cmd" --nj $nj --feat-opts "$feat_opts" --mix-up $numgauss --power $power \
      --est-opts "--seed $seed" --accumulated $accumulated "$sdata" "$dir" $x
  fi
  [ $x -le $max_iter_inc ] && numgauss=$((numgauss + incgauss))
  x=$((x + 1))
done

cp "$cur_mat" "$dir/final.mat.tmp" && mv "$dir/final.mat.tmp" "$dir/final.mat"
echo "$splice_opts --transform $dir/final.mat" > "$dir/feat_opts"
cp "$dir/$num_iters.mdl" "$dir/final.mdl.tmp" && mv "$dir/final.mdl.tmp" "$dir/final.mdl"
rm -f "$dir"/fsts.*.ark
rm -rf "$dir"/feats.*.cache
echo $(( $(date +%s) - start )) > "$dir/train_seconds"
log "Done training the LDA+MLLT system in $dir ($(cat "$dir/train_seconds") s)"
