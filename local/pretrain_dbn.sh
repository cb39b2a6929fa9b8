#!/usr/bin/env bash
# Pretrains the hidden layers of a DNN as a stack of RBMs, as Kaldi's steps/nnet/pretrain_dbn.sh
# (Hinton et al. 2012): a Gaussian-Bernoulli RBM on the spliced, globally normalised frames of
# <data>, then Bernoulli-Bernoulli RBMs, each trained by CD-1 on the hidden probabilities of the
# one below. Writes <dir>/final.dbn (for train_dnn.sh --dbn), <dir>/train_seconds, logs in <dir>/log.

# Begin configuration section.
cmd=run_local.sh
feat_opts="--no-cmvn --delta-order 0"  # features as make_fmllr_feats.sh wrote them
splice=5
hidden_layers=4
hidden_dim=1024
gaussian_learning_rate=0.01   # first RBM (Gaussian visible units)
bernoulli_learning_rate=0.4   # the RBMs above
gaussian_epochs=2
bernoulli_epochs=1
num_threads=2
seed=0
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 2 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-train> <exp-dir>
 e.g.: $0 --hidden-dim 512 data-fmllr-tri3/train exp/dnn_dbn/pretrain
Options: --cmd --feat-opts --splice --hidden-layers --hidden-dim --gaussian-learning-rate
         --bernoulli-learning-rate --gaussian-epochs --bernoulli-epochs --num-threads --seed
EOU
  exit 1
fi
set -euo pipefail

data=$1
dir=$2
[ -f "$data/feats.scp" ] || { log "Expected file $data/feats.scp to exist"; exit 1; }
mkdir -p "$dir/log"
start=$(date +%s)
log "Pretraining $hidden_layers RBMs of $hidden_dim units on $data"
$cmd --num-threads "$num_threads" "$dir/log/pretrain.log" \
  python -m toolkit.bin.nnet_pretrain_dbn $feat_opts --num-threads "$num_threads" --splice "$splice" \
    --hidden-layers "$hidden_layers" --hidden-dim "$hidden_dim" --gaussian-learning-rate "$gaussian_learning_rate" \
    --bernoulli-learning-rate "$bernoulli_learning_rate" --gaussian-epochs "$gaussian_epochs" \
    --bernoulli-epochs "$bernoulli_epochs" --seed "$seed" "$data" "$dir/final.dbn"
echo $(( $(date +%s) - start )) > "$dir/train_seconds"
log "Done pretraining in $dir ($(cat "$dir/train_seconds") s)"
