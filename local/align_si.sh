#!/usr/bin/env bash
# Forced alignment of a data directory with a trained GMM-HMM (speaker independent), as
# Kaldi's steps/align_si.sh: training graphs from the transcripts, Viterbi alignment with a
# retry beam. Utterances that cannot be aligned are listed in the logs and left out.
# Writes <ali-dir>/ali.JOB.ark and copies final.mdl and feat_opts there.

# Begin configuration section.
cmd=run_local.sh
nj=2
beam=10
retry_beam=40
boost_silence=1.0   # multiply the silence phones' likelihoods by this in aligning (Kaldi's wsj uses 1.25)
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 4 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <src-dir> <ali-dir>
 e.g.: $0 --nj 2 data/train data/lang exp/mono exp/mono_ali
Options: --cmd --nj --beam --retry-beam --boost-silence
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
src=$3
dir=$4
for f in "$data/feats.scp" "$data/text" "$src/final.mdl" "$src/feat_opts" "$lang/L.fst" "$lang/phones/silence.csl"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
mkdir -p "$dir/log"
feat_opts=$(cat "$src/feat_opts")
cp "$src/feat_opts" "$dir/feat_opts"
cp "$src/final.mdl" "$dir/final.mdl"
sdata=$data/split$nj
silphones=$(cat "$lang/phones/silence.csl")
python -m toolkit.bin.split_data_dir "$data" "$nj"

log "Aligning $data with $src/final.mdl"
$cmd JOB=1:$nj "$dir/log/align.JOB.log" \
  python -m toolkit.bin.compile_train_graphs "$lang" "$dir/final.mdl" "$sdata/JOB/text" "$dir/fsts.JOB.ark" '&&' \
  python -m toolkit.bin.gmm_align $feat_opts --beam $beam --retry-beam $retry_beam \
    --boost-silence $boost_silence --silence-phones "$silphones" \
    "$dir/final.mdl" "$dir/fsts.JOB.ark" "$sdata/JOB" "$dir/ali.JOB.ark" '&&' rm "$dir/fsts.JOB.ark"
log "Done aligning: $(grep -h 'aligned .* utterances' "$dir"/log/align.*.log | tr '\n' ';')"
