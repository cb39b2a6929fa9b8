#!/usr/bin/env bash
# Decode a trained system as the recipes report it: the graph exp/<system>/graph from
# <lang-test> (or --graph-dir, e.g. the GMM system's graph for a DNN on its tree), dev decoded
# over the LM-weight and insertion-penalty grid (the tuning set), then every other set of --sets scored once at dev's choice. Writes
# <system-dir>/decode_<set>/ for each set.

# Begin configuration section.
cmd=run_local.sh
nj=2
sets="dev test"     # the first is the tuning set
decoder=decode.sh   # or decode_fmllr.sh for speaker-adapted systems
decode_opts=        # further options of the decoder, e.g. "--beam 11"
graph_dir=          # an existing graph of the same tree to decode with; default: make <system-dir>/graph
data_root=data      # the sets are <data-root>/<set> (e.g. data-fmllr-tri3 for a DNN on fMLLR features)
concurrent=true     # decode the sets after the tuning set at the same time, each with --nj jobs
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 2 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <lang-test-dir> <system-dir>
 e.g.: $0 --sets "dev test" data/lang_test exp/tri1
Options: --cmd --nj --sets --decoder --decode-opts --graph-dir --data-root --concurrent
EOU
  exit 1
fi
set -euo pipefail

lang=$1
dir=$2
tune=${sets%% *}
graph=${graph_dir:-$dir/graph}
[ -n "$graph_dir" ] || python -m toolkit.bin.make_graph "$lang" "$dir" "$graph"
$decoder --cmd "$cmd" --nj $nj $decode_opts "$graph" "$data_root/$tune" "$dir/decode_$tune"
# A one-speaker set decodes in one job when the decoder adapts to speakers, and job start-up and
# scoring are serial: decoding the sets side by side keeps the cores busy.
decode_set() {
  $decoder --cmd "$cmd" --nj $nj $decode_opts --chosen-on "$dir/decode_$tune" "$graph" "$data_root/$1" "$dir/decode_$1"
}
pids=()
for s in $sets; do
  [ "$s" = "$tune" ] && continue
  if $concurrent; then
    decode_set "$s" &
    pids+=("$!:$s")
  else
    decode_set "$s"
  fi
done
failed=
for p in "${pids[@]}"; do
  wait "${p%%:*}" || failed="$failed ${p#*:}"
done
[ -z "$failed" ] || { log "Decoding failed for$failed (logs in $dir/decode_<set>/log)"; exit 1; }
