#!/usr/bin/env bash
# Prepares a real-speech, out-of-domain test set for the digits recipe from the Debian
# package asterisk-core-sounds-en-wav (Asterisk's English prompts: one real female
# speaker, 8 kHz): the 11 isolated digit prompts (0-9, oh) upsampled to 16 kHz, and
# connected strings made by joining them (deterministic from --seed). Transcripts come
# from asterisk-core-sounds-en. The packages are fetched with `apt-get download` into
# --download-dir (once; no root needed) and unpacked with dpkg-deb; with --sounds-dir
# and --transcripts an installed copy is used instead and nothing is downloaded.
#
# Writes <corpus-dir>/wav, and the data directories <data-dir> (all utterances),
# <data-dir>_isolated and <data-dir>_connected. Speaker id: allison; utterance ids
# allison-iso-<digit> and allison-str-<n>.

# Begin configuration section.
download_dir=downloads  # where the .deb files are kept
sounds_dir=             # e.g. /usr/share/asterisk/sounds/en_US_f_Allison (skips the download)
transcripts=            # e.g. /usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz
num_strings=200         # connected digit strings
min_words=2             # digits per string, uniform in [min_words, max_words]
max_words=7
seed=2024
# End configuration section.

help_message="Usage: $0 [options] <corpus-dir> <data-dir>
 e.g.: $0 corpus/asterisk data/asterisk
Options: --download-dir --sounds-dir --transcripts --num-strings --min-words --max-words
         --seed (defaults in the configuration section of $0)."

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
mkdir -p "$corpus"

if [ -z "$sounds_dir" ] || [ -z "$transcripts" ]; then
  mkdir -p "$download_dir"
  for pkg in asterisk-core-sounds-en-wav asterisk-core-sounds-en; do
    if ! ls "$download_dir/${pkg}_"*_all.deb >/dev/null 2>&1; then
      log "Downloading $pkg into $download_dir"
      (cd "$download_dir" && apt-get download "$pkg") || {
        log "apt-get download $pkg failed: pass --sounds-dir and --transcripts to use an installed copy"
        exit 1
      }
    fi
  done
  # Unpack only what is used (the digit prompts and the transcripts), as dpkg -x would.
  rm -rf "$corpus/extracted.tmp"
  mkdir -p "$corpus/extracted.tmp"
  dpkg-deb --fsys-tarfile "$(ls "$download_dir"/asterisk-core-sounds-en-wav_*_all.deb | tail -n 1)" |
    tar -x -C "$corpus/extracted.tmp" ./usr/share/asterisk/sounds/en_US_f_Allison/digits
  dpkg-deb --fsys-tarfile "$(ls "$download_dir"/asterisk-core-sounds-en_*_all.deb | tail -n 1)" |
    tar -x -C "$corpus/extracted.tmp" ./usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz
  rm -rf "$corpus/extracted"
  mv "$corpus/extracted.tmp" "$corpus/extracted"
  [ -n "$sounds_dir" ] || sounds_dir=$corpus/extracted/usr/share/asterisk/sounds/en_US_f_Allison
  [ -n "$transcripts" ] || transcripts=$corpus/extracted/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz
fi

log "Making $data from $sounds_dir"
python "$local_dir/prepare_asterisk.py" --num-strings "$num_strings" --min-words "$min_words" \
  --max-words "$max_words" --seed "$seed" "$sounds_dir" "$transcripts" "$corpus/wav" "$data"
for d in "$data" "${data}_isolated" "${data}_connected"; do
  python -m toolkit.bin.validate_data_dir --no-feats "$d"
done
