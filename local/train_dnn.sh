#!/usr/bin/env bash
# Trains a hybrid DNN-HMM on the tied states of a GMM system, as Kaldi's steps/nnet/train.sh:
# the training speakers are split into <data>_tr90 and <data>_cv10 (every 10th speaker held
# out for cross-validation), frame targets are the pdfs of <ali-dir>/ali.*.ark, and
# nnet_train runs frame-level cross-entropy with the newbob schedule (from random weights,
# or from the RBM stack of --dbn, made by pretrain_dbn.sh). Writes <dir>/final.nnet,
# ali_train_pdf.counts (priors for decoding), final.mdl (the GMM system's, for its
# transition model and tree), feat_opts, train_summary.json, train_seconds (a resumed training's
# include its earlier invocations'; with --dbn, plus the pretraining's <dbn-dir>/train_seconds),
# logs in <dir>/log.
# Rerunning resumes after the last finished epoch; if the features, targets or network changed it
# trains again from the start (the earlier epochs are discarded, the log says why).

# Begin configuration section.
cmd=run_local.sh
feat_opts="--no-cmvn --delta-order 0"  # features as make_fmllr_feats.sh wrote them
splice=5              # frames of context either side of the input
hidden_layers=4
hidden_dim=1024
activation=sigmoid    # or relu
dbn=                  # RBM stack to initialise the lowest hidden layers from; empty: random
learning_rate=1.0     # on the minibatch-mean cross-entropy
batch_size=256
max_epochs=20
min_epochs=0
start_halving_impr=0.01
end_halving_impr=0.001
cv_every=10           # every Nth speaker goes to cross-validation
num_threads=2         # torch threads of the training process
precision=auto        # fp32, bf16 (autocast), or auto: bf16 where its measured matrix peak is 2x fp32's (AMX)
seed=0
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 3 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-train> <ali-dir> <exp-dir>
 e.g.: $0 --hidden-dim 512 data-fmllr-tri3/train exp/tri3_ali exp/dnn
Options: --cmd --feat-opts --splice --hidden-layers --hidden-dim --activation --dbn --learning-rate
         --batch-size --max-epochs --min-epochs --start-halving-impr --end-halving-impr --cv-every
         --num-threads --seed --precision
EOU
  exit 1
fi
set -euo pipefail

data=$1
alidir=$2
dir=$3
for f in "$data/feats.scp" "$alidir/final.mdl" "$alidir/ali.1.ark" ${dbn:+"$dbn"}; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
mkdir -p "$dir/log"
start=$(date +%s)

# Held-out speakers, as Kaldi's utils/subset_data_dir_tr_cv.sh.
nspk=$(wc -l < "$data/spk2utt")
[ "$nspk" -ge "$cv_every" ] || { log "$data has $nspk speakers: too few for a held-out set of every ${cv_every}th"; exit 1; }
awk -v n="$cv_every" 'NR % n == 0 {print $1}' "$data/spk2utt" > "$dir/cv.spk"
awk -v n="$cv_every" 'NR % n != 0 {print $1}' "$data/spk2utt" > "$dir/tr.spk"
python -m toolkit.bin.subset_data_dir --spk-list "$dir/cv.spk" "$data" "${data}_cv10"
python -m toolkit.bin.subset_data_dir --spk-list "$dir/tr.spk" "$data" "${data}_tr90"
echo "$feat_opts" > "$dir/feat_opts"

log "Training the DNN in $dir ($hidden_layers x $hidden_dim $activation${dbn:+, from $dbn}) on $data with the targets of $alidir"
$cmd --num-threads "$num_threads" "$dir/log/train.log" \
  python -m toolkit.bin.nnet_train $feat_opts --num-threads "$num_threads" --splice "$splice" \
    --hidden-layers "$hidden_layers" --hidden-dim "$hidden_dim" --activation "$activation" ${dbn:+--init-dbn "$dbn"} \
    --learning-rate "$learning_rate" --batch-size "$batch_size" --max-epochs "$max_epochs" --min-epochs "$min_epochs" \
    --start-halving-impr "$start_halving_impr" --end-halving-impr "$end_halving_impr" --seed "$seed" \
    --precision "$precision" "${data}_tr90" "${data}_cv10" "$alidir" "$dir"
grep -h "epoch [0-9]*:\|done after" "$dir/log/train.log" | sed 's/^.*INFO: //' >&2
seconds=$(( $(date +%s) - start ))
# A resumed training adds the seconds of the invocations it continued (train_summary.json).
earlier=$(python -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["earlier_seconds"]))' \
  "$dir/train_summary.json")
seconds=$(( seconds + earlier ))
if [ -n "$dbn" ] && [ -f "$(dirname "$dbn")/train_seconds" ]; then
  # A pretrained system's training time includes its pretraining.
  pre=$(cat "$(dirname "$dbn")/train_seconds")
  log "Fine-tuning took $seconds s; with the pretraining's $pre s"
  seconds=$(( seconds + pre ))
fi
echo $seconds > "$dir/train_seconds"
log "Done training the DNN in $dir ($(cat "$dir/train_seconds") s)"
