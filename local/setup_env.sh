#!/usr/bin/env bash
# Sets up a fresh machine for the toolkit: the Debian packages the recipes call
# (espeak-ng, flite, sox, sctk for sclite) and a Python virtual environment with
# the toolkit installed in editable mode. Safe to rerun: what is present is kept.

# Begin configuration section.
venv=             # where the environment goes (default: $TOOLKIT_ROOT/venv, or $VENV)
python=python3    # interpreter the environment is made from
skip_apt=false    # true: do not install Debian packages
# End configuration section.

set -euo pipefail
echo "$0 $*"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${venv:-${VENV:-$root/venv}}
help_message="Usage: $0 [options]
Installs Debian packages and the Python environment ($venv).
Options:
  --venv DIR       # environment location (default: $venv)
  --python PYTHON  # interpreter to build it from (default: $python)
  --skip-apt BOOL  # true to leave Debian packages alone (default: $skip_apt)"
. "$root/local/parse_options.sh"

debs="espeak-ng flite sox libsox-fmt-all sctk"
if ! $skip_apt; then
  missing=""
  for p in $debs; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "$0: missing Debian packages:$missing; run: sudo apt-get install$missing" >&2
      exit 1
    fi
    echo "$0: installing Debian packages:$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "$0: creating Python environment in $venv"
  "$python" -m venv "$venv"
fi
# Editable install: the recipes run the code in this checkout; [test] adds the
# independent implementations the tests compare against (kenlm compiles with g++).
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$root[test]"
# Byte-compile the checkout (an editable install does not): a recipe starts thousands of short
# Python processes, and where PYTHONDONTWRITEBYTECODE is set each would compile every module
# it imports again (about 0.1 s per process). A module edited later is compiled afresh, as before.
"$venv/bin/python" -m compileall -q "$root/toolkit" >/dev/null
echo "$0: environment ready; recipes source path.sh, which activates $venv"
