#!/usr/bin/env bash
# Forced alignment of a data directory with a hybrid DNN-HMM, as Kaldi's steps/nnet/align.sh:
# training graphs from the transcripts with the GMM system's final.mdl (copied beside the
# network by train_dnn.sh), the network's log-posteriors minus the log-priors as the frames'
# scores, Viterbi alignment with a retry beam. Utterances that cannot be aligned are listed
# in the logs and left out. Writes <ali-dir>/ali.JOB.ark and copies final.mdl, final.nnet,
# ali_train_pdf.counts and feat_opts there; train_dnn.sh can train on the result.

# Begin configuration section.
cmd=run_local.sh
nj=2
beam=10
retry_beam=40
acwt=0.1            # acoustic scale of the network's scores in the search
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 4 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <nnet-dir> <ali-dir>
 e.g.: $0 --nj 2 data-fmllr-tri3/train data/lang exp/dnn exp/dnn_ali
Options: --cmd --nj --beam --retry-beam --acwt
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
src=$3
dir=$4
for f in "$data/feats.scp" "$data/text" "$src/final.nnet" "$src/final.mdl" "$src/ali_train_pdf.counts" \
    "$src/feat_opts" "$lang/L.fst"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
mkdir -p "$dir/log"
for f in final.mdl final.nnet ali_train_pdf.counts feat_opts; do cp "$src/$f" "$dir/$f"; done
feat_opts=$(cat "$dir/feat_opts")
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"

log "Aligning $data with $src/final.nnet"
$cmd JOB=1:$nj "$dir/log/align.JOB.log" \
  python -m toolkit.bin.compile_train_graphs "$lang" "$dir/final.mdl" "$sdata/JOB/text" "$dir/fsts.JOB.ark" '&&' \
  python -m toolkit.bin.nnet_align $feat_opts --acoustic-scale $acwt --beam $beam --retry-beam $retry_beam \
    "$dir/final.nnet" "$dir/ali_train_pdf.counts" "$dir/final.mdl" "$dir/fsts.JOB.ark" "$sdata/JOB" \
    "$dir/ali.JOB.ark" '&&' rm "$dir/fsts.JOB.ark"
log "Done aligning: $(grep -h 'aligned .* utterances' "$dir"/log/align.*.log | tr '\n' ';')"
