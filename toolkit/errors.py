"""Errors the library raises for bad input; steps turn them into a message and a non-zero exit."""
from __future__ import annotations

import os


class ToolkitError(Exception):
    """Base of every error a step reports as `<step>: error: <message>` with exit status 1."""


class InputError(ToolkitError):
    """Bad input, located at a file and optionally a line: `path:line: message`."""

    def __init__(self, message: str, path: str | os.PathLike | None = None, line: int | None = None):
        self.message = message
        self.path = None if path is None else os.fspath(path)
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        return where + self.message
