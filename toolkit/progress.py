"""Progress of long loops: a tqdm bar on a terminal, a periodic log line in log files."""
from __future__ import annotations

import logging
import sys
import time
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")
_log = logging.getLogger(__name__)


def progress(
    items: Iterable[T],
    desc: str,
    total: int | None = None,
    every_seconds: float = 30.0,
    unit: str = "it",
) -> Iterator[T]:
    """Yield `items` unchanged while reporting progress.

    On a terminal (stderr is a TTY) a tqdm bar is drawn. Otherwise, as under the job
    runner, a line `desc: N/total unit (rate/s)` is logged at most every `every_seconds`,
    plus one at the end, so log files show that work is moving without filling up.
    """
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    if sys.stderr.isatty():
        # Imported here: jobs under the runner never draw a bar, and the GMM recipes start
        # hundreds of short processes, each of which would pay tqdm's import (~20 ms).
        from tqdm import tqdm

        yield from tqdm(items, desc=desc, total=total, unit=unit)
        return
    start = last = time.monotonic()
    n = 0
    for item in items:
        yield item
        n += 1
        now = time.monotonic()
        if now - last >= every_seconds:
            _log.info("%s: %s", desc, _status(n, total, unit, now - start))
            last = now
    _log.info("%s: done, %s", desc, _status(n, total, unit, time.monotonic() - start))


def _status(n: int, total: int | None, unit: str, elapsed: float) -> str:
    rate = n / elapsed if elapsed > 0 else float("inf")
    count = f"{n}/{total}" if total is not None else str(n)
    return f"{count} {unit} in {elapsed:.1f} s ({rate:.1f} {unit}/s)"
