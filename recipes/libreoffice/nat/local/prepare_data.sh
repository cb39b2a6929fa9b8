#!/usr/bin/env bash
# Prepares the English-<tgt-lang> parallel data of this recipe from real human
# translations: the packages of --packages are fetched and unpacked into <download-dir>
# (local/download_packages.sh), then
#   training: every gettext catalogue of the train packages (msgid English, msgstr its
#             translation), cleaned, filtered, deduplicated, and with every pair removed
#             whose source or target occurs in dev or test;
#   dev/test: aligned paragraphs of the LibreOffice help (same page, same par_id/hd_id in
#             both languages) of --heldout-min-words..--heldout-max-words words, chosen
#             whole pages at a time by a salted page hash, about --dev-size / --test-size
#             pairs; help paragraphs outside dev and test are not used.
# Output in <data-dir>: {train,dev,test}.{en,<tgt-lang>,origin}, stats.json, stats.md,
# and in <data-dir>/local the intermediate sets, the catalogue list and drop reports.
# The result depends only on the package versions (listed in <data-dir>/local/packages.txt).

# Begin configuration section.
stage=0
tgt_lang=fr                   # fr, de or es
packages=conf/packages.conf   # what to download (see the comments there)
dev_size=1500                 # at least this many pairs in dev (whole pages are added until reached)
test_size=1500                # the same for test
heldout_min_words=3           # dev/test pairs: words per side
heldout_max_words=60
min_words=1                   # training pairs: words per side
max_words=100
max_ratio=3.0                 # most (longer+1)/(shorter+1) words, train and held-out
max_identical_words=2         # training pairs with target == source are kept up to this length
salt=libreoffice-help         # page hash salt: another salt gives other dev/test pages
# End configuration section.

help_message="Usage: $0 [options] <download-dir> <data-dir>
 e.g.: $0 downloads data
Options (defaults in the configuration section of $0):
  --stage <n>                 # 0: download, 1: extract, 2: dev/test, 3: train, 4: statistics
  --tgt-lang <fr|de|es>       # target language ($tgt_lang)
  --packages <file>           # package list ($packages)
  --dev-size <n> --test-size <n> --heldout-min-words <n> --heldout-max-words <n>
  --min-words <n> --max-words <n> --max-ratio <x> --max-identical-words <n> --salt <s>"

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 2 ]; then
  printf '%s\n' "$help_message" >&2
  exit 1
fi
set -euo pipefail

download=$1
data=$2
src_lang=en
lang_opts="--src-lang $src_lang --tgt-lang $tgt_lang"
local_dir=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$data/local"

if [ $stage -le 0 ]; then
  stage_banner 0 "download and unpack the packages"
  "$local_dir/download_packages.sh" --tgt-lang "$tgt_lang" "$packages" "$download"
  cp "$download/$tgt_lang/packages.txt" "$data/local/packages.txt"
fi

manifest=$data/local/packages.txt
[ -s "$manifest" ] || { log "$manifest is missing: run stage 0"; exit 1; }

if [ $stage -le 1 ]; then
  stage_banner 1 "extract catalogue pairs and help paragraphs"
  # One `ORIGIN PATH` line per catalogue, in the package order of the manifest, files sorted.
  while read -r role name version dir; do
    [ "$role" = train ] || continue
    (cd "$dir" && find . -type f \( -name '*.mo' -o -name '*.po' \) | sed 's|^\./||' | sort) |
      while read -r file; do
        case $file in
          */LC_MESSAGES/*.mo) origin=$name:${file##*/} ;;   # Debian: one catalogue per name
          *) origin=$name:$file ;;                          # PyPI: one django.po per app
        esac
        echo "$origin $dir/$file"
      done
  done < "$manifest" > "$data/local/catalogues.scp.tmp"
  mv "$data/local/catalogues.scp.tmp" "$data/local/catalogues.scp"
  log "$(wc -l < "$data/local/catalogues.scp") catalogues"
  python -m toolkit.bin.extract_gettext_pairs $lang_opts "$data/local/catalogues.scp" "$data/local/gettext"

  help_src=$(awk '$1 == "help-src" {print $4}' "$manifest")
  help_tgt=$(awk '$1 == "help-tgt" {print $4}' "$manifest")
  [ -n "$help_src" ] && [ -n "$help_tgt" ] || { log "$manifest lists no help-src and help-tgt package"; exit 1; }
  src_tree=$(ls -d "$help_src"/usr/share/libreoffice/help/*/text | head -n 1)
  tgt_tree=$(ls -d "$help_tgt"/usr/share/libreoffice/help/*/text | grep -v /en-US/ | head -n 1)
  python -m toolkit.bin.extract_help_pairs $lang_opts "$src_tree" "$tgt_tree" "$data/local/help"
fi

if [ $stage -le 2 ]; then
  stage_banner 2 "choose dev and test from the help paragraphs"
  python -m toolkit.bin.select_heldout_pairs $lang_opts --names dev,test --sizes "$dev_size,$test_size" \
    --min-words "$heldout_min_words" --max-words "$heldout_max_words" --max-ratio "$max_ratio" --salt "$salt" \
    --report "$data/local/heldout_report.json" "$data/local/help" "$data"
fi

if [ $stage -le 3 ]; then
  stage_banner 3 "clean the training corpus"
  python -m toolkit.bin.clean_parallel_corpus $lang_opts --heldout "$data/dev" --heldout "$data/test" \
    --min-words "$min_words" --max-words "$max_words" --max-ratio "$max_ratio" \
    --max-identical-words "$max_identical_words" --report "$data/local/train_report.json" \
    "$data/local/gettext" "$data/train"
fi

if [ $stage -le 4 ]; then
  stage_banner 4 "corpus statistics"
  python -m toolkit.bin.parallel_corpus_stats $lang_opts --json "$data/stats.json" --markdown "$data/stats.md" \
    "$data/local/gettext" "$data/train" "$data/dev" "$data/test"
fi
log "done: $data/{train,dev,test}.{$src_lang,$tgt_lang,origin}, $data/stats.md"
