"""The command-line contract shared by every step in toolkit/bin.

A step module (or a recipe's local/*.py script) defines `build_parser()` and `main(argv) -> int` and ends with
`if __name__ == "__main__": cli.exit_with(main)`. This module logs the command line,
turns a ToolkitError into `<step>: error: <message>` with exit status 1, and gives
every parser the same --help layout (each option with its default).
"""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Callable

from toolkit.errors import ToolkitError
from toolkit.log import get_logger, setup_logging


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Shows defaults and keeps the description's line breaks."""


def make_parser(module: str, doc: str | None) -> argparse.ArgumentParser:
    """An ArgumentParser for the step `module` (pass `__name__` and `__doc__`)."""
    name = step_name(module)
    return argparse.ArgumentParser(
        prog=f"python -m toolkit.bin.{name}", description=doc, formatter_class=_HelpFormatter
    )


def step_name(module: str) -> str:
    """`toolkit.bin.compute_wer` -> `compute_wer`; under `python -m`, `__main__` resolves the same way.

    A recipe's own script (`python local/foo.py`) is named by its file, `foo.py`.
    """
    if module == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        if spec is None:
            return Path(sys.argv[0]).name
        module = spec.name
    return module.rsplit(".", 1)[-1]


def run(main: Callable[[list[str] | None], int | None], argv: list[str] | None = None) -> int:
    """Run a step's `main`, returning its exit status; ToolkitError becomes a message and 1."""
    setup_logging()
    name = step_name(main.__module__)
    args = sys.argv[1:] if argv is None else argv
    get_logger(name).debug("command line: %s", shlex.join([f"python -m toolkit.bin.{name}", *args]))
    try:
        status = main(argv)
    except ToolkitError as e:
        print(f"{name}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); not an error of ours.
        return 0
    return 0 if status is None else int(status)


def exit_with(main: Callable[[list[str] | None], int | None]) -> None:
    """`sys.exit(run(main))`: the one place a step leaves the interpreter."""
    sys.exit(run(main))
