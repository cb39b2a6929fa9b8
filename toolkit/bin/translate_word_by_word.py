"""Translate text word by word with a bilingual lexicon (the initial model M(1) of unsupervised MT).

Each word token of INPUT (one sentence per line) becomes the first translation of its
lower-cased form in LEXICON (`source<TAB>target`, best first), keeping a capital first letter;
unknown words and punctuation are copied. OUTPUT has as many lines as INPUT; the coverage
(word tokens translated / word tokens) is logged.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.word_by_word import translate_lines
from toolkit.text.lexicon import read_lexicon
from toolkit.text.parallel import read_lines

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("lexicon", help="lexicon file, source<TAB>target per line")
    p.add_argument("input", help="text to translate, one sentence per line")
    p.add_argument("output", help="translated text")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lexicon = read_lexicon(args.lexicon)
    lines, coverage = translate_lines(read_lines(args.input, allow_empty=True), lexicon)
    with atomic_write(args.output) as f:
        f.writelines(line + "\n" for line in lines)
    _log.info("%d lines -> %s; %s", len(lines), args.output, coverage)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
