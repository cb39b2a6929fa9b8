#!/usr/bin/env bash
# Runs the jobs of a step as local processes, with the contract of Kaldi's run.pl:
#   run_local.sh [options] [JOB=1:N] LOG CMD ARG...
# e.g. in a recipe, after `. ./cmd.sh` sets train_cmd="run_local.sh":
#   $train_cmd JOB=1:$nj exp/mono/log/align.JOB.log \
#     python -m toolkit.bin.align data/train/split$nj/JOB exp/mono/ali.JOB.gz
# JOB (any name) is replaced by the job number in LOG and in every argument. Each
# log begins with the command line and start time and ends with the exit code and
# elapsed time; the exit status is non-zero, naming the failed logs, if a job fails.
# Options (--max-jobs-run, --num-threads, --gpu, --mem, --config): run with --help.
# Works from any directory; uses the active virtual environment's python (path.sh
# activates it), otherwise python3.
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
  python=$VIRTUAL_ENV/bin/python
else
  python=python3
fi
case ":${PYTHONPATH:-}:" in
  *":$root:"*) ;;
  *) export PYTHONPATH=$root${PYTHONPATH:+:$PYTHONPATH} ;;
esac
TOOLKIT_RUNNER_NAME=${0##*/} exec "$python" -m toolkit.bin.run_jobs "$@"
