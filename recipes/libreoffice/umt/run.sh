#!/usr/bin/env bash
# Unsupervised translation from monolingual corpora only (Lample et al. 2017), English <->
# French: monolingual text from Debian/npm packages and from disjoint halves of the gettext
# training pairs (local/prepare_mono.sh), the LibreOffice-help dev and test of ../nat, so that
# the numbers compare with the supervised systems there.
#
#   ./run.sh                      # everything: data, SentencePiece, word-by-word baselines,
#                                 #   iterations, ablations, the supervised comparison, RESULTS.md
#   ./run.sh --stage 4            # resume at stage 4
# RESULTS.md (beside run.sh) and exp/results.json get the scores.

# Begin configuration section.
stage=0
stop_stage=100
tgt_lang=fr             # the other language
vocab_size=8000         # joint SentencePiece vocabulary (with the start tokens <2en>, <2fr>)
threads=2               # torch threads of every step
device=cpu              # cpu or cuda: where the models train and translate
download=downloads      # package cache (local/prepare_mono.sh)
emb_opts="--dim 100 --epochs 20 --min-count 3"    # train_word_embeddings options (20 epochs: the comparable text is ~0.6M words a language)
induce_opts="--max-words 20000 --refine-iters 5"  # induce_lexicon options
init_lexicon=freedict   # lexicon of the first model M(1): freedict or induced
iterations=3            # back-translation iterations
mono_size=20000         # sentences per language drawn afresh for each iteration (0: all of data/mono.*)
ablation_iterations=1   # iterations of each ablation of stage 5
umt_opts="--max-epochs 3 --warmup-updates 300 --lr 1e-3 --bf16"   # umt_train options of every iteration
supervised_opts="--max-epochs 2 --warmup-updates 300 --lr 1e-3 --bf16"  # the supervised comparison
beam=4                  # beam of the test and dev translations
bt_beam=1               # beam of the back-translations (greedy, as is usual)
# End configuration section.

help_message="Usage: $0 [options]
Options (defaults in the configuration section of $0):
  --stage N --stop-stage M   run stages N..M
  --tgt-lang fr              the other language
  --vocab-size N             joint SentencePiece model
  --threads N                torch threads
  --device cpu|cuda          where the models train and translate
  --emb-opts \"...\" --induce-opts \"...\"   word embeddings and the induced lexicon
  --init-lexicon freedict|induced          the word-by-word model that starts the iterations
  --iterations N --umt-opts \"...\"          back-translation iterations and their umt_train options
  --mono-size N                            monolingual sentences per language and iteration (0: all)
  --ablation-iterations N                  iterations of the stage-5 ablations
  --supervised-opts \"...\"                  umt_train options of the supervised comparison
  --beam N --bt-beam N"

printf -v cmdline " %q" "$@"; cmdline="$0${*:+$cmdline}"  # quoted: the line can be run again
echo "$cmdline"
cd "$(dirname "$0")"
. ./path.sh
. parse_options.sh || exit 1
. log.sh
set -euo pipefail
mkdir -p exp
echo "$(date '+%Y-%m-%d %H:%M:%S') $cmdline" >> exp/commands.log  # RESULTS.md cites these

src=en
tgt=$tgt_lang
spm=data/spm/spm.model
case $init_lexicon in freedict|induced) ;; *) log "--init-lexicon must be freedict or induced"; exit 1 ;; esac

# score DIR SET SRC TGT: BLEU/chrF of DIR/decode_SET.SRC-TGT/hyp against data/SET.TGT
score() {
  local d=$1/decode_$2.$3-$4
  python -m toolkit.bin.score_bleu --json $d/scores.json $d/hyp.$4 data/$2.$4 | tee $d/scores.txt
}

# translate MODEL SRC TGT INPUT OUTPUT [BEAM]: the shared model writing language TGT
translate() {
  python -m toolkit.bin.mt_translate --beam ${6:-$beam} --target-lang $3 --num-threads $threads --device $device $1 $spm $4 $5
}

