"""Run one job under run.pl's log contract: the body of a cluster runner's array task.

A cluster runner (Slurm, ...) parses the runner command line like the local one, then has
each array task run, on its compute node,
    python -m toolkit.bin.run_one_job --job JOB=$SLURM_ARRAY_TASK_ID [--num-threads N] LOG COMMAND
where LOG and COMMAND still contain the variable (COMMAND is the one bash command line that
toolkit.parallel.runner_args.join_command built). The log gets the same header and footer as
under the local runner. Exit status: the job's (128+N if killed by signal N); SIGTERM (as from
scancel) kills the job's processes and still writes the footer.
"""
from __future__ import annotations

import sys

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.parallel.pool import Job, run_pool
from toolkit.parallel.runner_args import parse_job_range, substitute


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--job", metavar="NAME=ID", help="replace NAME by the job number ID in LOG and COMMAND")
    p.add_argument(
        "--num-threads",
        type=int,
        default=None,
        help="threads of the job: recorded in the log and exported as OMP_NUM_THREADS and MKL_NUM_THREADS",
    )
    p.add_argument("log", help="the job's log file (created with its directory)")
    p.add_argument("command", help="one bash command line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    job_var, job_id = None, 0
    if args.job is not None:
        job_var, job_id, last = parse_job_range(args.job)
        if last != job_id:
            raise ToolkitError(f"--job {args.job}: give one job number (NAME=ID), not a range")
    if args.num_threads is not None and args.num_threads < 1:
        raise ToolkitError(f"--num-threads {args.num_threads}: need at least 1")
    job = Job(substitute(args.command, job_var, job_id), substitute(args.log, job_var, job_id))
    outcome = run_pool([job], 1, args.num_threads)
    result = outcome.results[0]
    if outcome.interrupted_by is not None:
        print(f"run_one_job: stopped by signal {outcome.interrupted_by}, log is in {job.log_path}", file=sys.stderr)
        return 128 + outcome.interrupted_by
    assert result is not None  # the pool ran its only job to the end
    if not result.ok:
        print(f"run_one_job: job failed (code {result.code}), log is in {job.log_path}", file=sys.stderr)
    return result.code


if __name__ == "__main__":
    cli.exit_with(main)
