#!/usr/bin/env bash
# Decode a trained system as the recipes report it: the graph exp/<system>/graph from
# <lang-test>, dev decoded over the LM-weight and insertion-penalty grid (the tuning set),
# then every other set of --sets scored once at dev's choice. Writes
# <system-dir>/decode_<set>/ for each set.

# Begin configuration section.
cmd=run_local.sh
nj=2
sets="dev test"     # the first is the tuning set
decoder=decode.sh   # or decode_fmllr.sh for speaker-adapted systems
decode_opts=        # further options of the decoder, e.g. "--beam 11"
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 2 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <lang-test-dir> <system-dir>
 e.g.: $0 --sets "dev test" data/lang_test exp/tri1
Options: --cmd --nj --sets --decoder --decode-opts
EOU
  exit 1
fi
set -euo pipefail

lang=$1
dir=$2
tune=${sets%% *}
python -m toolkit.bin.make_graph "$lang" "$dir" "$dir/graph"
$decoder --cmd "$cmd" --nj $nj $decode_opts "$dir/graph" "data/$tune" "$dir/decode_$tune"
for s in $sets; do
  [ "$s" = "$tune" ] && continue
  $decoder --cmd "$cmd" --nj $nj $decode_opts --chosen-on "$dir/decode_$tune" "$dir/graph" "data/$s" "$dir/decode_$s"
done
