"""The runner command line of Kaldi's run.pl/queue.pl, shared by every job runner.

    RUNNER [options] [VAR=A:B | VAR=A] LOG CMD ARG...

Options may come before and after the job range (as in run.pl). VAR is any shell-style
name (JOB, TASK, ...); every occurrence of it in LOG and in the command is replaced by
the job number, as run.pl does (a plain text substitution, so `JOB` inside a longer
word is replaced too). The arguments are joined into one bash command line exactly as
run.pl joins them: an argument without white space is passed as it is (so `\\|`, `>`,
`2>&1` written quoted or escaped in the recipe act as shell syntax), one with white
space is put in double quotes (single quotes if it contains a double quote).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Sequence

from toolkit.errors import ToolkitError

SYNOPSIS = "Usage: {prog} [options] [JOB=1:N] LOG CMD ARG..."
USAGE = SYNOPSIS + """
Runs CMD once per job number (JOB=1:N, JOB=3:5 or JOB=2; no range: one job), replacing the
variable (any name: JOB, TASK, ...) in LOG and in every argument by the job number. Each job
runs under bash; its log starts with the command line and start time and ends with the exit
code and elapsed time. Exits non-zero, naming the failed logs, if any job fails.
Options (also accepted after the job range):
  --max-jobs-run N  at most N jobs at once (-tc N is the same; default: CPUs / --num-threads,
                    or with --gpu the visible GPUs / --gpu)
  --num-threads N   threads per job: each job counts as N CPUs and gets OMP_NUM_THREADS=N
                    and MKL_NUM_THREADS=N (default 1, environment untouched)
  --gpu N           GPUs per job: each running job gets N GPUs of its own through
                    CUDA_VISIBLE_DEVICES; an error if fewer than N are visible (default 0)
  --mem SIZE        memory per job, e.g. 4G (checked, not enforced by a local runner)
  --config FILE     cluster runner configuration (must be readable; not used locally)
Example (a quoted or escaped > or | is shell syntax of the job, as under run.pl):
  {prog} --max-jobs-run 2 JOB=1:4 exp/x/log/count.JOB.log \\
    cut -d' ' -f2- data/train/split4/JOB/text \\| wc -w \\> exp/x/words.JOB"""

_RANGE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=(\d+)(?::(\d+))?")
# What a job range looks like before its numbers are checked: NAME=...
_RANGE_LIKE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_MEM = re.compile(r"\d+(\.\d+)?[KMGTkmgt]?[Bb]?")


class UsageError(ToolkitError):
    """The runner command line is malformed; the message names the offending argument."""


@dataclass(frozen=True)
class RunnerRequest:
    """One parsed runner command line.

    `command` is the bash command line with the job variable still in it; `first`..`last`
    (inclusive) are the job numbers; `job_var` is None for the form without a range.
    `max_jobs_run` is None when not given (the runner picks its default).
    """

    job_var: str | None
    first: int
    last: int
    log_template: str
    command: str
    max_jobs_run: int | None = None
    num_threads: int | None = None
    gpu: int = 0
    mem: str | None = None
    config: str | None = None

    @property
    def job_ids(self) -> range:
        return range(self.first, self.last + 1)

    def log_path(self, job_id: int) -> str:
        return substitute(self.log_template, self.job_var, job_id)

    def command_for(self, job_id: int) -> str:
        return substitute(self.command, self.job_var, job_id)

    def failed_logs_pattern(self) -> str:
        """The log name with the variable as `*`, as run.pl reports failures of several jobs."""
        return self.log_template if self.job_var is None else self.log_template.replace(self.job_var, "*")


def substitute(text: str, job_var: str | None, job_id: int) -> str:
    """`text` with every occurrence of `job_var` replaced by `job_id` (unchanged if no variable)."""
    return text if job_var is None else text.replace(job_var, str(job_id))


def join_command(args: Sequence[str]) -> str:
    """The bash command line run.pl builds from `args` (see the module docstring)."""
    words = []
    for a in args:
        if re.fullmatch(r"\S+", a):
            words.append(a)
        elif '"' in a:
            words.append(f"'{a}'")
        else:
            words.append(f'"{a}"')
    return " ".join(words)


def parse_job_range(arg: str) -> tuple[str, int, int]:
    """`JOB=1:8` -> ('JOB', 1, 8); `JOB=3` -> ('JOB', 3, 3). Raises UsageError if malformed."""
    m = _RANGE.fullmatch(arg)
    if m is None:
        raise UsageError(f"malformed job range '{arg}' (expected NAME=FIRST:LAST or NAME=N, e.g. JOB=1:4)")
    name, first = m.group(1), int(m.group(2))
    last = first if m.group(3) is None else int(m.group(3))
    if first < 1:
        # As in run.pl: cluster array jobs number from 1.
        raise UsageError(f"invalid job range '{arg}': the first job number must be at least 1")
    if last < first:
        raise UsageError(f"invalid job range '{arg}': the last job number is smaller than the first")
    return name, first, last


def _positive_int(option: str, value: str) -> int:
    if not re.fullmatch(r"\d+", value) or int(value) < 1:
        raise UsageError(f"option {option} takes a positive integer, got '{value}'")
    return int(value)


def parse_runner_args(argv: Sequence[str]) -> RunnerRequest:
    """Parse a runner command line (without the program name). Raises UsageError."""
    args = list(argv)
    opts: dict = {}
    job_range: tuple[str, int, int] | None = None

    def take_options() -> None:
        while args and args[0].startswith("-"):
            switch = args.pop(0)
            name, eq, value = switch.partition("=")
            if not eq:
                if not args:
                    raise UsageError(f"option {switch} needs a value")
                value = args.pop(0)
            if name in ("--max-jobs-run", "-tc"):
                opts["max_jobs_run"] = _positive_int(name, value)
            elif name == "--num-threads":
                opts["num_threads"] = _positive_int(name, value)
            elif name == "--gpu":
                if not re.fullmatch(r"\d+", value):
                    raise UsageError(f"option --gpu takes a number of GPUs (0 for none), got '{value}'")
                opts["gpu"] = int(value)
            elif name == "--mem":
                if not _MEM.fullmatch(value):
                    raise UsageError(f"option --mem takes a size such as 500M or 4G, got '{value}'")
                opts["mem"] = value
            elif name == "--config":
                if not os.access(value, os.R_OK) or os.path.isdir(value):
                    raise UsageError(f"cannot read the file '{value}' given with --config")
                opts["config"] = value
            else:
                raise UsageError(f"unknown option '{name}'")

    take_options()
    if args and _RANGE_LIKE.match(args[0]):
        job_range = parse_job_range(args.pop(0))
        take_options()
    if not args:
        raise UsageError("no log file given")
    log_template = args.pop(0)
    if not args:
        raise UsageError(f"no command given (after the log file '{log_template}')")

    job_var, first, last = (None, 1, 1) if job_range is None else job_range
    if job_var is not None and last > first and job_var not in log_template:
        raise UsageError(
            f"{last - first + 1} jobs would all write the same log file '{log_template}': "
            f"put {job_var} in the log name"
        )
    return RunnerRequest(
        job_var=job_var,
        first=first,
        last=last,
        log_template=log_template,
        command=join_command(args),
        max_jobs_run=opts.get("max_jobs_run"),
        num_threads=opts.get("num_threads"),
        gpu=opts.get("gpu", 0),
        mem=opts.get("mem"),
        config=opts.get("config"),
    )
