"""Build word lexicons in both directions from FreeDict's dictd databases (Debian's dict-freedict-*).

DICTD_DIR (e.g. /usr/share/dictd) holds freedict-SRC-TGT.index/.dict.dz and freedict-TGT-SRC.*
(ISO 639-3 names; en/fr/de/es are mapped). Writes OUT_DIR/lexicon.SRC-TGT.tsv and
OUT_DIR/lexicon.TGT-SRC.tsv (`source<TAB>target`, best first): single-word, lower-cased pairs
of each dictionary, then the flipped pairs of the opposite dictionary as fallbacks (see
toolkit/text/lexicon.py for what is kept).
"""
from __future__ import annotations

from pathlib import Path

from toolkit import cli
from toolkit.log import get_logger
from toolkit.text.dictd import freedict_index, read_dictd
from toolkit.text.lexicon import freedict_lexicons, write_lexicon

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="source language (ISO 639-1 or 639-3)")
    p.add_argument("--tgt-lang", default="fr", help="target language (ISO 639-1 or 639-3)")
    p.add_argument("dictd_dir", help="directory holding the freedict-*.index and .dict.dz files")
    p.add_argument("out_dir", help="output directory for lexicon.SRC-TGT.tsv and lexicon.TGT-SRC.tsv")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    src, tgt = args.src_lang, args.tgt_lang
    forward = read_dictd(freedict_index(args.dictd_dir, src, tgt))
    backward = read_dictd(freedict_index(args.dictd_dir, tgt, src))
    _log.info("%d %s-%s and %d %s-%s dictionary entries", len(forward), src, tgt, len(backward), tgt, src)
    for (a, b), lexicon in zip([(src, tgt), (tgt, src)], freedict_lexicons(forward, backward)):
        path = Path(args.out_dir) / f"lexicon.{a}-{b}.tsv"
        count = write_lexicon(path, lexicon)
        _log.info("%d pairs for %d %s words -> %s", count, len(lexicon), a, path)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
