"""Keep the comparable part of two monolingual corpora: the sentences whose source gives text in both.

IN_PREFIX.<lang> and IN_PREFIX.<lang>.origin (split_monolingual_text's mono.<lang>) are read for
each of --src-lang and --tgt-lang. An origin `NAME:DOCUMENT` has the source NAME, less a
`-<lang>` suffix of either language (manpages-en and manpages-fr are both `manpages`).
Sentences of a source found in one language only (Brown, fortunes) are dropped; the rest go, in
order, to OUT_DIR/text.<lang> and text.<lang>.origin. Word embeddings for lexicon induction
train on these: embeddings of texts on different topics are far from isomorphic. The log gives
the sentences kept and dropped per source.

  python -m toolkit.bin.select_comparable_text data/mono exp/lexicon
"""
from __future__ import annotations

import os
from collections import Counter

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.log import get_logger
from toolkit.text.monolingual import comparable_sources, read_with_origins, source_of, write_with_origins

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="one language")
    p.add_argument("--tgt-lang", default="fr", help="the other language")
    p.add_argument("in_prefix", help="monolingual corpora IN_PREFIX.<lang> with IN_PREFIX.<lang>.origin")
    p.add_argument("out_dir", help="output directory: text.<lang>, text.<lang>.origin")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    langs = (args.src_lang, args.tgt_lang)
    if langs[0] == langs[1]:
        raise ToolkitError("--src-lang and --tgt-lang must differ")
    corpora = {lang: read_with_origins(f"{args.in_prefix}.{lang}", f"{args.in_prefix}.{lang}.origin")
               for lang in langs}
    shared = comparable_sources({lang: (o for _, o in c) for lang, c in corpora.items()})
    if not shared:
        raise InputError(f"no source gives text in both {langs[0]} and {langs[1]}",
                         f"{args.in_prefix}.{langs[0]}.origin")
    os.makedirs(args.out_dir, exist_ok=True)
    for lang, corpus in corpora.items():
        sources = [source_of(o, langs) for _, o in corpus]
        kept = [item for item, source in zip(corpus, sources) if source in shared]
        dropped = Counter(source for source in sources if source not in shared)
        write_with_origins(os.path.join(args.out_dir, f"text.{lang}"), kept)
        _log.info("%s: kept %d of %d sentences (%d sources in both languages); dropped %s", lang, len(kept),
                  len(corpus), len(shared), ", ".join(f"{k} {v}" for k, v in dropped.most_common()) or "none")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
