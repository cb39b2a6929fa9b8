"""Translate a plain-text file with the rule-based Apertium system (a peer any user can run).

Needs the `apertium` command and the language pair's data (Debian: `apt-get install apertium
apertium-eng-spa`). Apertium's transfer rules can move words across line breaks, so every line
is sent as its own paragraph (followed by a blank line) in one call, and OUTPUT gets the
translation of each line in order; an output whose paragraphs do not match the input's lines
is an error. --timing FILE writes {sentences, seconds, sents_per_s} of that call (a pipeline of
processes: there is no batch-1 latency comparable with the neural systems').

  python -m toolkit.bin.apertium_translate --direction eng-spa data/test.en exp/apertium/decode_apertium_test/hyp.es
"""
from __future__ import annotations

import json
import shutil
import subprocess
import time

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.parallel import read_lines

_log = get_logger("apertium_translate")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--direction", default="eng-spa", help="Apertium mode (apertium -l lists them)")
    p.add_argument("--timing", help="write the call's duration and throughput as JSON here")
    p.add_argument("input", help="source text, one sentence per line")
    p.add_argument("output", help="translations, one per line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if shutil.which("apertium") is None:
        raise ToolkitError("apertium is not installed (Debian: apt-get install apertium apertium-eng-spa)")
    lines = read_lines(args.input, allow_empty=True)
    if any(not line.strip() for line in lines):
        raise InputError("empty lines: give one sentence per line", args.input)
    start = time.perf_counter()
    run = subprocess.run(["apertium", "-u", args.direction], input="".join(line + "\n\n" for line in lines),
                         capture_output=True, text=True, encoding="utf-8")
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise ToolkitError(f"apertium -u {args.direction} failed ({run.returncode}): {run.stderr.strip()[:300]}")
    paragraphs = [p.strip() for p in run.stdout.split("\n\n")]
    while paragraphs and not paragraphs[-1]:
        paragraphs.pop()
    if len(paragraphs) != len(lines) or any("\n" in p for p in paragraphs):
        raise ToolkitError(f"apertium gave {len(paragraphs)} paragraphs for the {len(lines)} lines of {args.input}")
    with atomic_write(args.output) as f:
        f.writelines(p + "\n" for p in paragraphs)
    timing = {"sentences": len(lines), "seconds": seconds, "sents_per_s": len(lines) / seconds}
    if args.timing:
        with atomic_write(args.timing) as f:
            json.dump(timing, f, indent=1)
            f.write("\n")
    _log.info("%d lines translated by apertium %s in %.1f s (%.0f sentences/s)", len(lines), args.direction,
              seconds, timing["sents_per_s"])
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
