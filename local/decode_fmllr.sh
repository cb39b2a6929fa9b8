#!/usr/bin/env bash
# Decoding with per-speaker fMLLR (speaker-adapted, SAT systems), as Kaldi's steps/decode_fmllr.sh:
#  1. a speaker-independent pass with the alignment model <srcdir>/final.alimdl into
#     <decode-dir>.si (scored, so the SI WER is visible), writing its best paths;
#  2. per speaker, an fMLLR transform under <srcdir>/final.mdl from those best paths
#     (silence frames weighted by --silence-weight), <decode-dir>/trans.JOB.ark;
#  3. the adapted pass with final.mdl and the transforms into <decode-dir>, then scoring.
# With --fmllr-passes 2 (the default, as Kaldi) the transforms are estimated again from the
# adapted pass's best paths and composed with the first (Kaldi does this second estimation,
# then rescores its lattices; without stored lattices the data are decoded again): the first
# adapted pass then goes to <decode-dir>.fmllr1 and the final one to <decode-dir>.
# <srcdir> is <decode-dir>/.., whose feat_opts give the speaker-independent features.
# Each job's timing.json in <decode-dir> counts every pass and the estimation, so the
# real-time factor in RESULTS.md is that of the whole adapted decoding. With --chosen-on
# <dev-decode-dir> each pass is scored once at the setting chosen on the same pass of dev.

# Begin configuration section.
cmd=run_local.sh
nj=2
acwt=0.083333        # acoustic scale while decoding (and of the best paths fMLLR is estimated from)
first_beam=10        # decoding beam of the speaker-independent pass, as Kaldi (13 on the digits monophone:
                     # adapted dev 3.66 vs 3.75 %, test 5.45 vs 5.15 %: no consistent gain)
beam=13              # decoding beam of the adapted pass(es)
lattice_beam=6
min_lmwt=            # LM weights of the grid: min-lmwt..max-lmwt (default: decode.sh's, 7..17)
max_lmwt=
lm_weights=          # an explicit list of LM weights instead of the range
word_ins_penalties="0.0 0.5 1.0"
silence_weight=0.01  # weight of frames of silence phones in the fMLLR statistics
fmllr_iters=40
fmllr_min_count=500  # speakers with fewer (weighted) frames keep the identity
fmllr_passes=2       # 2: estimate again from the adapted pass, composed with the first, and decode again;
                     # digits tri3 dev: 46 -> 28 errors (generated corpus), 24 -> 27 (reference corpus)
alignment_model=     # default <srcdir>/final.alimdl
chosen_on=           # dev decode dir (of this script) whose chosen settings score this set
skip_scoring=false
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 3 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <graph-dir> <data-dir> <decode-dir>
 e.g.: $0 --nj 2 exp/tri3/graph data/dev exp/tri3/decode_dev
       $0 --nj 2 --chosen-on exp/tri3/decode_dev exp/tri3/graph data/test exp/tri3/decode_test
Options: --cmd --nj --acwt --first-beam --beam --lattice-beam --min-lmwt --max-lmwt --lm-weights
         --word-ins-penalties --silence-weight --fmllr-iters --fmllr-min-count --fmllr-passes --alignment-model
         --chosen-on --skip-scoring
EOU
  exit 1
fi
set -euo pipefail

graph=$1
data=$2
dir=$3
srcdir=$(dirname "$dir")
model=$srcdir/final.mdl
[ -n "$alignment_model" ] || alignment_model=$srcdir/final.alimdl
for f in "$graph/HCLG.fst" "$graph/phones/silence.csl" "$data/feats.scp" "$data/spk2utt" "$model" \
    "$alignment_model" "$srcdir/feat_opts"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
[ "$fmllr_passes" -ge 1 ] 2>/dev/null || { log "--fmllr-passes must be 1 or more, got '$fmllr_passes'"; exit 1; }
if [ -n "$chosen_on" ] && [ ! -d "$chosen_on.si" ]; then
  log "--chosen-on $chosen_on: expected $chosen_on.si (the dev decoding of this script) to exist"; exit 1
fi
feat_opts=$(cat "$srcdir/feat_opts")
silence_phones=$(cat "$graph/phones/silence.csl")
nspk=$(wc -l < "$data/spk2utt")
[ "$nj" -le "$nspk" ] || nj=$nspk   # as decode.sh does: every pass must use the same splits
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"
decode_opts=(--cmd "$cmd" --nj "$nj" --acwt "$acwt" --lattice-beam "$lattice_beam"
             --min-lmwt "$min_lmwt" --max-lmwt "$max_lmwt" --lm-weights "$lm_weights"
             --word-ins-penalties "$word_ins_penalties" --skip-scoring "$skip_scoring")

log "Pass 1: speaker-independent decoding with $alignment_model"
decode.sh "${decode_opts[@]}" --beam "$first_beam" --model "$alignment_model" --write-alignments true \
  ${chosen_on:+--chosen-on "$chosen_on.si"} "$graph" "$data" "$dir.si"

prev=$dir.si
for pass in $(seq "$fmllr_passes"); do
  out=$dir
  [ "$pass" -eq "$fmllr_passes" ] || out=$dir.fmllr$pass
  mkdir -p "$out/log"
  rm -f "$out"/trans.*.ark "$out"/fmllr_timing.*.json
  previous=()
  [ "$pass" -eq 1 ] || previous=(--speaker-transforms "$prev/trans.JOB.ark")
  log "Estimating fMLLR transforms with $model from the best paths in $prev${previous:+ (composed with its transforms)}"
  $cmd JOB=1:$nj "$out/log/fmllr.JOB.log" \
    python -m toolkit.bin.est_fmllr $feat_opts "${previous[@]}" --silence-phones "$silence_phones" \
      --silence-weight "$silence_weight" --fmllr-iters "$fmllr_iters" --fmllr-min-count "$fmllr_min_count" \
      --write-timing "$out/fmllr_timing.JOB.json" "$model" "$sdata/JOB" "$prev/ali.JOB.ark" "$out/trans.JOB.ark"
  grep -h "overall fMLLR" "$out"/log/fmllr.*.log >&2

  log "Pass $((pass + 1)): decoding with $model and the transforms in $out"
  write_ali=false
  [ "$pass" -eq "$fmllr_passes" ] || write_ali=true
  suffix=${out#"$dir"}   # empty for the final pass, .fmllr1 for an intermediate one
  decode.sh "${decode_opts[@]}" --beam "$beam" --model "$model" --transform-dir "$out" \
    --write-alignments $write_ali --add-timing "$prev/hyp.JOB/timing.json $out/fmllr_timing.JOB.json" \
    ${chosen_on:+--chosen-on "$chosen_on$suffix"} "$graph" "$data" "$out"
  prev=$out
done
