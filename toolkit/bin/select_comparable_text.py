"""Keep the comparable part of two monolingual corpora: the sentences whose source gives text in both.

IN_PREFIX.<lang> and IN_PREFIX.<lang>.origin (split_monolingual_text's mono.<lang>) are read for
each of --src-lang and --tgt-lang. An origin `NAME:DOCUMENT` has the source NAME, less a
`-<lang>` suffix of either language (manpages-en and manpages-fr are both `manpages`). Sentences of a source found
in one language only (Brown, fortunes) are dropped; the rest go, in order, to OUT_DIR/text.<lang>
and text.<lang>.origin. Word embeddings for lexicon induction train on these: embeddings of
texts on different topics are far from isomorphic. The log gives sentences kept and dropped per source.

  python -m toolkit.bin.select_comparable_text data/mono exp/lexicon
"""
from __future__ import annotations

import os
from collections import Counter

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.monolingual import comparable_sources, source_of
from toolkit.text.parallel import read_lines

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
    corpora = {}
    for lang in langs:
        path = f"{args.in_prefix}.{lang}"
        text, origin = read_lines(path), read_lines(f"{path}.origin")
        if len(text) != len(origin):
            raise InputError(f"{len(origin)} lines, but {path} has {len(text)}", f"{path}.origin")
        corpora[lang] = list(zip(text, origin))
    shared = comparable_sources({lang: (o for _, o in c) for lang, c in corpora.items()})
    if not shared:
        raise InputError(f"no source gives text in both {langs[0]} and {langs[1]}", f"{args.in_prefix}.{langs[0]}.origin")
    os.makedirs(args.out_dir, exist_ok=True)
    for lang, corpus in corpora.items():
        kept = [(s, o) for s, o in corpus if source_of(o, langs) in shared]
        dropped = Counter(source_of(o, langs) for _, o in corpus if source_of(o, langs) not in shared)
        out = os.path.join(args.out_dir, f"text.{lang}")
        with atomic_write(out) as f:
            f.writelines(s + "\n" for s, _ in kept)
        with atomic_write(out + ".origin") as f:
            f.writelines(o + "\n" for _, o in kept)
        _log.info("%s: kept %d of %d sentences (%d sources in both languages); dropped %s", lang, len(kept),
                  len(corpus), len(shared), ", ".join(f"{k} {v}" for k, v in dropped.most_common()) or "none")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
