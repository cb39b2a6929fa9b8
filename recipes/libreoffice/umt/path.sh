# The recipe's environment: the toolkit's path.sh (venv, PYTHONPATH, local/ on PATH, LC_ALL=C).
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/path.sh"
