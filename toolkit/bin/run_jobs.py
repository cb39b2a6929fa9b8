"""Run N jobs of a command as local processes with Kaldi's run.pl contract (the runner behind local/run_local.sh).

    python -m toolkit.bin.run_jobs [options] [JOB=1:N] LOG CMD ARG...

See toolkit.parallel.runner_args for the command line and toolkit.parallel.job for the log
format. Prints nothing on success; exit status 1 if any job failed (each failed log named),
128+N if signal N stopped it (the running jobs are killed), 1 on bad usage.
"""
from __future__ import annotations

import os
import signal
import sys

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.parallel.gpus import visible_gpus
from toolkit.parallel.job import JobResult
from toolkit.parallel.pool import Job, default_max_running, run_pool
from toolkit.parallel.runner_args import SYNOPSIS, USAGE, RunnerRequest, UsageError, parse_runner_args

# The wrapper script sets this so that messages carry the name the recipe calls (run_local.sh).
NAME_VARIABLE = "TOOLKIT_RUNNER_NAME"


def main(argv: list[str] | None = None) -> int:
    prog = os.environ.pop(NAME_VARIABLE, "run_jobs")
    argv = sys.argv[1:] if argv is None else argv
    if argv in (["--help"], ["-h"]):
        print(USAGE.format(prog=prog))
        return 0
    if not argv:
        print(USAGE.format(prog=prog), file=sys.stderr)
        return 1
    try:
        request = parse_runner_args(argv)
        gpus = visible_gpus() if request.gpu else []
        if request.gpu > len(gpus):
            raise ToolkitError(
                f"--gpu {request.gpu}: each job needs {request.gpu} GPUs but {len(gpus)} are visible "
                "(CUDA_VISIBLE_DEVICES, nvidia-smi -L); use a CPU command or a runner with GPUs"
            )
        max_running = request.max_jobs_run or default_max_running(request.num_threads or 1, request.gpu, len(gpus))
        jobs = [Job(request.command_for(i), request.log_path(i)) for i in request.job_ids]
        outcome = run_pool(jobs, max_running, request.num_threads, request.gpu, gpus)
    except UsageError as e:
        print(f"{prog}: {e}\n{SYNOPSIS.format(prog=prog)}   ({prog} --help for details)", file=sys.stderr)
        return 1
    except ToolkitError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 1
    return _report(prog, request, outcome.results, outcome.interrupted_by)


def _report(prog: str, request: RunnerRequest, results: list[JobResult | None], interrupted_by: int | None) -> int:
    """Print run.pl's failure messages; the runner's exit status."""
    failed = [r for r in results if r is not None and not r.ok]
    if interrupted_by is not None:
        not_started = sum(r is None for r in results)
        print(
            f"{prog}: stopped by {_signal_name(interrupted_by)}: {len(failed)} jobs killed or failed, "
            f"{not_started} not started",
            file=sys.stderr,
        )
        for r in failed:
            print(f"{prog}: ended with code {r.code}: {r.log_path}", file=sys.stderr)
        return 128 + interrupted_by
    if not failed:
        return 0
    if len(results) == 1:
        print(f"{prog}: job failed, log is in {failed[0].log_path}", file=sys.stderr)
        if request.job_var is None and "JOB" in request.log_template:
            print(f"{prog}: probably you forgot to put JOB=1:$nj in your script.", file=sys.stderr)
        return 1
    print(f"{prog}: {len(failed)} / {len(results)} failed, log is in {request.failed_logs_pattern()}", file=sys.stderr)
    for r in failed:
        print(f"{prog}: failed (code {r.code}): {r.log_path}", file=sys.stderr)
    return 1


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


if __name__ == "__main__":
    cli.exit_with(main)
