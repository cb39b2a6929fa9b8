"""Choose held-out sets (dev, test) from aligned help paragraphs, whole pages at a time.

Reads the set <in> (origins `NAME:PAGE#ID`, as extract_help_pairs writes them), keeps
pairs of --min-words..--max-words words per side whose sides differ, keeps the first of
any repeated source sentence, orders pages by a salted hash and fills <out-dir>/<name>
for each --names entry, page by page, until it holds at least its --sizes entry; a page
is in one set only. Pairs of a later set whose text occurs in an earlier one are removed.
The pages left over are not written.
"""
from __future__ import annotations

import json

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.cleaning import PairFilter
from toolkit.text.heldout import select_heldout
from toolkit.text.parallel import read_parallel_set, write_parallel_set

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="source language extension")
    p.add_argument("--tgt-lang", default="fr", help="target language extension")
    p.add_argument("--names", default="dev,test", help="comma-separated names of the sets, in filling order")
    p.add_argument("--sizes", default="1500,1500", help="comma-separated minimum pairs per set")
    p.add_argument("--min-words", type=int, default=3, help="fewest words on either side")
    p.add_argument("--max-words", type=int, default=60, help="most words on either side")
    p.add_argument("--max-ratio", type=float, default=3.0, help="most (longer+1)/(shorter+1) words")
    p.add_argument("--salt", default="libreoffice-help", help="salt of the page hash (another salt, other pages)")
    p.add_argument("--report", help="write drop counts and set sizes here as JSON")
    p.add_argument("input", help="input set prefix, e.g. data/local/help")
    p.add_argument("out_dir", help="output directory, e.g. data")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = args.names.split(",")
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        raise ToolkitError(f"--sizes must be comma-separated integers, got {args.sizes!r}") from None
    if len(sizes) != len(names):
        raise ToolkitError(f"--names has {len(names)} entries but --sizes has {len(sizes)}")
    data = read_parallel_set(args.input, args.src_lang, args.tgt_lang)
    rules = PairFilter(min_words=args.min_words, max_words=args.max_words, max_ratio=args.max_ratio,
                       max_identical_words=0)
    sets, counts = select_heldout(list(data.triples()), sizes, rules, args.salt)
    report = {"input_pairs": len(data), "dropped": dict(sorted(counts.items())), "sets": {}}
    for name, pairs in zip(names, sets):
        if len(pairs) < 1:
            raise ToolkitError(f"held-out set {name} is empty: {args.input} has too few usable pairs")
        write_parallel_set(f"{args.out_dir}/{name}", args.src_lang, args.tgt_lang, pairs)
        report["sets"][name] = {"pairs": len(pairs), "pages": len({o.rsplit('#', 1)[0] for _, _, o in pairs})}
        _log.info("%s: %d pairs from %d pages", name, len(pairs), report["sets"][name]["pages"])
    _log.info("dropped: %s", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    if args.report:
        with atomic_write(args.report) as f:
            json.dump(report, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
