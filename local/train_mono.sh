#!/usr/bin/env bash
# Monophone GMM-HMM training from a flat start, as Kaldi's steps/train_mono.sh: one
# Gaussian per pdf from global statistics, equally spaced alignments through each
# utterance's training graph, then Viterbi training with realignment on a schedule while
# the Gaussian count grows towards --totgauss. Statistics are accumulated by --nj jobs over
# the speaker splits of the data and summed. Writes <dir>/final.mdl, alignments
# <dir>/ali.JOB.ark (transition ids), <dir>/feat_opts, <dir>/train_seconds, logs in <dir>/log.

# Begin configuration section.
cmd=run_local.sh
nj=2
stage=-4
num_iters=40        # training iterations
max_iter_inc=30     # the Gaussian count grows until this iteration
totgauss=1000       # target number of Gaussians
power=0.25          # exponent of the occupancy in allocating Gaussians to pdfs
seed=0              # seed of the mixing-up perturbations (vary it to measure run-to-run spread)
boost_silence=1.0   # multiply the silence phones' likelihoods by this in realigning (Kaldi's wsj uses 1.25)
realign_iters="1 2 3 4 5 6 7 8 9 10 12 14 16 18 20 23 26 29 32 35 38"
initial_beam=6      # beam of the first realignment, from the weak flat-start model
regular_beam=10     # beam of the later realignments
retry_beam=40       # beam of the second try when an utterance reaches no final state
feat_opts="--cmvn --delta-order 2"   # feature pipeline: per-speaker CMN, deltas
feature_cache=true  # keep each job's features in <dir>/feats.JOB.cache between iterations (deleted at the end)
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 3 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <exp-dir>
 e.g.: $0 --nj 2 data/train data/lang exp/mono
Options: --cmd --nj --num-iters --totgauss --max-iter-inc --power --realign-iters --initial-beam --regular-beam
         --retry-beam --boost-silence --feat-opts --feature-cache --seed --stage
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
dir=$3
for f in "$data/feats.scp" "$data/cmvn.scp" "$data/text" "$lang/topo" "$lang/L.fst" "$lang/phones/silence.csl"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
mkdir -p "$dir/log"
echo "$feat_opts" > "$dir/feat_opts"
start=$(date +%s)
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"
job_feat_opts=$feat_opts  # the iterations' (Kaldi recomputes the features in each)
$feature_cache && job_feat_opts="$feat_opts --feature-cache $dir/feats.JOB.cache"

if [ $stage -le -3 ]; then
  log "Initializing the monophone model"
  python -m toolkit.bin.gmm_init_mono $feat_opts "$data" "$lang" "$dir/0.mdl" 2> "$dir/log/init.log" \
    || { cat "$dir/log/init.log" >&2; exit 1; }
fi
numgauss=$(python -m toolkit.bin.gmm_info "$dir/0.mdl" | awk '$1 == "gaussians" {print $2}')
incgauss=$(( (totgauss - numgauss) / max_iter_inc ))

if [ $stage -le -2 ]; then
  log "Compiling training graphs"
  $cmd JOB=1:$nj "$dir/log/compile_graphs.JOB.log" \
    python -m toolkit.bin.compile_train_graphs "$lang" "$dir/0.mdl" "$sdata/JOB/text" "$dir/fsts.JOB.ark"
fi

if [ $stage -le -1 ]; then
  log "Aligning data equally (pass 0)"
  $cmd JOB=1:$nj "$dir/log/align.0.JOB.log" \
    python -m toolkit.bin.align_equal "$dir/fsts.JOB.ark" "$sdata/JOB" "$dir/ali.JOB.ark"
fi

if [ $stage -le 0 ]; then
  log "Estimating from the equal alignments"
  # The first update may leave Gaussians with little data: a lower occupancy floor, as Kaldi.
  update_gmm.sh --cmd "$cmd" --nj $nj --feat-opts "$job_feat_opts" --mix-up $numgauss --power $power \
    --est-opts "--seed $seed --min-gaussian-occupancy 3" "$sdata" "$dir" 0
fi

silphones=$(cat "$lang/phones/silence.csl")
beam=$initial_beam
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
  beam=$regular_beam
  x=$((x + 1))
done

cp "$dir/$num_iters.mdl" "$dir/final.mdl.tmp" && mv "$dir/final.mdl.tmp" "$dir/final.mdl"
rm -rf "$dir"/feats.*.cache
echo $(( $(date +%s) - start )) > "$dir/train_seconds"
log "Done training the monophone system in $dir ($(cat "$dir/train_seconds") s)"
