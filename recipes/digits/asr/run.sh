#!/usr/bin/env bash
# Connected-digits ASR in the manner of Kaldi's egs/tidigits: a synthetic multi-speaker
# digits corpus (espeak-ng and flite voices, speaker-disjoint splits), the CMU lexicon,
# a digit-loop grammar, MFCC features with per-speaker CMVN, GMM-HMMs as Kaldi's recipes
# build them (monophone from a flat start; triphones on deltas, tri1; LDA+MLLT, tri2;
# speaker adaptive training with fMLLR, tri3), a hybrid DNN-HMM on tri3's tied states and
# fMLLR features (Hinton et al. 2012; from random weights and from RBM pretraining), HCLG
# decoding with the LM weight and insertion penalty chosen on dev (two passes with fMLLR for
# tri3, whose transforms the DNN's test features reuse).
#
#   ./run.sh                          # everything, from corpus generation
#   ./run.sh --stage 3                # resume at stage 3
#   ./run.sh --corpus-dir DIR         # train and test on an existing corpus (DIR/data/{train,dev,test})
#   ./run.sh --test-sets "dev test extra"   # also decode data/extra (a Kaldi data dir you placed there)
#   ./run.sh --corpus-dir DIR --work-dir ref # keep that corpus's data/ and exp/ apart, under ref/
#   ./run.sh --stage 20 --dnn-realign true   # also a DNN trained on the first DNN's alignments
# RESULTS.md (beside run.sh) gets one section per work directory that has results.

# Begin configuration section.
stage=0
stop_stage=100
nj=2                  # parallel jobs
corpus_dir=           # existing corpus with data/{train,dev,test}; empty: generate one
seed=2024             # corpus generation seed
n_train=3000          # corpus size (generated corpus only)
n_dev=300
n_test=600
real_speech=true      # also prepare the Asterisk real-speech test sets
test_sets="dev test"  # data sets to decode and score; any Kaldi data dir under data/
work_dir=.            # where data/, exp/, corpus/ and mfcc/ go, relative to the recipe
tri1_leaves=100       # most tree leaves of tri1 (deltas): few leaves with many Gaussians each (RESULTS.md notes)
tri1_gauss=4000       # Gaussians of tri1
num_leaves=2000       # most tree leaves of tri2 and tri3 (the likelihood threshold stops far earlier here)
tri2_gauss=5000       # Gaussians of tri2 (LDA+MLLT)
tri3_gauss=5000       # Gaussians of tri3 (SAT)
dnn_layers=4          # hidden layers of the DNNs
dnn_dim=512           # units per hidden layer (Kaldi's nnet1 reference: 4 x 512)
dnn_opts=             # further options of local/train_dnn.sh, e.g. "--activation relu"
train_seed=0          # seed of training's random draws (GMM mixing-up, DNN weights and batches, RBMs)
dnn_realign=false     # true: stage 20 realigns the training data with the DNN and trains it again (dnn_realigned)
# End configuration section.

help_message="Usage: $0 [options]
Options (defaults in the configuration section of $0):
  --stage N --stop-stage M   run stages N..M
  --nj N                     parallel jobs
  --corpus-dir DIR           use DIR/data/{train,dev,test} instead of generating a corpus
  --seed S --n-train N --n-dev N --n-test N   generated corpus
  --real-speech true|false   prepare data/asterisk* (real speech, out of domain)
  --test-sets \"dev test\"     data sets under data/ to decode and score
  --work-dir DIR             put data/, exp/, corpus/, mfcc/ under DIR (default: the recipe)
  --tri1-leaves N --tri1-gauss N   size of tri1
  --num-leaves N --tri2-gauss N --tri3-gauss N   sizes of tri2 and tri3
  --dnn-layers N --dnn-dim N --dnn-opts \"...\"   the DNNs
  --train-seed N             seed of the training runs' random draws (run-to-run spread)
  --dnn-realign true|false   stage 20: the DNN's own alignments as targets of a second DNN"

printf -v cmdline " %q" "$@"; cmdline="$0${*:+$cmdline}"  # quoted: the line can be run again
echo "$cmdline"
cd "$(dirname "$0")"
recipe=$(pwd)
. ./path.sh
. ./cmd.sh
. parse_options.sh || exit 1
. log.sh
set -euo pipefail
mkdir -p "$work_dir/exp"
cd "$work_dir"
echo "$(date '+%Y-%m-%d %H:%M:%S') $cmdline" >> exp/commands.log  # RESULTS.md cites these

eval_sets=$test_sets
if $real_speech; then eval_sets="$eval_sets asterisk_isolated asterisk_connected"; fi
# dev first: the set the LM weight is chosen on
eval_sets="dev $(echo " $eval_sets " | sed 's/ dev / /')"

