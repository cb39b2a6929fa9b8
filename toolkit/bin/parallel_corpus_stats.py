"""Statistics of parallel sets (pairs, words per side, mean length, pairs per origin) as JSON and markdown.

Each positional argument is a set prefix (e.g. data/train); it is reported under its base name.
"""
from __future__ import annotations

import json
import os

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.text.corpus_stats import corpus_stats, stats_markdown
from toolkit.text.parallel import read_parallel_set


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="source language extension")
    p.add_argument("--tgt-lang", default="fr", help="target language extension")
    p.add_argument("--json", required=True, help="output JSON file, e.g. data/stats.json")
    p.add_argument("--markdown", help="output markdown table, e.g. data/stats.md")
    p.add_argument("sets", nargs="+", help="set prefixes")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stats = {os.path.basename(prefix): corpus_stats(read_parallel_set(prefix, args.src_lang, args.tgt_lang))
             for prefix in args.sets}
    with atomic_write(args.json) as f:
        json.dump({"src_lang": args.src_lang, "tgt_lang": args.tgt_lang, "sets": stats}, f, indent=1)
        f.write("\n")
    table = stats_markdown(stats, args.src_lang, args.tgt_lang)
    if args.markdown:
        with atomic_write(args.markdown) as f:
            f.write(table)
    print(table, end="")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
