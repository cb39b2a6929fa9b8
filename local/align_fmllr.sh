#!/usr/bin/env bash
# Forced alignment with a speaker-adapted (SAT) system, as Kaldi's steps/align_fmllr.sh: align
# the speaker-independent features with <src-dir>/final.alimdl, estimate an fMLLR transform per
# speaker under final.mdl from those alignments (silence left out), then align again with
# final.mdl on the adapted features. Utterances that cannot be aligned are listed in the logs
# and left out. Writes <ali-dir>/ali.JOB.ark, trans.JOB.ark (the speakers' transforms, for
# the next system), and copies final.mdl, final.alimdl, final.mat and feat_opts there.

# Begin configuration section.
cmd=run_local.sh
nj=2
beam=10
retry_beam=40
boost_silence=1.0   # multiply the silence phones' likelihoods by this in aligning (Kaldi's wsj uses 1.25)
silence_weight=0.0  # weight of silence frames in the fMLLR statistics
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 4 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <src-dir> <ali-dir>
 e.g.: $0 --nj 2 data/train data/lang exp/tri3 exp/tri3_ali
Options: --cmd --nj --beam --retry-beam --boost-silence --silence-weight
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
src=$3
dir=$4
for f in "$data/feats.scp" "$data/text" "$data/spk2utt" "$src/final.mdl" "$src/final.alimdl" "$src/feat_opts" \
    "$lang/L.fst" "$lang/phones/silence.csl"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
mkdir -p "$dir/log"
for f in final.mdl final.alimdl; do cp "$src/$f" "$dir/$f"; done
# The speaker-independent features, with the transform copied beside the models.
si_opts=$(cat "$src/feat_opts")
if [ -f "$src/final.mat" ]; then
  cp "$src/final.mat" "$dir/final.mat"
  si_opts=$(echo "$si_opts" | sed "s|--transform [^ ]*|--transform $dir/final.mat|")
fi
echo "$si_opts" > "$dir/feat_opts"
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"
silphones=$(cat "$lang/phones/silence.csl")

log "Aligning $data with $src/final.alimdl (speaker-independent features)"
$cmd JOB=1:$nj "$dir/log/align_si.JOB.log" \
  python -m toolkit.bin.compile_train_graphs "$lang" "$dir/final.mdl" "$sdata/JOB/text" "$dir/fsts.JOB.ark" '&&' \
  python -m toolkit.bin.gmm_align $si_opts --beam $beam --retry-beam $retry_beam \
    --boost-silence $boost_silence --silence-phones "$silphones" \
    "$dir/final.alimdl" "$dir/fsts.JOB.ark" "$sdata/JOB" "$dir/pre_ali.JOB.ark"

log "Estimating fMLLR transforms per speaker"
$cmd JOB=1:$nj "$dir/log/fmllr.JOB.log" \
  python -m toolkit.bin.est_fmllr $si_opts --silence-phones "$silphones" --silence-weight $silence_weight \
    "$dir/final.mdl" "$sdata/JOB" "$dir/pre_ali.JOB.ark" "$dir/trans.JOB.ark"

log "Aligning with $src/final.mdl on the adapted features"
$cmd JOB=1:$nj "$dir/log/align.JOB.log" \
  python -m toolkit.bin.gmm_align $si_opts --speaker-transforms "$dir/trans.JOB.ark" --beam $beam \
    --retry-beam $retry_beam --boost-silence $boost_silence --silence-phones "$silphones" \
    "$dir/final.mdl" "$dir/fsts.JOB.ark" "$sdata/JOB" "$dir/ali.JOB.ark" '&&' \
  rm "$dir/fsts.JOB.ark" "$dir/pre_ali.JOB.ark"
log "Done aligning: $(grep -h 'aligned .* utterances' "$dir"/log/align.*.log | tr '\n' ';')"
