#!/usr/bin/env bash
# The start of every context-dependent GMM system (the first stages of Kaldi's
# steps/train_deltas.sh, train_lda_mllt.sh and train_sat.sh): decision-tree statistics from
# the alignments of <ali-dir> on the features given by --feat-opts, the tree (questions from
# clustered phone sets, splitting to --num-leaves leaves), the first model with one
# Gaussian per leaf, the alignments converted to its transition ids and the training graphs.
# Writes <dir>/tree, <dir>/1.mdl, <dir>/ali.JOB.ark, <dir>/fsts.JOB.ark, logs in <dir>/log.

# Begin configuration section.
cmd=run_local.sh
nj=2
num_leaves=2000     # most leaves (pdfs) of the tree
tree_opts=          # further build_tree options, e.g. "--thresh 300 --min-count 100"
feat_opts="--cmvn --delta-order 2"   # features the statistics are accumulated on
# End configuration section.

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 4 ]; then
  cat >&2 <<EOU
Usage: $0 [options] <data-dir> <lang-dir> <ali-dir> <exp-dir>
 e.g.: $0 --num-leaves 2000 data/train data/lang exp/mono_ali exp/tri1
Options: --cmd --nj --num-leaves --tree-opts --feat-opts
EOU
  exit 1
fi
set -euo pipefail

data=$1
lang=$2
alidir=$3
dir=$4
for f in "$alidir/final.mdl" "$alidir/ali.1.ark" "$data/feats.scp" "$lang/phones/roots.int"; do
  [ -f "$f" ] || { log "Expected file $f to exist"; exit 1; }
done
ali_nj=$(ls "$alidir"/ali.*.ark | wc -l)
[ "$ali_nj" -eq "$nj" ] || { log "$alidir has $ali_nj alignment jobs but --nj is $nj: use the same split"; exit 1; }
mkdir -p "$dir/log"
sdata=$data/split$nj
python -m toolkit.bin.split_data_dir "$data" "$nj"
ci_phones=$(cat "$lang/phones/context_indep.csl")

log "Accumulating tree statistics from $alidir"
$cmd JOB=1:$nj "$dir/log/acc_tree.JOB.log" \
  python -m toolkit.bin.acc_tree_stats $feat_opts --ci-phones "$ci_phones" \
    "$alidir/final.mdl" "$sdata/JOB" "$alidir/ali.JOB.ark" "$dir/JOB.treeacc"

log "Building the tree (at most $num_leaves leaves)"
python -m toolkit.bin.build_tree --num-leaves $num_leaves $tree_opts "$lang" "$dir"/*.treeacc "$dir/tree" \
  2> "$dir/log/build_tree.log" || { cat "$dir/log/build_tree.log" >&2; exit 1; }
grep -h "leaves" "$dir/log/build_tree.log" | sed 's/^.*INFO: //; s/^.*WARNING: /warning: /' >&2

python -m toolkit.bin.gmm_init_model "$dir/tree" "$lang" "$dir"/*.treeacc "$dir/1.mdl" 2> "$dir/log/init_model.log" \
  || { cat "$dir/log/init_model.log" >&2; exit 1; }
rm -f "$dir"/*.treeacc

log "Converting the alignments and compiling training graphs"
$cmd JOB=1:$nj "$dir/log/convert_ali.JOB.log" \
  python -m toolkit.bin.convert_ali "$alidir/final.mdl" "$dir/1.mdl" "$alidir/ali.JOB.ark" "$dir/ali.JOB.ark" '&&' \
  python -m toolkit.bin.compile_train_graphs "$lang" "$dir/1.mdl" "$sdata/JOB/text" "$dir/fsts.JOB.ark"
