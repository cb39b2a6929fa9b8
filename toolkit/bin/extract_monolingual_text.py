"""Extract monolingual sentences from a package's documents: man pages, fortunes, HTML, Brown.

Reads the documents of one --kind below ROOT, splits their prose paragraphs into sentences
(Brown's lines are sentences already) and writes OUT_PREFIX.txt (one sentence a line,
white space collapsed to single spaces) and OUT_PREFIX.origin (`ORIGIN:DOCUMENT` on the
same line). A sentence is dropped, for the first reason that applies, when it has
  short / long       fewer than --min-words or more than --max-words words
                     (toolkit.text.words.words, counting only words with a letter, so
                     that "V:857, I:951" is short);
  other_language     more function words of another language than of --lang (with --lang
                     en or fr; see toolkit/text/language_id.py): untranslated paragraphs;
  duplicate          the same text as a kept sentence.

Document ids, chosen so that a document and its translation share one:
  manpages  `manN/NAME.N` (section directory and file name less `.gz`), the same for
            /usr/share/man/man1/ls.1.gz and /usr/share/man/fr/man1/ls.1.gz; with --lang,
            only pages of that language (`en`: a `manN` not inside a locale directory);
            `.so` link pages and mdoc(7) pages are skipped;
  html      with --lang L, the files `NAME.L.html` below ROOT, id `NAME.html` (the path
            below ROOT without the language); without, every `.html` file, id its path;
  fortunes  the path of the strfile source below ROOT (`wisdom`); `off/` is skipped;
  brown     the corpus file (`ca01`), ROOT holding cats.txt.
"""
from __future__ import annotations

from collections import Counter

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.monolingual import KINDS, REASONS, documents, select_sentences

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--kind", required=True, choices=KINDS, help="what ROOT holds")
    p.add_argument("--lang", help="language of the documents: selects manpages and html pages, and drops "
                   "sentences in another language (en, fr); default: all documents, no check")
    p.add_argument("--origin", required=True, help="origin name written before ':DOCUMENT', e.g. manpages-fr")
    p.add_argument("--min-words", type=int, default=3, help="fewest words in a kept sentence")
    p.add_argument("--max-words", type=int, default=60, help="most words in a kept sentence")
    p.add_argument("root", help="directory holding the documents (an unpacked package, /usr/share/man, ...)")
    p.add_argument("out_prefix", help="output prefix: writes OUT_PREFIX.txt and OUT_PREFIX.origin")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.min_words <= args.max_words:
        raise ToolkitError("need 1 <= --min-words <= --max-words")
    counts: Counter = Counter()
    kept = select_sentences(documents(args.kind, args.root, args.lang, counts), args.origin, args.min_words,
                            args.max_words, args.lang, counts)
    if not kept:
        raise InputError(f"no sentence kept from {counts['documents']} {args.kind} documents", args.root)
    with atomic_write(f"{args.out_prefix}.txt") as f:
        f.writelines(s + "\n" for s in kept)
    with atomic_write(f"{args.out_prefix}.origin") as f:
        f.writelines(o + "\n" for o in kept.values())
    dropped = {reason: counts[f"dropped_{reason}"] for reason in REASONS}
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k.startswith("skipped"))
    _log.info("%s: %d documents (%s), %d paragraphs, %d sentences: %d kept (%d words); dropped %s",
              args.out_prefix, counts["documents"], skipped or "none skipped", counts["paragraphs"],
              len(kept) + sum(dropped.values()), len(kept), counts["words"],
              ", ".join(f"{n} {reason}" for reason, n in dropped.items()))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
