"""local/run_local.sh as a recipe calls it: parallelism, logs, failures, shell syntax, usage errors, signals."""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "local" / "run_local.sh"
# `date`'s format, as run.pl writes it: "Fri Nov 27 18:03:12 UTC 2026".
DATE = r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ \d{4}"


def run_local(args: str, cwd: Path, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `run_local.sh ARGS` with ARGS written as in a recipe (bash quoting and escapes)."""
    return subprocess.run(
        ["bash", "-c", f"{RUNNER} {args}"], cwd=cwd, capture_output=True, text=True, env=env, timeout=timeout
    )


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    best = now = 0
    for _, d in events:
        now += d
        best = max(best, now)
    return best


def job_output(log: Path) -> list[str]:
    """The lines the job itself wrote (between run.pl's header and footer)."""
    lines = log.read_text().splitlines()
    assert lines[1].startswith("# Started at ") and lines[2] == "#"
    assert lines[-2].startswith("# Accounting: ") and lines[-1].startswith("# Ended (")
    return lines[3:-2]


@pytest.mark.parametrize("max_jobs, expect_overlap", [(4, 4), (2, 2), (1, 1)])
def test_jobs_run_in_parallel_up_to_max_jobs_run(tmp_path, max_jobs, expect_overlap):
    start = time.monotonic()
    proc = run_local(
        f"--max-jobs-run {max_jobs} JOB=1:4 log/sleep.JOB.log date +%s.%N \\; sleep 0.5 \\; date +%s.%N", tmp_path
    )
    wall = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    spans = [tuple(map(float, job_output(tmp_path / f"log/sleep.{j}.log"))) for j in range(1, 5)]
    assert max_overlap(spans) == expect_overlap
    rounds = 4 // max_jobs
    assert wall >= 0.5 * rounds
    assert wall < 0.5 * rounds + 1.2  # 4 sequential sleeps would take 2 s


def test_default_runs_one_job_per_cpu(tmp_path):
    cpus = len(os.sched_getaffinity(0))
    n = cpus + 1
    proc = run_local(f"JOB=1:{n} log/s.JOB.log date +%s.%N \\; sleep 0.3 \\; date +%s.%N", tmp_path)
    assert proc.returncode == 0, proc.stderr
    spans = [tuple(map(float, job_output(tmp_path / f"log/s.{j}.log"))) for j in range(1, n + 1)]
    assert max_overlap(spans) == cpus


def test_job_variable_is_substituted_in_log_names_and_arguments(tmp_path):
    proc = run_local("TASK=3:5 exp/TASK/log/echo.TASK.log echo TASK data/split3/TASK/text TASKS JOB", tmp_path)
    assert proc.returncode == 0, proc.stderr
    for t in (3, 4, 5):
        log = tmp_path / f"exp/{t}/log/echo.{t}.log"
        assert log.read_text().splitlines()[0] == f"# echo {t} data/split3/{t}/text {t}S JOB"
        assert job_output(log) == [f"{t} data/split3/{t}/text {t}S JOB"]
    assert sorted(p.name for p in (tmp_path / "exp").iterdir()) == ["3", "4", "5"]


def test_log_header_and_footer(tmp_path):
    proc = run_local(
        "--num-threads 2 JOB=1:2 exp/x/log/t.JOB.log echo OMP=\\$OMP_NUM_THREADS \\; sleep 0.7 \\; exit JOB", tmp_path
    )
    assert proc.returncode == 1
    for j in (1, 2):
        text = (tmp_path / f"exp/x/log/t.{j}.log").read_text()
        m = re.fullmatch(
            rf"# echo OMP=\$OMP_NUM_THREADS ; sleep 0\.7 ; exit {j}\n"
            rf"# Started at ({DATE})\n"
            r"#\n"
            r"OMP=2\n"
            r"# Accounting: time=(\d+) threads=2\n"
            rf"# Ended \(code {j}\) at ({DATE}), elapsed time (\d+) seconds\n",
            text,
        )
        assert m, text
        assert m.group(2) == m.group(4) == "1"  # whole seconds, as run.pl
        started = time.strptime(m.group(1).replace("  ", " "), "%a %b %d %H:%M:%S %Z %Y")
        ended = time.strptime(m.group(3).replace("  ", " "), "%a %b %d %H:%M:%S %Z %Y")
        assert 0 <= time.mktime(ended) - time.mktime(started) <= 2


def test_a_killed_job_reports_its_signal(tmp_path):
    proc = run_local("log/k.log kill -9 \\$\\$", tmp_path)
    assert proc.returncode == 1
    assert "# Ended (code 137; signal 9) at " in (tmp_path / "log/k.log").read_text()


def test_a_failing_job_fails_the_runner_and_names_exactly_its_log(tmp_path):
    proc = run_local("JOB=1:4 exp/x/log/step.JOB.log test JOB != 3", tmp_path)
    assert proc.returncode == 1
    assert "run_local.sh: 1 / 4 failed, log is in exp/x/log/step.*.log" in proc.stderr
    named = re.findall(r"exp/x/log/step\.\d+\.log", proc.stderr)
    assert named == ["exp/x/log/step.3.log"]
    assert "# Ended (code 1)" in (tmp_path / "exp/x/log/step.3.log").read_text()
    assert "# Ended (code 0)" in (tmp_path / "exp/x/log/step.4.log").read_text()


def test_single_job_failure_message(tmp_path):
    proc = run_local("exp/log/one.JOB.log false", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "run_local.sh: job failed, log is in exp/log/one.JOB.log",
        "run_local.sh: probably you forgot to put JOB=1:$nj in your script.",
    ]


def test_pipes_and_redirections_written_quoted_in_the_recipe(tmp_path):
    (tmp_path / "in.1").write_text("b a\nc\n")
    proc = run_local(
        "JOB=1 log/p.JOB.log cat in.JOB \\| wc -w \\> out.JOB '2>&1' \\&\\& "
        "echo 'a \"quoted\" word' '|' tr a A",
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.1").read_text().strip() == "3"
    assert job_output(tmp_path / "log/p.1.log") == ['A "quoted" word']


def test_arguments_with_white_space_stay_one_argument(tmp_path):
    # (A word without white space is shell syntax of the job, so the format has a space.)
    proc = run_local("log/w.log printf '<%s> \\\\n' 'two words' \"ark:gunzip -c a.gz |\" ''", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert job_output(tmp_path / "log/w.log") == ["<two words> ", "<ark:gunzip -c a.gz |> ", "<> "]


def test_single_job_form_and_rerun_replaces_the_log(tmp_path):
    for word in ("first", "second"):
        proc = run_local(f"deep/new/dir/one.log echo {word}", tmp_path)
        assert proc.returncode == 0 and proc.stderr == "" and proc.stdout == ""
    assert job_output(tmp_path / "deep/new/dir/one.log") == ["second"]


def test_jobs_read_no_terminal_input(tmp_path):
    proc = subprocess.run(["bash", "-c", f"{RUNNER} log/c.log cat"], cwd=tmp_path, input="secret\n",
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode == 0
    assert job_output(tmp_path / "log/c.log") == []


def test_works_from_any_directory_without_path_sh(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    proc = run_local("JOB=1:2 l.JOB echo ok", tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert job_output(tmp_path / "l.2") == ["ok"]


@pytest.mark.parametrize(
    "args, message",
    [
        ("", "Usage: run_local.sh [options] [JOB=1:N] LOG CMD ARG..."),
        ("JOB=1:4", "run_local.sh: no log file given"),
        ("JOB=1:4 log.JOB", "run_local.sh: no command given"),
        ("JOB=a:b log.JOB true", "run_local.sh: malformed job range 'JOB=a:b'"),
        ("JOB=4:2 log.JOB true", "run_local.sh: invalid job range 'JOB=4:2'"),
        ("--frobnicate 2 JOB=1:2 log.JOB true", "run_local.sh: unknown option '--frobnicate'"),
        ("JOB=1:2 log true", "run_local.sh: 2 jobs would all write the same log file 'log'"),
        ("--max-jobs-run many JOB=1:2 log.JOB true", "--max-jobs-run takes a positive integer, got 'many'"),
    ],
)
def test_bad_usage_names_the_problem(tmp_path, args, message):
    proc = run_local(args, tmp_path)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert list(tmp_path.iterdir()) == []  # nothing ran


def test_help_exits_zero(tmp_path):
    proc = run_local("--help", tmp_path)
    assert proc.returncode == 0 and "--max-jobs-run N" in proc.stdout


def test_gpu_jobs_get_gpus_of_their_own(tmp_path):
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="3,5")
    proc = run_local("--gpu 1 JOB=1:4 log/g.JOB.log date +%s.%N \\; echo \\$CUDA_VISIBLE_DEVICES \\; "
                     "sleep 0.3 \\; date +%s.%N", tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    jobs = [job_output(tmp_path / f"log/g.{j}.log") for j in range(1, 5)]
    assert {gpu for _, gpu, _ in jobs} == {"3", "5"}
    spans = [(float(s), float(e), gpu) for s, gpu, e in jobs]
    assert max_overlap([(s, e) for s, e, _ in spans]) == 2
    for a in spans:  # jobs that ran at the same time had different GPUs
        for b in spans:
            if a is not b and a[0] < b[1] and b[0] < a[1]:
                assert a[2] != b[2]


def test_gpus_found_by_nvidia_smi(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'GPU 0: Fake (UUID: GPU-a)'\necho 'GPU 1: Fake (UUID: GPU-b)'\n")
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "CUDA_VISIBLE_DEVICES"}
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    proc = run_local("--gpu 2 log/g.log echo \\$CUDA_VISIBLE_DEVICES", tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert job_output(tmp_path / "log/g.log") == ["0,1"]


def test_gpu_request_without_gpus_is_an_error(tmp_path):
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="")
    proc = run_local("--gpu 1 JOB=1:2 log.JOB true", tmp_path, env=env)
    assert proc.returncode == 1
    assert "run_local.sh: error: --gpu 1: each job needs 1 GPUs but 0 are visible" in proc.stderr
    assert not (tmp_path / "log.1").exists()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_kills_the_running_jobs(tmp_path, sig, status):
    # Each job records the pid of its child; job 3 must never start (2 at a time).
    proc = subprocess.Popen(
        [str(RUNNER), "--max-jobs-run", "2", "JOB=1:3", "log/s.JOB.log",
         "sleep", "30", "&", "echo", "$!", ">", "pid.JOB;", "wait"],
        cwd=tmp_path, stderr=subprocess.PIPE, text=True,
        # As in a terminal's foreground: a background job of a script starts with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    pidfiles = [tmp_path / "pid.1", tmp_path / "pid.2"]
    deadline = time.monotonic() + 10
    while not all(p.exists() and p.read_text().strip() for p in pidfiles):
        assert time.monotonic() < deadline, "jobs did not start"
        time.sleep(0.05)
    pids = [int(p.read_text()) for p in pidfiles]
    sent = time.monotonic()
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=10)
    assert time.monotonic() - sent < 3
    assert proc.returncode == status
    assert f"stopped by {sig.name}: 2 jobs killed or failed, 1 not started" in stderr
    time.sleep(0.2)
    assert not any(_alive(p) for p in pids)
    for j in (1, 2):
        assert "; signal 15) at " in (tmp_path / f"log/s.{j}.log").read_text()
    assert not (tmp_path / "log/s.3.log").exists()
