"""Build one monolingual corpus per language with no parallel signal between them (unsupervised MT).

PAIRS is a parallel set prefix (PAIRS.<src>, PAIRS.<tgt>, PAIRS.origin, e.g. the translation
recipe's data/train): each distinct source text goes to one half by a salted hash (--salt);
the source language keeps the sources of one half, the target language the targets of the
other. Each --src-text / --tgt-text PREFIX (extract_monolingual_text's PREFIX.txt and
PREFIX.origin) adds sentences of that language; a document found in both languages (a man page
and its translation) is kept in one language only, by the same hash. Every target sentence
that translates a kept source sentence by some pair of PAIRS is then dropped, and the result
is checked to have none. --dev-size sentences of each language (chosen by the salted hash)
are held out for model selection.

Writes OUT_DIR/mono.<lang> and mono.<lang>.origin (training), mono_dev.<lang> and
mono_dev.<lang>.origin (held out), and report.json (counts per origin and per reason).

  python -m toolkit.bin.split_monolingual_text --src-text data/local/manpages.en \\
      --tgt-text data/local/manpages.fr ../nat/data/train data
"""
from __future__ import annotations

import json
import os
from collections import Counter

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.heldout import group_order
from toolkit.text.monolingual import read_with_origins, split_languages, translation_leaks, write_with_origins
from toolkit.text.parallel import read_parallel_set

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="source language of PAIRS")
    p.add_argument("--tgt-lang", default="fr", help="target language of PAIRS")
    p.add_argument("--src-text", action="append", default=[], metavar="PREFIX", help="source-language sentences")
    p.add_argument("--tgt-text", action="append", default=[], metavar="PREFIX", help="target-language sentences")
    p.add_argument("--salt", default="umt", help="salt of the hash that splits texts and documents")
    p.add_argument("--dev-size", type=int, default=1000, help="sentences per language held out")
    p.add_argument("pairs", help="parallel set prefix")
    p.add_argument("out_dir", help="output directory")
    return p


def _read_mono(prefixes: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for prefix in prefixes:
        for sentence, o in read_with_origins(f"{prefix}.txt", f"{prefix}.origin"):
            out.setdefault(sentence, o)
    return out


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.src_lang == args.tgt_lang:
        raise ToolkitError("--src-lang and --tgt-lang must differ")
    if args.dev_size < 0:
        raise ToolkitError("--dev-size must not be negative")
    data = read_parallel_set(args.pairs, args.src_lang, args.tgt_lang)
    pairs = list(zip(data.src, data.tgt, data.origin))
    sets = split_languages(pairs, _read_mono(args.src_text), _read_mono(args.tgt_text), args.salt)
    leaks = translation_leaks(sets.src, sets.tgt, pairs)
    if leaks:  # split_languages removes them all: this is the check the issue asks for
        raise ToolkitError(f"{len(leaks)} sentence pairs are on both sides, e.g. {leaks[0]}")
    report: dict = {"counts": dict(sets.counts), "languages": {}}
    os.makedirs(args.out_dir, exist_ok=True)
    for lang, side in ((args.src_lang, sets.src), (args.tgt_lang, sets.tgt)):
        if len(side) <= args.dev_size:
            raise InputError(f"only {len(side)} {lang} sentences, not more than --dev-size {args.dev_size}",
                             args.pairs)
        dev = set(group_order(side, args.salt + lang)[:args.dev_size])
        train = [(s, o) for s, o in side.items() if s not in dev]
        write_with_origins(os.path.join(args.out_dir, f"mono.{lang}"), train)
        write_with_origins(os.path.join(args.out_dir, f"mono_dev.{lang}"),
                           [(s, o) for s, o in side.items() if s in dev])
        by_origin = Counter(o.split(":", 1)[0] for _, o in train)
        report["languages"][lang] = {"train": len(train), "dev": len(dev), "by_origin": dict(by_origin.most_common())}
        _log.info("%s: %d training and %d held-out sentences (%s)", lang, len(train), len(dev),
                  ", ".join(f"{k} {v}" for k, v in by_origin.most_common()))
    _log.info("split: %s", ", ".join(f"{k} {v}" for k, v in sorted(sets.counts.items())))
    with atomic_write(os.path.join(args.out_dir, "report.json")) as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
