#!/usr/bin/env bash
# Decodes a data directory with a GMM-HMM or a hybrid DNN-HMM through an HCLG graph, as Kaldi's
# steps/decode.sh and steps/nnet/decode.sh:
# --nj jobs (split by utterance; by speaker when decoding with or for speaker transforms), one
# lattice per utterance, best paths at every LM weight and insertion penalty, then scoring.
# On dev the best setting is chosen; pass --chosen-on <dev-decode-dir> to decode and score a
# test set once at that setting (--full-grid true: best paths at every setting all the same).
# The model is <decode-dir>/../final.mdl, as in Kaldi, unless --model; if <decode-dir>/../final.nnet
# exists, the system is a DNN (local/train_dnn.sh) whose posteriors divided by the priors of
# ali_train_pdf.counts replace the GMM's likelihoods (final.mdl then gives the transition model). The features are
# <decode-dir>/../feat_opts, plus the per-speaker fMLLR transforms <transform-dir>/trans.JOB.ark
# with --transform-dir (decoded with as many jobs as there are transform archives).
# --write-alignments true also writes each job's best paths to <decode-dir>/ali.JOB.ark
# (for fMLLR estimation: local/decode_fmllr.sh). --add-timing "FILE..." (JOB in the names)
# adds earlier passes' seconds to each job's timing.json, so the real-time factor counts them.

# Begin configuration section.
cmd=run_local.sh
nj=2
acwt=0.083333        # acoustic scale while decoding
beam=13
lattice_beam=6
min_lmwt=            # LM weights of the grid: min-lmwt..max-lmwt; defaults as Kaldi's scoring: 7..17 (GMM),
max_lmwt=            # 4..15 (DNN). Widen the range when dev's best weight sits at one end of it
lm_weights=          # an explicit list of LM weights instead of the range
word_ins_penalties="0.0 0.5 1.0"
chosen_on=           # dev decode dir whose chosen setting scores this set
full_grid=false      # with --chosen-on: true still writes the best paths at every grid setting (slower)
skip_scoring=false
model=               # model to decode with; default <decode-dir>/../final.mdl
transform_dir=       # directory with per-speaker transforms trans.JOB.ark (fMLLR)
write_alignments=false  # true: write best-path alignments to <decode-dir>/ali.JOB.ark
add_timing=          # timing files of earlier passes of each job (JOB replaced), added to its timing
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
Options: --cmd --nj --acwt --beam --lattice-beam --min-lmwt --max-lmwt --lm-weights --word-ins-penalties --chosen-on
         --full-grid --skip-scoring
         --model --transform-dir --write-alignments --add-timing
EOU
  exit 1
fi
set -euo pipefail

graph=$1
data=$2
dir=$3
srcdir=$(dirname "$dir")
[ -n "$model" ] || model=$srcdir/final.mdl
for f in "$graph/HCLG.fst" "$graph/words.txt" "$data/feats.scp" "$model" "$srcdir/feat_opts"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
feat_opts=$(cat "$srcdir/feat_opts")
# Speaker-independent decoding splits the data by utterance, so that a set with fewer speakers
# than --nj (one real speaker, say) still runs --nj jobs; per-speaker CMVN is unaffected, each
# part carrying its speakers' statistics. With transforms, or alignments for estimating them,
# every speaker's utterances must stay in one job, as in Kaldi.
split_opts=--per-utt
if [ -n "$transform_dir" ] || $write_alignments; then split_opts=; fi
if [ -n "$split_opts" ]; then units=$(wc -l < "$data/feats.scp"); else units=$(wc -l < "$data/spk2utt"); fi
[ "$nj" -le "$units" ] || nj=$units
extra_opts=()
if [ -n "$transform_dir" ]; then
  ntrans=$(find "$transform_dir" -maxdepth 1 -name 'trans.*.ark' | wc -l)
  # Job JOB reads the transforms of split JOB's speakers, so the splits must be the same.
  [ "$ntrans" -eq "$nj" ] || {
    log "$transform_dir has $ntrans transform archives (trans.JOB.ark) but $data is decoded in $nj jobs: use --nj $ntrans"
    exit 1
  }
  extra_opts+=(--speaker-transforms "$transform_dir/trans.JOB.ark")
fi
step=gmm_decode
nnet_args=()
if [ -f "$srcdir/final.nnet" ]; then
  step=nnet_decode
  nnet_args=("$srcdir/final.nnet" "$srcdir/ali_train_pdf.counts")
  min_lmwt=${min_lmwt:-4}; max_lmwt=${max_lmwt:-15}
fi
min_lmwt=${min_lmwt:-7}; max_lmwt=${max_lmwt:-17}
[ -n "$lm_weights" ] || lm_weights=$(seq -s ' ' "$min_lmwt" "$max_lmwt")
[ -n "$lm_weights" ] || { log "--min-lmwt $min_lmwt --max-lmwt $max_lmwt: an empty range of LM weights"; exit 1; }
if [ -n "$chosen_on" ] && ! $full_grid; then
  # Only the setting chosen on dev is scored here; best paths at the other grid points (32 by
  # default) would cost more than half of a GMM decoding's time.
  chosen_setting=$(python -m toolkit.bin.chosen_setting "$chosen_on")
  read -r lm_weights word_ins_penalties <<< "$chosen_setting"
fi
if $write_alignments; then
  extra_opts+=(--write-alignments "$dir/ali.JOB.ark")
fi
for f in $add_timing; do
  extra_opts+=(--add-timing "$f")
done
sdata=$data/split$nj${split_opts:+utt}
python -m toolkit.bin.split_data_dir $split_opts "$data" "$nj"
mkdir -p "$dir/log"
rm -rf "$dir"/hyp.* "$dir"/ali.*.ark   # a rerun with another --nj must not mix in old jobs

log "Decoding $data with ${nnet_args[0]:-$model}${transform_dir:+ and the transforms in $transform_dir} ($nj jobs)"
$cmd JOB=1:$nj "$dir/log/decode.JOB.log" \
  python -m toolkit.bin.$step $feat_opts "${extra_opts[@]}" --acoustic-scale $acwt --beam $beam \
    --lattice-beam $lattice_beam --lm-weights "$lm_weights" --word-ins-penalties "$word_ins_penalties" \
    "${nnet_args[@]}" "$model" "$graph" "$sdata/JOB" "$dir/hyp.JOB"
grep -h "real-time factor" "$dir"/log/decode.*.log >&2

if ! $skip_scoring; then
  chosen=()
  [ -z "$chosen_on" ] || chosen=(--chosen-on "$chosen_on")
  python -m toolkit.bin.score_decode "${chosen[@]}" "$data/text" "$dir" 2> "$dir/log/score.log" \
    || { cat "$dir/log/score.log" >&2; exit 1; }
  log "$(cat "$dir/best_wer")"
fi
