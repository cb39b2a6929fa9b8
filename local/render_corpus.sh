#!/usr/bin/env bash
# Renders a synthetic-speech corpus plan (from toolkit.bin.make_synth_plan) into audio and
# Kaldi data directories <data>/{train,dev,test}: one synthesis job per part through the
# job runner, into <corpus>/wav.tmp, swapped in for <corpus>/wav only when every job
# succeeded, so a failed run leaves the previous corpus (and the data directories that
# point at it) intact. Splits the plan does not have are removed from <data>.

# Begin configuration section.
cmd=run_local.sh  # job runner (e.g. "$train_cmd" from cmd.sh)
nj=2              # synthesis jobs
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 3 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <plan.jsonl> <corpus-dir> <data-dir>
 e.g.: $0 --nj 2 corpus/digits/plan.jsonl corpus/digits data
Writes <corpus-dir>/wav, <corpus-dir>/stats.json, <corpus-dir>/log/synth.*.log and
<data-dir>/{train,dev,test}. Options: --cmd (default $cmd) --nj (default $nj)
EOU
  exit 1
fi
set -euo pipefail

plan=$1
corpus=$2
data=$3

log "Synthesizing with $nj jobs (progress in $corpus/log/synth.*.log)"
mkdir -p "$corpus/log"
rm -rf "$corpus/wav.tmp" "$corpus/wav.old"
start=$(date +%s)
if ! $cmd JOB=1:"$nj" "$corpus/log/synth.JOB.log" \
    python -m toolkit.bin.synthesize_corpus --part JOB --num-parts "$nj" "$plan" "$corpus/wav.tmp"; then
  grep -h "synthesize_corpus: error:" "$corpus"/log/synth.*.log >&2 || true
  log "Synthesis failed; see $corpus/log/synth.*.log"
  exit 1
fi
log "Synthesis took $(( $(date +%s) - start )) s"
if [ -d "$corpus/wav" ]; then mv "$corpus/wav" "$corpus/wav.old"; fi
mv "$corpus/wav.tmp" "$corpus/wav"
rm -rf "$corpus/wav.old"

log "Writing the data directories under $data"
python -m toolkit.bin.make_synth_data_dirs --nj "$nj" --stats "$corpus/stats.json" "$plan" "$corpus/wav" "$data"
for split in train dev test; do
  if grep -q "\"split\": \"$split\"" "$plan"; then
    python -m toolkit.bin.validate_data_dir --no-feats "$data/$split"
  else
    rm -rf "${data:?}/$split"  # no such split this time: drop a previous run's
  fi
done
