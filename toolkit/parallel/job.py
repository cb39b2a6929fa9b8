"""One job under run.pl's log contract: bash runs the command, its log is framed by a header and footer.

The log of a job (created with its directory, replacing an old one):

    # <the command line, as run>
    # Started at <date>
    #
    <stdout and stderr of the command>
    # Accounting: time=<seconds> threads=<n>
    # Ended (code <status>) at <date>, elapsed time <seconds> seconds

Dates are written as `date` writes them, times in whole seconds, as run.pl does. A job
killed by signal N ends with `(code 128+N; signal N)`, the status bash would report.
"""
from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from toolkit.errors import ToolkitError


@dataclass(frozen=True)
class JobResult:
    """How a job ended: `code` is its exit status (128+N if killed by signal N, then `signal` is N)."""

    log_path: str
    code: int
    signal: int
    elapsed: float

    @property
    def ok(self) -> bool:
        return self.code == 0


def _date() -> str:
    return time.strftime("%a %b %e %H:%M:%S %Z %Y")


class RunningJob:
    """A command started under bash in a process group of its own, its output appended to its log.

    The process group lets the whole pipeline of a job be signalled at once, and keeps a
    terminal's Ctrl-C from reaching the job directly: the runner decides what to kill.
    Standard input is /dev/null, as under run.pl.
    """

    def __init__(self, command: str, log_path: str, threads: int = 1, env: Mapping[str, str] | None = None):
        self.command = command
        self.log_path = log_path
        self.threads = threads
        self.result: JobResult | None = None
        log = Path(log_path)
        try:
            log.parent.mkdir(parents=True, exist_ok=True)
            with open(log, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(f"# {command}\n# Started at {_date()}\n#\n")
            # O_APPEND, so that the footer and any late writes of the job never overwrite each other.
            out = open(log, "ab")
        except OSError as e:
            raise ToolkitError(f"cannot write the log file {log_path}: {e.strerror}") from e
        self._start = time.monotonic()
        with out:
            try:
                self._proc = subprocess.Popen(
                    ["bash", "-c", command],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    env=None if env is None else {**os.environ, **env},
                )
            except OSError as e:
                raise ToolkitError(f"cannot start bash for the job logged in {log_path}: {e.strerror}") from e

    def poll(self) -> JobResult | None:
        """The result once the job has ended (its footer then written), else None."""
        if self.result is None and self._proc.poll() is not None:
            self._finish()
        return self.result

    def send_signal(self, sig: int) -> None:
        """Send `sig` to every process of the job (nothing if it has ended)."""
        if self.result is None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, sig)
            except ProcessLookupError:
                pass

    def _finish(self) -> None:
        elapsed = time.monotonic() - self._start
        rc = self._proc.returncode
        sig = -rc if rc < 0 else 0
        code = 128 + sig if sig else rc
        status = f"code {code}; signal {sig}" if sig else f"code {code}"
        seconds = int(elapsed + 0.5)
        try:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(
                    f"# Accounting: time={seconds} threads={self.threads}\n"
                    f"# Ended ({status}) at {_date()}, elapsed time {seconds} seconds\n"
                )
        except OSError as e:
            raise ToolkitError(f"cannot write the log file {self.log_path}: {e.strerror}") from e
        self.result = JobResult(self.log_path, code, sig, elapsed)

