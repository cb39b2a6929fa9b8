"""Clean a training corpus: filter pairs, remove exact repeats and every pair that touches a held-out set.

The input sets are read in order and concatenated (origins kept). A pair is dropped when
a side has no letters outside placeholders, is shorter than --min-words or longer than
--max-words, when (longer+1)/(shorter+1) exceeds --max-ratio, when the target equals a
source of more than --max-identical-words words (text left untranslated), or when the
sides' placeholders differ (see toolkit/text/cleaning.py); then repeats of a (source,
target) pair (the first stays), then every pair whose source is a source of a --heldout
set or whose target is one of its targets (compared case-folded).
"""
from __future__ import annotations

import json

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.cleaning import PairFilter, clean_corpus
from toolkit.text.parallel import read_parallel_set, write_parallel_set

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="source language extension")
    p.add_argument("--tgt-lang", default="fr", help="target language extension")
    p.add_argument("--heldout", action="append", default=[], help="prefix of a held-out set (repeatable)")
    p.add_argument("--min-words", type=int, default=1, help="fewest words on either side")
    p.add_argument("--max-words", type=int, default=100, help="most words on either side")
    p.add_argument("--max-ratio", type=float, default=3.0, help="most (longer+1)/(shorter+1) words")
    p.add_argument("--max-identical-words", type=int, default=2,
                   help="pairs with target == source are kept up to this many words")
    p.add_argument("--keep-placeholder-mismatch", action="store_true",
                   help="keep pairs whose sides hold different placeholders")
    p.add_argument("--report", help="write drop counts as JSON here")
    p.add_argument("inputs", nargs="+", help="input set prefixes, then the output prefix")
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if len(args.inputs) < 2:
        parser.error("need at least one input prefix and the output prefix")
    *inputs, out = args.inputs
    pairs = []
    for prefix in inputs:
        pairs.extend(read_parallel_set(prefix, args.src_lang, args.tgt_lang).triples())
    held_src, held_tgt = [], []
    for prefix in args.heldout:
        held = read_parallel_set(prefix, args.src_lang, args.tgt_lang)
        held_src += held.src
        held_tgt += held.tgt
    rules = PairFilter(min_words=args.min_words, max_words=args.max_words, max_ratio=args.max_ratio,
                       max_identical_words=args.max_identical_words,
                       require_same_placeholders=not args.keep_placeholder_mismatch)
    kept, counts = clean_corpus(pairs, rules, held_src, held_tgt)
    write_parallel_set(out, args.src_lang, args.tgt_lang, kept)
    _log.info("%d of %d pairs kept -> %s; dropped: %s", len(kept), len(pairs), out,
              ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "kept"))
    if args.report:
        with atomic_write(args.report) as f:
            json.dump({"input_pairs": len(pairs), "dropped": dict(sorted(counts.items()))}, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
