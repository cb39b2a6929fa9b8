"""The pool and the single-job entry point a cluster array task runs."""
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from toolkit.errors import ToolkitError
from toolkit.parallel.pool import Job, run_pool

ROOT = Path(__file__).resolve().parents[2]


def test_results_in_job_order_with_codes(tmp_path):
    jobs = [Job(f"sleep 0.{3 - i}; exit {i}", str(tmp_path / f"log.{i}")) for i in range(3)]
    outcome = run_pool(jobs, max_running=3)
    assert outcome.interrupted_by is None
    assert [r.code for r in outcome.results] == [0, 1, 2]
    assert [r.log_path for r in outcome.results] == [j.log_path for j in jobs]
    # Job 0 slept longest: the pool waits for every job.
    assert outcome.results[0].elapsed >= 0.3


def test_a_job_that_ignores_sigterm_is_killed_after_the_grace_period(tmp_path):
    job = Job("trap '' TERM; echo ready; sleep 30 & wait; sleep 30", str(tmp_path / "log"))
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    start = time.monotonic()
    try:
        outcome = run_pool([job], max_running=1, grace=0.3)
    finally:
        timer.cancel()
    assert time.monotonic() - start < 3
    assert outcome.interrupted_by == signal.SIGTERM
    result = outcome.results[0]
    assert (result.code, result.signal) == (137, 9)
    assert "# Ended (code 137; signal 9)" in Path(job.log_path).read_text()
    # The pool restored the previous handler.
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_unwritable_log_is_an_error_naming_it(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ToolkitError, match=f"cannot write the log file {blocker}/log.1"):
        run_pool([Job("true", str(blocker / "log.1"))], max_running=1)


def test_more_gpus_per_job_than_visible_is_an_error(tmp_path):
    with pytest.raises(ToolkitError, match="each job needs 2 GPUs but only 1 are visible"):
        run_pool([Job("true", str(tmp_path / "l"))], 1, gpus_per_job=2, gpus=["0"])


def run_one_job(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "toolkit.bin.run_one_job", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=30)


def test_run_one_job_writes_the_runner_log(tmp_path):
    # What a Slurm array task would run for task 7 of `JOB=1:8 exp/log/x.JOB.log echo JOB \| wc -c`.
    proc = run_one_job("--job", "JOB=7", "--num-threads", "3", "exp/log/x.JOB.log",
                       "echo JOB $OMP_NUM_THREADS | wc -c; exit 4", cwd=tmp_path)
    assert proc.returncode == 4
    assert proc.stderr == "run_one_job: job failed (code 4), log is in exp/log/x.7.log\n"
    lines = (tmp_path / "exp/log/x.7.log").read_text().splitlines()
    assert lines[0] == "# echo 7 $OMP_NUM_THREADS | wc -c; exit 4"
    assert lines[1].startswith("# Started at ") and lines[2] == "#"
    assert lines[3] == "4"  # "7 3\n"
    assert lines[4] == "# Accounting: time=0 threads=3"
    assert lines[5].startswith("# Ended (code 4) at ")


def test_run_one_job_rejects_a_range(tmp_path):
    proc = run_one_job("--job", "JOB=1:4", "log.JOB", "true", cwd=tmp_path)
    assert proc.returncode == 1
    assert "--job JOB=1:4: give one job number" in proc.stderr
