#!/usr/bin/env bash
# Speaker adaptive training (SAT) with per-speaker fMLLR, as Kaldi's steps/train_sat.sh: on
# the speaker-independent features of <ali-dir> (LDA+MLLT), an fMLLR transform per training
# speaker from the alignments, a new tree on the adapted features, then Viterbi training in
# which the transforms are re-estimated (and composed with the old ones) at --fmllr-iters,
# with realignment at --realign-iters and mixture growth towards --tot-gauss. At the end
# the alignment model final.alimdl is estimated: the final model's Gaussian posteriors on
# the adapted features, the Gaussians re-estimated on the speaker-independent ones
# (Kaldi's gmm-acc-stats-twofeats), for the first pass of local/decode_fmllr.sh.
# Writes <dir>/final.mdl, final.alimdl, final.mat, feat_opts (speaker-independent features),
# trans.JOB.ark (training speakers' transforms), ali.JOB.ark, train_seconds, logs in <dir>/log.

# Begin configuration section.
cmd=run_local.sh
nj=2
stage=-3
num_leaves=2000     # most leaves of the tree
tot_gauss=10000     # target number of Gaussians
num_iters=35        # training iterations
max_iter_inc=25     # the Gaussian count grows until this iteration
power=0.2           # exponent of the occupancy in allocating Gaussians to pdfs (Kaldi's train_sat: 0.2)
seed=0              # seed of the mixing-up perturbations (vary it to measure run-to-run spread)
realign_iters="10 20 30"
fmllr_iters="2 4 6 12"
silence_weight=0.0  # weight of silence frames in the fMLLR statistics
beam=10
retry_beam=40
boost_silence=1.0   # multiply the silence phones' likelihoods by this in realigning (Kaldi's wsj uses 1.25)
tree_opts=          # further build_tree options
feature_cache=true  # keep each job's features in <dir>/feats.JOB.cache between iterations (deleted at the end)
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 4 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <ali-dir> <exp-dir>
 e.g.: $0 --num-leaves 2500 --tot-gauss 15000 data/train data/lang exp/tri2_ali exp/tri3
Options: --cmd --nj --num-leaves --tot-gauss --num-iters --max-iter-inc --power --realign-iters --boost-silence --fmllr-iters
         --silence-weight --beam --retry-beam --tree-opts --feature-cache --seed --stage
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
alidir=$3
dir=$4
for f in "$alidir/final.mdl" "$alidir/ali.1.ark" "$alidir/feat_opts" "$data/feats.scp" "$data/spk2utt" \
    "$lang/phones/silence.csl"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
mkdir -p "$dir/log"
start=$(date +%s)
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"
silphones=$(cat "$lang/phones/silence.csl")
# The speaker-independent features of the alignment system, with its transform copied here.
si_opts=$(cat "$alidir/feat_opts")
mat=$(echo "$si_opts" | sed -n 's/.*--transform \([^ ]*\).*/\1/p')
if [ -n "$mat" ]; then
  cp "$mat" "$dir/final.mat"
  si_opts=$(echo "$si_opts" | sed "s|--transform [^ ]*|--transform $dir/final.mat|")
fi
echo "$si_opts" > "$dir/feat_opts"
sat_opts="$si_opts --speaker-transforms $dir/trans.JOB.ark"
# The training steps share each job's adapted features (Kaldi recomputes them in each).
$feature_cache && sat_opts="$sat_opts --feature-cache $dir/feats.JOB.cache"

if [ $stage -le -3 ]; then
  log "Estimating fMLLR transforms of the training speakers from $alidir"
  $cmd JOB=1:$nj "$dir/log/fmllr.0.JOB.log" \
    python -m toolkit.bin.est_fmllr $si_opts --silence-phones "$silphones" --silence-weight $silence_weight \
      "$alidir/final.mdl" "$sdata/JOB" "$alidir/ali.JOB.ark" "$dir/trans.JOB.ark"
fi

