#!/usr/bin/env bash
# Non-autoregressive translation with fertility (Gu et al. 2017) next to its autoregressive
# Transformer teacher, English -> French (or German, Spanish) on real human translations:
# gettext catalogues of Debian and PyPI packages for training, aligned paragraphs of the
# LibreOffice help for dev and test (local/prepare_data.sh says how they are built).
#
#   ./run.sh                      # everything: data, SentencePiece, teacher, distillation,
#                                 #   alignment, NATs, decoding, scoring, benchmark, RESULTS.md
#   ./run.sh --stage 6            # resume at stage 6
#   ./run.sh --tgt-lang de        # English-German (es: English-Spanish, with Apertium scored too)
#   ./run.sh --device cuda --ar-opts "... --max-minutes 1.5" --nat-opts "... --max-minutes 4"
#                                 # train, distil and decode on a GPU (RESULTS.md lists the commands
#                                 #   of its run); the benchmark stays on the CPU
# RESULTS.md (beside run.sh) and exp/results.json get the scores.

# Begin configuration section.
stage=0
stop_stage=100
tgt_lang=fr             # fr, de or es
src_lang=en
vocab_size=8000         # joint SentencePiece vocabulary
spm_type=bpe            # bpe or unigram
threads=2               # torch threads of every step
device=cpu              # cpu or cuda: where the models train, distil and decode (stage 8's benchmark
                        #   always runs on the CPU); on cuda the three NATs of stage 6 train at once
ar_opts="--max-epochs 8 --warmup-updates 300 --lr 1e-3 --bf16"   # teacher training (mt_train options)
ar_average=2            # average the teacher's last N epoch models
beam=4                  # the teacher's beam (also for distillation)
lenpens="1.0 1.5 2.0"   # length normalisation exponents tried on dev; the best (exp/ar/lenpen) is used
                        #   by the teacher's beam search and the distillation
distill_batch=256       # sentences per batch when the teacher translates the training sources
nat_opts="--max-updates 400 --warmup-updates 100 --lr 1e-3 --bf16"   # every NAT's training (nat_train options)
npd_samples="10 100"    # noisy parallel decoding sample counts
npd_lenpens="0 0.5 1.0 1.5 2.0 2.5"  # length normalisation of NPD's rescoring tried on dev with the first sample
                        #   count; the best (exp/nat/npd_lenpen) is used by every NPD decoding
# End configuration section.

help_message="Usage: $0 [options]
Options (defaults in the configuration section of $0):
  --stage N --stop-stage M   run stages N..M
  --tgt-lang fr|de|es        target language
  --vocab-size N --spm-type bpe|unigram   joint SentencePiece model
  --threads N                torch threads
  --device cpu|cuda          where training, distillation and decoding run (the benchmark: CPU)
  --ar-opts \"...\"            options of the teacher's mt_train
  --ar-average N             average the teacher's last N epoch models
  --beam N --lenpens \"X Y\"   the teacher's beam and the length penalties tried on dev
  --distill-batch N          sentences per batch of the distillation translations
  --nat-opts \"...\"           options of every nat_train
  --npd-samples \"10 100\"     noisy parallel decoding sample counts
  --npd-lenpens \"X Y\"       length penalties of NPD's rescoring tried on dev"

printf -v cmdline " %q" "$@"; cmdline="$0${*:+$cmdline}"  # quoted: the line can be run again
echo "$cmdline"
cd "$(dirname "$0")"
. ./path.sh
. parse_options.sh || exit 1
. log.sh
set -euo pipefail
mkdir -p exp
echo "$(date '+%Y-%m-%d %H:%M:%S') $cmdline" >> exp/commands.log  # RESULTS.md cites these

src=$src_lang
tgt=$tgt_lang
spm=data/spm/spm.model
ar=exp/ar

# score_set SYSTEM_DIR NAME SET: BLEU/chrF of SYSTEM_DIR/decode_NAME_SET/hyp against data/SET.
score_set() {
  local d=$1/decode_$2_$3
  python -m toolkit.bin.score_bleu --json $d/scores.json $d/hyp.$tgt data/$3.$tgt | tee $d/scores.txt
}

# wait_for_jobs: wait for each background job of pids ("PID:NAME" ...); exit naming those that failed
wait_for_jobs() {
  local p failed=
  for p in "${pids[@]}"; do
    wait "${p%%:*}" || failed="$failed ${p#*:}"
  done
  [ -z "$failed" ] || { log "failed:$failed (see their log/ directories)"; exit 1; }
}