# word_by_word LEXICON SRC TGT: dev and test translated word by word with exp/lexicon/LEXICON.SRC-TGT.tsv,
# scored in exp/wbw_LEXICON
word_by_word() {
  local set
  for set in dev test; do
    mkdir -p exp/wbw_$1/decode_$set.$2-$3
    python -m toolkit.bin.translate_word_by_word exp/lexicon/$1.$2-$3.tsv data/$set.$2 \
      exp/wbw_$1/decode_$set.$2-$3/hyp.$3
    score exp/wbw_$1 $set $2 $3
  done
}

# evaluate DIR: test and dev in both directions, and the round trip of the held-out monolingual
# text (DIR/roundtrip.L: L -> other -> L, scored against the original: unsupervised selection)
evaluate() {
  local dir=$1 model=$1/model_last.pt
  for set in dev test; do
    for pair in "$src $tgt" "$tgt $src"; do
      set -- $pair
      mkdir -p $dir/decode_$set.$1-$2
      translate $model $1 $2 data/$set.$1 $dir/decode_$set.$1-$2/hyp.$2
      score $dir $set $1 $2
    done
  done
  for pair in "$src $tgt" "$tgt $src"; do
    set -- $pair
    local d=$dir/roundtrip.$1
    mkdir -p $d
    translate $model $1 $2 data/mono_dev.$1 $d/there.$2
    translate $model $2 $1 $d/there.$2 $d/back.$1
    python -m toolkit.bin.score_bleu --json $d/scores.json $d/back.$1 data/mono_dev.$1 | tee $d/scores.txt
  done
}

# sample_mono LANG SEED OUT: mono_size random lines of data/mono.LANG (all of them if mono_size is 0),
# the same for the same SEED
sample_mono() {
  if [ $mono_size -eq 0 ]; then cp data/mono.$1 $3; return; fi
  shuf -n $mono_size --random-source=<(openssl enc -aes-256-ctr -pass pass:$2 -nosalt < /dev/zero 2> /dev/null) \
    data/mono.$1 > $3
}

# unsupervised NAME ITERATIONS "EXTRA_OPTS": the back-translation iterations exp/NAME_iter1..ITERATIONS;
# iteration k of every NAME trains on the same sample of the monolingual text
unsupervised() {
  local name=$1 n=$2 extra=$3 prev=""
  for it in $(seq 1 $n); do
    local dir=exp/${name}_iter$it
    mkdir -p $dir/bt $dir/log $dir/data
    for l in $src $tgt; do sample_mono $l $it $dir/data/mono.$l; done
    for pair in "$src $tgt" "$tgt $src"; do
      set -- $pair
      if [ -z "$prev" ]; then  # M(1): word by word
        python -m toolkit.bin.translate_word_by_word exp/lexicon/$init_lexicon.$1-$2.tsv $dir/data/mono.$1 $dir/bt/mono.$1.$2
      else
        translate $prev $1 $2 $dir/data/mono.$1 $dir/bt/mono.$1.$2 $bt_beam
      fi
    done
    python -m toolkit.bin.umt_train --languages $src,$tgt --num-threads $threads --device $device $umt_opts $extra \
      ${prev:+--init $prev} --mono $src=$dir/data/mono.$src --mono $tgt=$dir/data/mono.$tgt \
      --bt $tgt-$src=$dir/bt/mono.$src.$tgt,$dir/data/mono.$src --bt $src-$tgt=$dir/bt/mono.$tgt.$src,$dir/data/mono.$tgt \
      --valid $src=data/mono_dev.$src --valid $tgt=data/mono_dev.$tgt $spm $dir 2>&1 | tee -a $dir/log/train.log
    evaluate $dir
    prev=$dir/model_last.pt
  done
}

if [ $stage -le 0 ] && [ $stop_stage -ge 0 ]; then
  stage_banner 0 "Data: monolingual $src and $tgt with no translation across them; dev and test of ../nat"
  local/prepare_mono.sh --tgt-lang $tgt $download data
fi

if [ $stage -le 1 ] && [ $stop_stage -ge 1 ]; then
  stage_banner 1 "Joint SentencePiece model on the monolingual text, with the start tokens <2$src>, <2$tgt>"
  python -m toolkit.bin.train_sentencepiece --vocab-size $vocab_size --language-tokens $src,$tgt \
    data/mono.$src data/mono.$tgt $spm
fi

