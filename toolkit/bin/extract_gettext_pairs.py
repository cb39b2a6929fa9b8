"""Extract (msgid, msgstr) pairs from gettext catalogues (.mo or .po) into a parallel set.

<catalogues> is a table, one catalogue per line: `ORIGIN PATH` (e.g.
`libreoffice-l10n-fr:sw.mo /cache/usr/lib/.../sw.mo`). Pairs are written in table
order, then file order, to OUT.<src-lang>, OUT.<tgt-lang> and OUT.origin. Untranslated
and fuzzy entries are skipped; plural entries keep their singular forms; the text is
cleaned (markup, accelerators, entities, white space: see toolkit/text/cleaning.py).
"""
from __future__ import annotations

from toolkit import cli
from toolkit.io.table import read_table
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.text.parallel import write_parallel_set
from toolkit.text.sources import catalog_pairs

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="extension of the msgid side")
    p.add_argument("--tgt-lang", default="fr", help="extension of the msgstr side")
    p.add_argument("catalogues", help="table of `ORIGIN PATH` lines")
    p.add_argument("out", help="output prefix, e.g. data/local/gettext")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    table = read_table(args.catalogues)

    def pairs():
        for origin, path in progress(table.items(), desc="catalogues", unit="file"):
            yield from catalog_pairs(path, origin)

    n = write_parallel_set(args.out, args.src_lang, args.tgt_lang, pairs())
    _log.info("%d pairs from %d catalogues -> %s.{%s,%s,origin}", n, len(table), args.out, args.src_lang, args.tgt_lang)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