# keep_best_lenpen DIR NAME "LENPENS" OUT: of the scored DIR/decode_NAME_dev_lenpen<X>, X in LENPENS,
# the best dev BLEU's X goes to OUT and its decoding to DIR/decode_NAME_dev
keep_best_lenpen() {
  local best
  best=$(python -m toolkit.bin.best_score --key bleu $(for lp in $3; do echo $1/decode_$2_dev_lenpen$lp/scores.json; done))
  best=$(dirname $best)
  echo ${best##*lenpen} > $4
  rm -rf $1/decode_$2_dev
  cp -r $best $1/decode_$2_dev
  log "length penalty $(cat $4) of $1 $2: the best dev BLEU of '$3'"
}

if [ $stage -le 0 ] && [ $stop_stage -ge 0 ]; then
  stage_banner 0 "Data: catalogues and help pages from Debian/PyPI packages -> data/{train,dev,test}.{$src,$tgt}"
  local/prepare_data.sh --tgt-lang $tgt downloads data
fi

if [ $stage -le 1 ] && [ $stop_stage -ge 1 ]; then
  stage_banner 1 "Joint SentencePiece model on the training text only"
  python -m toolkit.bin.train_sentencepiece --vocab-size $vocab_size --model-type $spm_type \
    data/train.$src data/train.$tgt $spm
fi

if [ $stage -le 2 ] && [ $stop_stage -ge 2 ]; then
  stage_banner 2 "Autoregressive Transformer teacher"
  mkdir -p $ar/log
  python -m toolkit.bin.mt_train --src-lang $src --tgt-lang $tgt --num-threads $threads --device $device $ar_opts \
    data $spm $ar 2>&1 | tee -a $ar/log/train.log
  python -m toolkit.bin.mt_average_checkpoints --last $ar_average $ar $ar/model_avg.pt
fi

if [ $stage -le 3 ] && [ $stop_stage -ge 3 ]; then
  stage_banner 3 "Teacher: beam-$beam translations of dev with each length penalty of '$lenpens' (the best is kept), of test with it, greedy of test (es: and Apertium); BLEU and chrF"
  for lp in $lenpens; do
    d=$ar/decode_beam${beam}_dev_lenpen$lp
    mkdir -p $d
    python -m toolkit.bin.mt_translate --beam $beam --lenpen $lp --num-threads $threads --device $device \
      $ar/model_avg.pt $spm data/dev.$src $d/hyp.$tgt
    python -m toolkit.bin.score_bleu --json $d/scores.json $d/hyp.$tgt data/dev.$tgt | tee $d/scores.txt
  done
  keep_best_lenpen $ar beam$beam "$lenpens" $ar/lenpen
  for b in $beam 1; do  # greedy: a speed reference
    name=$([ $b = 1 ] && echo greedy || echo beam$b)
    mkdir -p $ar/decode_${name}_test
    python -m toolkit.bin.mt_translate --beam $b --lenpen $(cat $ar/lenpen) --num-threads $threads --device $device \
      $ar/model_avg.pt $spm data/test.$src $ar/decode_${name}_test/hyp.$tgt
    score_set $ar $name test
  done
  if [ $tgt = es ]; then  # English-Spanish: the rule-based peer, Apertium (apt-get install apertium apertium-eng-spa)
    for set in dev test; do
      mkdir -p exp/apertium/decode_apertium_$set
      python -m toolkit.bin.apertium_translate --direction eng-spa --timing exp/apertium/bench_apertium.json \
        data/$set.$src exp/apertium/decode_apertium_$set/hyp.$tgt
      score_set exp/apertium apertium $set
    done
  fi
fi

if [ $stage -le 4 ] && [ $stop_stage -ge 4 ]; then
  stage_banner 4 "Sequence-level distillation: the teacher's beam-$beam translations of the training sources"
  mkdir -p $ar/distill data/distill
  python -m toolkit.bin.mt_translate --beam $beam --lenpen $(cat $ar/lenpen) --batch-size $distill_batch \
    --num-threads $threads --device $device $ar/model_avg.pt $spm data/train.$src $ar/distill/train.$tgt
  python -m toolkit.bin.make_distilled_set --src-lang $src --tgt-lang $tgt \
    data/train.$src data/train.$tgt $ar/distill/train.$tgt data/distill/train
fi

if [ $stage -le 5 ] && [ $stop_stage -ge 5 ]; then
  stage_banner 5 "Word alignment of the SentencePiece pieces (IBM 1 + fast_align-style Model 2): fertilities"
  # the two sets at once: each aligner is one single-threaded process
  pids=()
  for set in original distill; do
    (
      dir=$([ $set = original ] && echo data || echo data/distill)
      mkdir -p exp/align_$set/log
      for l in $src $tgt; do
        python -m toolkit.bin.encode_pieces $spm $dir/train.$l exp/align_$set/train.$l
      done
      python -m toolkit.bin.align_words exp/align_$set/train.$src exp/align_$set/train.$tgt exp/align_$set \
        > exp/align_$set/log/align.log 2>&1 || { tail -n 20 exp/align_$set/log/align.log >&2; exit 1; }
      log "aligned $set: $(tail -n 1 exp/align_$set/log/align.log)"
    ) &
    pids+=("$!:align_$set")
  done
  wait_for_jobs
fi

if [ $stage -le 6 ] && [ $stop_stage -ge 6 ]; then
  stage_banner 6 "NATs: with distillation (nat), without (nat_nokd), uniform copy instead of fertility (nat_uniform_copy)"
  # train_nat: the NAT of $system from $dir's pairs, $align's fertilities and decoder input $input
  train_nat() {
    python -m toolkit.bin.nat_train --src-lang $src --tgt-lang $tgt --num-threads $threads --device $device \
      --teacher $ar/model_avg.pt --decoder-input $input $nat_opts $dir $spm $align/fertility.txt exp/$system
  }
  pids=()
  for system in nat nat_nokd nat_uniform_copy; do
    case $system in
      nat) dir=data/distill; align=exp/align_distill; input=fertility ;;
      nat_nokd) dir=data; align=exp/align_original; input=fertility ;;
      nat_uniform_copy) dir=data/distill; align=exp/align_distill; input=uniform ;;
    esac
    mkdir -p exp/$system/log
    if [ $device = cpu ]; then
      train_nat 2>&1 | tee -a exp/$system/log/train.log
    else  # a GPU has room for the three small models at once
      train_nat >> exp/$system/log/train.log 2>&1 &
      pids+=("$!:$system")
      log "training $system in the background (exp/$system/log/train.log)"
    fi
  done
  wait_for_jobs
