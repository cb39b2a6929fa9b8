# Sourced by every recipe (through its own path.sh) and by the test runner.
# Puts the repository on PYTHONPATH and local/ on PATH, activates the Python
# environment made by local/setup_env.sh, and fixes the locale so that sorting
# is C order everywhere (Kaldi's data directories depend on it).

TOOLKIT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export TOOLKIT_ROOT

# The environment local/setup_env.sh creates; VENV overrides its location.
if [ -f "${VENV:-$TOOLKIT_ROOT/venv}/bin/activate" ]; then
  # shellcheck disable=SC1091
  . "${VENV:-$TOOLKIT_ROOT/venv}/bin/activate"
fi

export PYTHONPATH=$TOOLKIT_ROOT${PYTHONPATH:+:$PYTHONPATH}
export PATH=$TOOLKIT_ROOT/local:$PATH
export LC_ALL=C
export PYTHONUNBUFFERED=1
# kaldi-io prints a banner on import unless KALDI_ROOT names an existing
# directory; keep a user's real Kaldi, otherwise point it at this repository.
if [ -z "${KALDI_ROOT:-}" ] || [ ! -d "$KALDI_ROOT" ]; then
  export KALDI_ROOT=$TOOLKIT_ROOT
fi
