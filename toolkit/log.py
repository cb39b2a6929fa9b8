"""Logging for steps: timestamped lines on stderr, which the job runner captures in log files."""
from __future__ import annotations

import logging
import os

_FORMAT = "%(asctime)s (%(name)s:%(lineno)d) %(levelname)s: %(message)s"


def setup_logging(level: str | int | None = None) -> None:
    """Send the toolkit's log records to stderr with a timestamp and source location.

    The level defaults to $TOOLKIT_LOG_LEVEL or INFO. Calling it twice is harmless.
    """
    level = level or os.environ.get("TOOLKIT_LOG_LEVEL", "INFO")
    logging.basicConfig(format=_FORMAT, datefmt="%Y-%m-%d %H:%M:%S", level=level, force=True)


def get_logger(name: str) -> logging.Logger:
    """The logger for a module: pass `__name__`."""
    return logging.getLogger(name)