if [ $stage -le 0 ] && [ $stop_stage -ge 0 ]; then
  stage_banner 0 "Corpus: data/{train,dev,test}"
  if [ -n "$corpus_dir" ]; then
    echo "corpus $(cd "$corpus_dir" && pwd) (--corpus-dir)" > exp/corpus_label
    for s in train dev test; do
      [ -d "$corpus_dir/data/$s" ] || { log "No $corpus_dir/data/$s (expected DIR/data/{train,dev,test})"; exit 1; }
      python -m toolkit.bin.validate_data_dir --no-feats "$corpus_dir/data/$s"
      # A copy of the corpus's files (sorted, checked), so later stages never write into it.
      python -m toolkit.bin.combine_data_dirs "data/$s" "$corpus_dir/data/$s"
      rm -f "data/$s/feats.scp" "data/$s/cmvn.scp"
      python -m toolkit.bin.get_utt2dur --nj $nj "data/$s"
    done
  else
    "$recipe/local/prepare_digits.sh" --cmd "$train_cmd" --nj $nj --seed $seed \
      --n-train $n_train --n-dev $n_dev --n-test $n_test corpus/digits data
    echo "generated corpus (local/prepare_digits.sh, seed $seed)" > exp/corpus_label
  fi
fi

if [ $stage -le 1 ] && [ $stop_stage -ge 1 ]; then
  stage_banner 1 "Real speech: data/asterisk_{isolated,connected} (Debian asterisk-core-sounds-en-wav)"
  if $real_speech; then
    "$recipe/local/prepare_asterisk.sh" --download-dir downloads corpus/asterisk data/asterisk
  else
    log "Skipped (--real-speech false)"
  fi
fi

if [ $stage -le 2 ] && [ $stop_stage -ge 2 ]; then
  stage_banner 2 "Lexicon, lang directory, digit-loop grammar"
  python -m toolkit.bin.prepare_dict --text data/train/text data/local/dict
  python -m toolkit.bin.prepare_lang data/local/dict "<UNK>" data/lang
  rm -rf data/lang_test
  cp -r data/lang data/lang_test
  python -m toolkit.bin.make_word_loop_grammar --exclude '!SIL <UNK>' \
    data/lang/words.txt data/lang_test/G.fst
fi

if [ $stage -le 3 ] && [ $stop_stage -ge 3 ]; then
  stage_banner 3 "MFCC features and per-speaker CMVN"
  for s in train $eval_sets; do
    [ -d "data/$s" ] || { log "No data/$s: place a Kaldi data directory there or drop it from --test-sets"; exit 1; }
    make_features.sh --cmd "$train_cmd" --nj $nj --type mfcc --feat-config "$recipe/conf/mfcc.conf" \
      "data/$s" "exp/make_mfcc/$s" mfcc
  done
fi

if [ $stage -le 4 ] && [ $stop_stage -ge 4 ]; then
  stage_banner 4 "Monophone GMM-HMM (flat start)"
  train_mono.sh --cmd "$train_cmd" --seed $train_seed --nj $nj data/train data/lang exp/mono
fi

if [ $stage -le 5 ] && [ $stop_stage -ge 5 ]; then
  stage_banner 5 "Monophone: graph, decoding dev (tuning), then every other set at the dev setting"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$eval_sets" data/lang_test exp/mono
fi

if [ $stage -le 6 ] && [ $stop_stage -ge 6 ]; then
  stage_banner 6 "Alignments of the training data with the monophone system (for the next systems)"
  align_si.sh --cmd "$train_cmd" --nj $nj data/train data/lang exp/mono exp/mono_ali
fi

if [ $stage -le 7 ] && [ $stop_stage -ge 7 ]; then
  stage_banner 7 "tri1: triphones on deltas (decision tree from the monophone alignments)"
  train_deltas.sh --cmd "$train_cmd" --seed $train_seed --nj $nj --num-leaves $tri1_leaves --tot-gauss $tri1_gauss \
    data/train data/lang exp/mono_ali exp/tri1
fi

if [ $stage -le 8 ] && [ $stop_stage -ge 8 ]; then
  stage_banner 8 "tri1: graph and decoding"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$eval_sets" data/lang_test exp/tri1
fi

if [ $stage -le 9 ] && [ $stop_stage -ge 9 ]; then
  stage_banner 9 "Alignments with tri1"
  align_si.sh --cmd "$train_cmd" --nj $nj data/train data/lang exp/tri1 exp/tri1_ali
fi

if [ $stage -le 10 ] && [ $stop_stage -ge 10 ]; then
  stage_banner 10 "tri2: LDA+MLLT triphones"
  train_lda_mllt.sh --cmd "$train_cmd" --seed $train_seed --nj $nj --num-leaves $num_leaves --tot-gauss $tri2_gauss \
    data/train data/lang exp/tri1_ali exp/tri2
fi

if [ $stage -le 11 ] && [ $stop_stage -ge 11 ]; then
  stage_banner 11 "tri2: graph and decoding"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$eval_sets" data/lang_test exp/tri2
fi

if [ $stage -le 12 ] && [ $stop_stage -ge 12 ]; then
  stage_banner 12 "Alignments with tri2"
  align_si.sh --cmd "$train_cmd" --nj $nj data/train data/lang exp/tri2 exp/tri2_ali
