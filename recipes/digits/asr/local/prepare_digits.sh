#!/usr/bin/env bash
# Generates the synthetic connected-digits corpus (in the manner of TIDIGITS) and its
# Kaldi data directories <data>/{train,dev,test}.
#
# Vocabulary oh, zero, one .. nine; 1-7 words an utterance. Speakers are espeak-ng
# accent+variant combinations and flite voices (kal16, awb, rms, slt), each with its own
# rate and pitch; every utterance gets a small jitter, half of them silence padding and
# half additive noise at 10-30 dB SNR. Train, dev and test hold out whole voices (at
# least one flite voice in dev and in test). Audio is 16 kHz 16-bit mono, written under
# <corpus>/wav; the same options (and the same espeak-ng, flite and sox) give the same
# bytes. A rerun replaces the corpus and the data directories.
#
# Writes <corpus>/plan.jsonl (every utterance, fully specified), <corpus>/speakers.json,
# <corpus>/stats.json (utterances, speakers, hours per split), <corpus>/log/synth.*.log.

# Begin configuration section.
cmd=run_local.sh  # job runner (e.g. "$train_cmd" from cmd.sh)
nj=2              # synthesis jobs
seed=2024         # every random choice derives from it
n_train=3000      # utterances per split (0: no such split)
n_dev=300
n_test=600
min_words=1       # words per utterance, uniform in [min_words, max_words]
max_words=7
noise_frac=0.5    # fraction of utterances with additive noise ...
snr_min=10        # ... at an SNR (dB) uniform in [snr_min, snr_max]
snr_max=30
# End configuration section.

help_message="Usage: $0 [options] <corpus-dir> <data-dir>
 e.g.: $0 --nj 2 corpus/digits data
Generates the audio under <corpus-dir> and the data directories <data-dir>/{train,dev,test}.
Options: --cmd --nj --seed --n-train --n-dev --n-test --min-words --max-words
         --noise-frac --snr-min --snr-max (defaults in the configuration section of $0)."

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
vocabulary="oh zero one two three four five six seven eight nine"

mkdir -p "$corpus/log"
corpus=$(cd "$corpus" && pwd)  # wav.scp holds absolute paths

log "Drawing the corpus plan (seed $seed: $n_train train, $n_dev dev, $n_test test utterances)"
python -m toolkit.bin.make_synth_plan --seed "$seed" --vocabulary "$vocabulary" \
  --min-words "$min_words" --max-words "$max_words" \
  --n-train "$n_train" --n-dev "$n_dev" --n-test "$n_test" \
  --noise-frac "$noise_frac" --snr-min "$snr_min" --snr-max "$snr_max" \
  --speakers "$corpus/speakers.json" "$corpus/plan.jsonl"

render_corpus.sh --cmd "$cmd" --nj "$nj" "$corpus/plan.jsonl" "$corpus" "$data"
log "Done: statistics in $corpus/stats.json"