fi

if [ $stage -le 7 ] && [ $stop_stage -ge 7 ]; then
  stage_banner 7 "NAT decoding: argmax fertilities (dev, test); NPD's length penalty from '$npd_lenpens' on dev; average fertilities and NPD rescored by the teacher (test)"
  s=${npd_samples%% *}
  for lp in $npd_lenpens; do
    d=exp/nat/decode_npd${s}_dev_lenpen$lp
    mkdir -p $d
    python -m toolkit.bin.nat_translate --mode npd --samples $s --lenpen $lp --teacher $ar/model_avg.pt \
      --num-threads $threads --device $device exp/nat/model_last.pt $spm data/dev.$src $d/hyp.$tgt
    python -m toolkit.bin.score_bleu --json $d/scores.json $d/hyp.$tgt data/dev.$tgt | tee $d/scores.txt
  done
  keep_best_lenpen exp/nat npd$s "$npd_lenpens" exp/nat/npd_lenpen
  for set in dev test; do
    for system in nat nat_nokd nat_uniform_copy; do
      # dev: argmax only (nothing is tuned on it); test: every decoding of the distilled NAT
      modes="argmax"; [ $system = nat ] && [ $set = test ] && modes="argmax average $(printf 'npd%s ' $npd_samples)"
      for mode in $modes; do
        mkdir -p exp/$system/decode_${mode}_$set
        case $mode in npd*) opts="--mode npd --samples ${mode#npd} --lenpen $(cat exp/nat/npd_lenpen) --teacher $ar/model_avg.pt" ;; *) opts="--mode $mode" ;; esac
        python -m toolkit.bin.nat_translate $opts --num-threads $threads --device $device exp/$system/model_last.pt $spm \
          data/$set.$src exp/$system/decode_${mode}_$set/hyp.$tgt
        score_set exp/$system $mode $set
      done
    done
  done
fi

if [ $stage -le 8 ] && [ $stop_stage -ge 8 ]; then
  stage_banner 8 "Benchmark on test: latency at batch size 1 and throughput at batch size 64, each NAT side by side with the teacher's beam"
  bench() { local out=$1; shift; python -m toolkit.bin.mt_benchmark --num-threads $threads "$@" $spm data/test.$src $out; }
  # Every NAT benchmark measures the teacher's beam search in the same run as its peer, the two
  # taking turns on blocks of sentences, so that the speed-ups do not depend on the machine's
  # load between runs.
  peer="--peer $ar/model_avg.pt --peer-beam $beam --peer-lenpen $(cat $ar/lenpen)"
  bench $ar/bench_beam$beam.json --beam $beam --lenpen $(cat $ar/lenpen) $ar/model_avg.pt
  bench $ar/bench_greedy.json --beam 1 $peer $ar/model_avg.pt
  for system in nat nat_nokd nat_uniform_copy; do
    bench exp/$system/bench_argmax.json --nat --mode argmax $peer exp/$system/model_last.pt
  done
  for s in $npd_samples; do
    bench exp/nat/bench_npd$s.json --nat --mode npd --samples $s --lenpen $(cat exp/nat/npd_lenpen) \
      --teacher $ar/model_avg.pt $peer exp/nat/model_last.pt
  done
fi

if [ $stage -le 9 ] && [ $stop_stage -ge 9 ]; then
  stage_banner 9 "exp/results.json and RESULTS.md"
  python -m toolkit.bin.write_mt_results --beam $beam --npd-samples "$npd_samples" --src-lang $src --tgt-lang $tgt \
    --notes local/results_notes.md . RESULTS.md exp/results.json
fi

log "Done (stages $stage..$stop_stage)"