if [ $stage -le 2 ] && [ $stop_stage -ge 2 ]; then
  stage_banner 2 "Word by word with FreeDict (Debian dict-freedict-*) on dev and test"
  mkdir -p exp/lexicon/freedict $download/freedict
  for pair in "eng fra" "fra eng"; do
    set -- $pair
    package=dict-freedict-$1-$2
    [ -e $download/freedict/$package.done ] || {
      (cd $download/freedict && apt-get download $package > /dev/null 2>&1) || { log "apt-get download $package failed"; exit 1; }
      dpkg-deb -x $(ls $download/freedict/${package}_*.deb | tail -n 1) $download/freedict/unpacked
      touch $download/freedict/$package.done
    }
  done
  python -m toolkit.bin.extract_freedict_lexicon --src-lang $src --tgt-lang $tgt \
    $download/freedict/unpacked/usr/share/dictd exp/lexicon/freedict
  for pair in "$src $tgt" "$tgt $src"; do
    set -- $pair
    cp exp/lexicon/freedict/lexicon.$1-$2.tsv exp/lexicon/freedict.$1-$2.tsv
    word_by_word freedict $1 $2
  done
fi

if [ $stage -le 3 ] && [ $stop_stage -ge 3 ]; then
  stage_banner 3 "Induced lexicon: skip-gram embeddings of the comparable text, Procrustes from identical strings, CSLS refinement"
  # Only the text of sources found in both languages (the same packages' catalogues, man pages,
  # Debian Reference): embeddings of English novels and French man pages do not map onto each other.
  python -m toolkit.bin.select_comparable_text --src-lang $src --tgt-lang $tgt data/mono exp/lexicon
  for l in $src $tgt; do
    python -m toolkit.bin.train_word_embeddings $emb_opts --threads $threads exp/lexicon/text.$l exp/lexicon/vectors.$l
  done
  for pair in "$src $tgt" "$tgt $src"; do
    set -- $pair
    python -m toolkit.bin.induce_lexicon $induce_opts --reference exp/lexicon/freedict.$1-$2.tsv \
      --report exp/lexicon/induced.$1-$2.json exp/lexicon/vectors.$1 exp/lexicon/vectors.$2 \
      exp/lexicon/induced.$1-$2.tsv
    word_by_word induced $1 $2
  done
fi

if [ $stage -le 4 ] && [ $stop_stage -ge 4 ]; then
  stage_banner 4 "Unsupervised: $iterations iterations of auto-encoding + back-translation + adversarial training"
  unsupervised umt $iterations ""
fi

if [ $stage -le 5 ] && [ $stop_stage -ge 5 ]; then
  stage_banner 5 "Ablations: without the adversarial term, without noise"
  unsupervised umt_no_adv $ablation_iterations "--adv-weight 0"
  unsupervised umt_no_noise $ablation_iterations "--drop-prob 0 --shuffle-k 0 --no-noise-translations"
fi

if [ $stage -le 6 ] && [ $stop_stage -ge 6 ]; then
  stage_banner 6 "Supervised comparison: the same model on as many real pairs as $src sentences, both directions"
  n=$(wc -l < data/mono.$src)
  mkdir -p exp/supervised/data exp/supervised/log
  for l in $src $tgt; do head -n $n data/parallel/train.$l > exp/supervised/data/train.$l; done
  python -m toolkit.bin.umt_train --languages $src,$tgt --num-threads $threads --device $device $supervised_opts \
    --auto-weight 0 --adv-weight 0 --no-noise-translations \
    --bt $src-$tgt=exp/supervised/data/train.$src,exp/supervised/data/train.$tgt \
    --bt $tgt-$src=exp/supervised/data/train.$tgt,exp/supervised/data/train.$src \
    --valid $src=data/mono_dev.$src --valid $tgt=data/mono_dev.$tgt $spm exp/supervised 2>&1 |
    tee -a exp/supervised/log/train.log
  evaluate exp/supervised
fi

if [ $stage -le 7 ] && [ $stop_stage -ge 7 ]; then
  stage_banner 7 "exp/results.json and RESULTS.md"
  most=$(( iterations > ablation_iterations ? iterations : ablation_iterations ))
  python -m toolkit.bin.write_umt_results --src-lang $src --tgt-lang $tgt --iterations $most \
    . RESULTS.md exp/results.json
fi

log "Done (stages $stage..$stop_stage)"