fi

if [ $stage -le 13 ] && [ $stop_stage -ge 13 ]; then
  stage_banner 13 "tri3: speaker adaptive training (fMLLR) on the LDA+MLLT features"
  train_sat.sh --cmd "$train_cmd" --seed $train_seed --nj $nj --num-leaves $num_leaves --tot-gauss $tri3_gauss \
    data/train data/lang exp/tri2_ali exp/tri3
fi

if [ $stage -le 14 ] && [ $stop_stage -ge 14 ]; then
  stage_banner 14 "tri3: graph and fMLLR decoding (speaker-independent pass; fMLLR, adapted pass, twice)"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$eval_sets" --decoder decode_fmllr.sh \
    data/lang_test exp/tri3
fi

if [ $stage -le 15 ] && [ $stop_stage -ge 15 ]; then
  stage_banner 15 "Alignments with tri3 (fMLLR), for the systems that train on its tied states"
  align_fmllr.sh --cmd "$train_cmd" --nj $nj data/train data/lang exp/tri3 exp/tri3_ali
fi

if [ $stage -le 16 ] && [ $stop_stage -ge 16 ]; then
  stage_banner 16 "fMLLR features of tri3 on disk (data-fmllr-tri3/): training speakers' transforms from the alignment, test speakers' from decoding"
  make_fmllr_feats.sh --cmd "$train_cmd" --nj $nj --transform-dir exp/tri3_ali \
    data-fmllr-tri3/train data/train exp/tri3 exp/make_fmllr/train fmllr
  for s in $eval_sets; do
    make_fmllr_feats.sh --cmd "$train_cmd" --nj $nj --transform-dir exp/tri3/decode_$s \
      data-fmllr-tri3/$s data/$s exp/tri3 exp/make_fmllr/$s fmllr
  done
fi

if [ $stage -le 17 ] && [ $stop_stage -ge 17 ]; then
  stage_banner 17 "DNN from random weights on tri3's tied states (cross-entropy, newbob)"
  train_dnn.sh --cmd "$train_cmd" --seed $train_seed --hidden-layers $dnn_layers --hidden-dim $dnn_dim $dnn_opts \
    data-fmllr-tri3/train exp/tri3_ali exp/dnn
fi

if [ $stage -le 18 ] && [ $stop_stage -ge 18 ]; then
  stage_banner 18 "DNN: decoding through tri3's graph, posteriors divided by priors"
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$eval_sets" --graph-dir exp/tri3/graph \
    --data-root data-fmllr-tri3 data/lang_test exp/dnn
fi

if [ $stage -le 19 ] && [ $stop_stage -ge 19 ]; then
  stage_banner 19 "DBN pretraining (a stack of RBMs, CD-1), then the same DNN from it"
  pretrain_dbn.sh --cmd "$train_cmd" --seed $train_seed --hidden-layers $dnn_layers --hidden-dim $dnn_dim \
    data-fmllr-tri3/train exp/dnn_dbn/pretrain
  train_dnn.sh --cmd "$train_cmd" --seed $train_seed --hidden-layers $dnn_layers --hidden-dim $dnn_dim $dnn_opts \
    --dbn exp/dnn_dbn/pretrain/final.dbn data-fmllr-tri3/train exp/tri3_ali exp/dnn_dbn
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$eval_sets" --graph-dir exp/tri3/graph \
    --data-root data-fmllr-tri3 data/lang_test exp/dnn_dbn
fi

if $dnn_realign && [ $stage -le 20 ] && [ $stop_stage -ge 20 ]; then
  stage_banner 20 "DNN realignment: the training data aligned with the DNN, the same DNN trained on those targets"
  align_nnet.sh --cmd "$train_cmd" --nj $nj data-fmllr-tri3/train data/lang exp/dnn exp/dnn_ali
  train_dnn.sh --cmd "$train_cmd" --seed $train_seed --hidden-layers $dnn_layers --hidden-dim $dnn_dim $dnn_opts \
    data-fmllr-tri3/train exp/dnn_ali exp/dnn_realigned
  decode_system.sh --cmd "$decode_cmd" --nj $nj --sets "$eval_sets" --graph-dir exp/tri3/graph \
    --data-root data-fmllr-tri3 data/lang_test exp/dnn_realigned
fi

if [ $stage -le 21 ] && [ $stop_stage -ge 21 ]; then
  stage_banner 21 "RESULTS.md and exp/results.json"
  cd "$recipe"  # decode directories are named relative to the recipe
  sections=()
  for exp in exp */exp; do
    ls "$exp"/*/decode_*/scoring.json >/dev/null 2>&1 || continue
    sections+=("$(cat "$exp/corpus_label" 2>/dev/null || echo "$exp")=$exp")
  done
  python -m toolkit.bin.write_results --title "Digits ASR (recipes/digits/asr)" \
    --command "$cmdline" --sets "$eval_sets" --notes local/results_notes.md RESULTS.md "${sections[@]}"
  cat RESULTS.md
fi

log "Done (stages $stage..$stop_stage)"
