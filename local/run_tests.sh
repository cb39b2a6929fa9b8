#!/usr/bin/env bash
# Runs the test suite in the environment local/setup_env.sh made.
# Usage: local/run_tests.sh [pytest arguments]   e.g.  local/run_tests.sh tests/scoring -x
# Arguments go to pytest unchanged; with none, every test under tests/ runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/path.sh"
cd "$root"
echo "$0 $*"
[ $# -gt 0 ] || set -- tests
exec python -m pytest -q -c tests/pytest.ini --rootdir . "$@"