if [ $stage -le -2 ]; then
  init_tree_model.sh --cmd "$cmd" --nj $nj --num-leaves $num_leaves --tree-opts "$tree_opts" \
    --feat-opts "$sat_opts" "$data" "$lang" "$alidir" "$dir"
fi
# As Kaldi, the Gaussian count grows from --num-leaves (at most --tot-gauss), not from the leaves
# the tree reached: a tree that stops short gets several Gaussians per leaf in the first update.
numgauss=$(( num_leaves < tot_gauss ? num_leaves : tot_gauss ))
incgauss=$(( (tot_gauss - numgauss) / max_iter_inc ))
[ $incgauss -ge 0 ] || incgauss=0

x=1
while [ $x -lt $num_iters ]; do
  realign=false; fmllr=false
  echo " $realign_iters " | grep -q " $x " && realign=true
  echo " $fmllr_iters " | grep -q " $x " && fmllr=true
  if [ $stage -le $x ]; then
    acc_opts=()
    # Accumulate during the realignment unless new transforms are about to change the features.
    $realign && ! $fmllr && acc_opts=(--acc "$dir/$x.JOB.acc")
    if $realign; then
      $cmd JOB=1:$nj "$dir/log/align.$x.JOB.log" \
        python -m toolkit.bin.gmm_align $sat_opts --beam $beam --retry-beam $retry_beam "${acc_opts[@]}" \
          --boost-silence $boost_silence --silence-phones "$silphones" \
          "$dir/$x.mdl" "$dir/fsts.JOB.ark" "$sdata/JOB" "$dir/ali.JOB.ark"
    fi
    if $fmllr; then
      # The new transforms act on the adapted features; est_fmllr composes them with the old ones.
      $cmd JOB=1:$nj "$dir/log/fmllr.$x.JOB.log" \
        python -m toolkit.bin.est_fmllr $sat_opts --silence-phones "$silphones" --silence-weight $silence_weight \
          "$dir/$x.mdl" "$sdata/JOB" "$dir/ali.JOB.ark" "$dir/trans.JOB.ark.new" '&&' \
        mv "$dir/trans.JOB.ark.new" "$dir/trans.JOB.ark"
      log "Iteration $x: fMLLR $(grep -ho 'improvement[^;,]*' "$dir"/log/fmllr.$x.*.log | tail -1)"
    fi
    accumulated=false
    [ ${#acc_opts[@]} -gt 0 ] && accumulated=true
    update_gmm.sh --cmd "$cmd" --nj $nj --feat-opts "$sat_opts" --mix-up $numgauss --power $power \
      --est-opts "--seed $seed" --accumulated $accumulated "$sdata" "$dir" $x
  fi
  [ $x -le $max_iter_inc ] && numgauss=$((numgauss + incgauss))
  x=$((x + 1))
done
cp "$dir/$num_iters.mdl" "$dir/final.mdl.tmp" && mv "$dir/final.mdl.tmp" "$dir/final.mdl"

if [ $stage -le $num_iters ]; then
  log "Estimating the alignment model (speaker-independent features, adapted posteriors)"
  $cmd JOB=1:$nj "$dir/log/acc_alimdl.JOB.log" \
    python -m toolkit.bin.gmm_acc_stats $si_opts --posterior-speaker-transforms "$dir/trans.JOB.ark" \
      "$dir/final.mdl" "$sdata/JOB" "$dir/ali.JOB.ark" "$dir/final.JOB.acc"
  python -m toolkit.bin.gmm_est --no-remove-low-count-gaussians \
    "$dir/final.mdl" "$dir"/final.*.acc "$dir/final.alimdl" 2> "$dir/log/est_alimdl.log" \
    || { cat "$dir/log/est_alimdl.log" >&2; exit 1; }
  rm -f "$dir"/final.*.acc
fi
rm -f "$dir"/fsts.*.ark
rm -rf "$dir"/feats.*.cache
echo $(( $(date +%s) - start )) > "$dir/train_seconds"
log "Done training the SAT system in $dir ($(cat "$dir/train_seconds") s)"
