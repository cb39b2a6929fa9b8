"""The local scheduling pool: runs jobs as local processes, a bounded number at a time.

SIGINT, SIGTERM and SIGHUP stop the pool (except one ignored when the runner started,
as SIGHUP under nohup or SIGINT in a background job of a script): no new job starts,
the running jobs' process groups get SIGTERM, and those still alive after `grace`
seconds (or at a second signal) get SIGKILL. Every started job's log gets its footer,
killed ones included.
"""
from __future__ import annotations

import contextlib
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from typing import Iterator, Sequence

from toolkit.errors import ToolkitError
from toolkit.parallel.job import JobResult, RunningJob

_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Job:
    """A bash command line and the log it writes."""

    command: str
    log_path: str


@dataclass(frozen=True)
class PoolOutcome:
    """`results[i]` is job i's result, None if it never started; `interrupted_by` the signal that stopped the pool."""

    results: list[JobResult | None]
    interrupted_by: int | None


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, which containers and taskset narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_max_running(num_threads: int = 1, gpus_per_job: int = 0, num_gpus: int = 0) -> int:
    """How many jobs run at once unless told: one per `num_threads` CPUs, or one per `gpus_per_job` GPUs."""
    if gpus_per_job > 0:
        return max(1, num_gpus // gpus_per_job)
    return max(1, available_cpus() // num_threads)


class _Signals:
    """Records the stopping signals received while installed, instead of dying of them."""

    def __init__(self) -> None:
        self.received: list[int] = []

    def _handler(self, signum: int, frame: object) -> None:
        self.received.append(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator["_Signals"]:
        old = {}
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) is not signal.SIG_IGN:
                old[sig] = signal.signal(sig, self._handler)
        try:
            yield self
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)


def run_pool(
    jobs: Sequence[Job],
    max_running: int,
    num_threads: int | None = None,
    gpus_per_job: int = 0,
    gpus: Sequence[str] = (),
    grace: float = 5.0,
) -> PoolOutcome:
    """Run `jobs` in order, at most `max_running` at once; return when all have ended or a signal stopped them.

    Each job gets OMP_NUM_THREADS, MKL_NUM_THREADS and OPENBLAS_NUM_THREADS set to
    `num_threads` (default 1): jobs are scheduled one per `num_threads` CPUs, and BLAS
    libraries that grab every core would oversubscribe the machine. With
    `gpus_per_job` > 0, each running job holds that many of `gpus` (ids as in
    CUDA_VISIBLE_DEVICES) exclusively and sees only those. Must be called from the main thread.
    """
    if max_running < 1:
        raise ToolkitError(f"at most {max_running} jobs at once: need at least 1")
    if gpus_per_job > len(gpus):
        raise ToolkitError(f"each job needs {gpus_per_job} GPUs but only {len(gpus)} are visible")
    threads = num_threads or 1
    base_env = {var: str(threads) for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")}

    results: list[JobResult | None] = [None] * len(jobs)
    pending = deque(range(len(jobs)))
    running: dict[int, tuple[RunningJob, list[str]]] = {}
    free_gpus = list(gpus)
    with _Signals().installed() as signals:
        try:
            while (pending or running) and not signals.received:
                while pending and len(running) < max_running and len(free_gpus) >= gpus_per_job:
                    i = pending.popleft()
                    held, free_gpus = free_gpus[:gpus_per_job], free_gpus[gpus_per_job:]
                    env = dict(base_env, CUDA_VISIBLE_DEVICES=",".join(held)) if gpus_per_job else base_env
                    running[i] = (RunningJob(jobs[i].command, jobs[i].log_path, threads, env or None), held)
                ended = [i for i, (job, _) in running.items() if job.poll() is not None]
                for i in ended:
                    job, held = running.pop(i)
                    results[i] = job.result
                    free_gpus.extend(held)
                if not ended and running:
                    time.sleep(_POLL_SECONDS)
        finally:
            # Reached on a signal, and on an error starting a job: leave no job behind.
            _stop(running, results, signals, grace)
    return PoolOutcome(results, signals.received[0] if signals.received else None)


def _stop(
    running: dict[int, tuple[RunningJob, list[str]]],
    results: list[JobResult | None],
    signals: _Signals,
    grace: float,
) -> None:
    """Terminate the running jobs, escalating to SIGKILL after `grace` seconds or a further signal."""
    for job, _ in running.values():
        job.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    seen = len(signals.received)
    killed = False
    while running:
        if not killed and (time.monotonic() > deadline or len(signals.received) > seen):
            for job, _ in running.values():
                job.send_signal(signal.SIGKILL)
            killed = True
        for i in [i for i, (job, _) in running.items() if job.poll() is not None]:
            results[i] = running.pop(i)[0].result
        if running:
            time.sleep(_POLL_SECONDS)
