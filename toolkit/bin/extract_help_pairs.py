"""Extract aligned paragraphs of two languages' LibreOffice help into a parallel set.

<src-dir> and <tgt-dir> are the same place in both help trees, e.g.
`usr/share/libreoffice/help/en-US/text` and `.../help/fr/text`. A pair is an element
id (`par_id...`, `hd_id...`) present on the same page in both; pairs are written sorted
by page and id, with origin `ORIGIN:PAGE#ID`, text cleaned as for catalogues.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.log import get_logger
from toolkit.text.help_pages import DEFAULT_ID_PATTERN
from toolkit.text.parallel import write_parallel_set
from toolkit.text.sources import help_pairs

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="extension of the source side")
    p.add_argument("--tgt-lang", default="fr", help="extension of the target side")
    p.add_argument("--origin", default="libreoffice-help", help="origin name written before PAGE#ID")
    p.add_argument("--id-pattern", default=DEFAULT_ID_PATTERN, help="regular expression an element id must match")
    p.add_argument("src_dir", help="source-language help directory")
    p.add_argument("tgt_dir", help="target-language help directory")
    p.add_argument("out", help="output prefix, e.g. data/local/help")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    n = write_parallel_set(args.out, args.src_lang, args.tgt_lang,
                           help_pairs(args.src_dir, args.tgt_dir, args.origin, args.id_pattern))
    _log.info("%d aligned help paragraphs -> %s.{%s,%s,origin}", n, args.out, args.src_lang, args.tgt_lang)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
