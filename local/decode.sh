#!/usr/bin/env bash
# Decodes a data directory with a GMM-HMM through an HCLG graph, as Kaldi's steps/decode.sh:
# --nj jobs over the speaker splits, one lattice per utterance, best paths at every LM
# weight and insertion penalty, then scoring. On dev the best setting is chosen; pass
# --chosen-on <dev-decode-dir> to score a test set once at that setting.
# The model is <decode-dir>/../final.mdl, as in Kaldi.

# Begin configuration section.
cmd=run_local.sh
nj=2
acwt=0.083333        # acoustic scale while decoding
beam=13
lattice_beam=6
lm_weights="7 8 9 10 11 12 13 14 15 16 17"
word_ins_penalties="0.0 0.5 1.0"
chosen_on=           # dev decode dir whose chosen setting scores this set
skip_scoring=false
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 3 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <graph-dir> <data-dir> <decode-dir>
 e.g.: $0 --nj 2 exp/mono/graph data/dev exp/mono/decode_dev
       $0 --nj 2 --chosen-on exp/mono/decode_dev exp/mono/graph data/test exp/mono/decode_test
Options: --cmd --nj --acwt --beam --lattice-beam --lm-weights --word-ins-penalties --chosen-on --skip-scoring
EOU
  exit 1
fi
set -euo pipefail

graph=$1
data=$2
dir=$3
srcdir=$(dirname "$dir")
for f in "$graph/HCLG.fst" "$graph/words.txt" "$data/feats.scp" "$srcdir/final.mdl" "$srcdir/feat_opts"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
feat_opts=$(cat "$srcdir/feat_opts")
nspk=$(wc -l < "$data/spk2utt")
[ "$nj" -le "$nspk" ] || nj=$nspk
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"
mkdir -p "$dir/log"
rm -rf "$dir"/hyp.*   # a rerun with another --nj must not mix in old jobs

log "Decoding $data with $srcdir/final.mdl ($nj jobs)"
$cmd JOB=1:$nj "$dir/log/decode.JOB.log" \
  python -m toolkit.bin.gmm_decode $feat_opts --acoustic-scale $acwt --beam $beam --lattice-beam $lattice_beam \
    --lm-weights "$lm_weights" --word-ins-penalties "$word_ins_penalties" \
    "$srcdir/final.mdl" "$graph" "$sdata/JOB" "$dir/hyp.JOB"
grep -h "real-time factor" "$dir"/log/decode.*.log >&2

if ! $skip_scoring; then
  chosen=()
  [ -z "$chosen_on" ] || chosen=(--chosen-on "$chosen_on")
  python -m toolkit.bin.score_decode "${chosen[@]}" "$data/text" "$dir" 2> "$dir/log/score.log" \
    || { cat "$dir/log/score.log" >&2; exit 1; }
  log "$(cat "$dir/best_wer")"
fi
