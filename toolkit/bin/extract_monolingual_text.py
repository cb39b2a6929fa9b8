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
from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.text.brown import brown_sentences
from toolkit.text.fortunes import find_fortune_files, fortune_paragraphs, read_fortunes
from toolkit.text.html_text import find_html_pages, read_html_paragraphs
from toolkit.text.language_id import FUNCTION_WORDS, guess_language
from toolkit.text.manpage import find_manpages, manpage_paragraphs, page_kind, read_manpage
from toolkit.text.sentences import split_sentences
from toolkit.text.words import words

_log = get_logger(__name__)
KINDS = ("manpages", "fortunes", "html", "brown")
REASONS = ("short", "long", "other_language", "duplicate")


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


def documents(kind: str, root: str, lang: str | None, counts: Counter) -> Iterator[tuple[str, list[str]]]:
    """(document id, sentences) of every document of `kind` below `root`; counts documents,
    skipped pages and paragraphs in `counts`."""
    if kind == "brown":
        for name, group in groupby(brown_sentences(root), key=itemgetter(0)):
            sentences = [sentence for _, sentence in group]
            counts["paragraphs"] += len(sentences)
            yield name, sentences
        return
    if kind == "manpages":
        found = find_manpages(root, lang)
    elif kind == "html":
        found = find_html_pages(root, lang)
    else:
        found = find_fortune_files(root)
    for doc_id, path in progress(found, desc=kind, unit="document"):
        if kind == "manpages":
            text = read_manpage(path)
            page = page_kind(text)
            if page != "man":
                counts[f"skipped_{page}_pages"] += 1
                continue
            paragraphs = manpage_paragraphs(text)
        elif kind == "html":
            paragraphs = read_html_paragraphs(path)
        else:
            paragraphs = [p for entry in read_fortunes(path) for p in fortune_paragraphs(entry)]
        counts["paragraphs"] += len(paragraphs)
        yield doc_id, [s for p in paragraphs for s in split_sentences(p)]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.min_words <= args.max_words:
        raise ToolkitError("need 1 <= --min-words <= --max-words")
    check_language = args.lang in FUNCTION_WORDS
    counts: Counter = Counter()
    kept: dict[str, str] = {}   # sentence -> origin, in first-seen order
    n_words = 0
    for doc_id, sentences in documents(args.kind, args.root, args.lang, counts):
        counts["documents"] += 1
        for sentence in sentences:
            sentence = " ".join(sentence.split())
            n = sum(any(c.isalpha() for c in w) for w in words(sentence))
            if n < args.min_words:
                counts["dropped_short"] += 1
            elif n > args.max_words:
                counts["dropped_long"] += 1
            elif check_language and guess_language(sentence) not in (None, args.lang):
                counts["dropped_other_language"] += 1
            elif sentence in kept:
                counts["dropped_duplicate"] += 1
            else:
                kept[sentence] = f"{args.origin}:{doc_id}"
                n_words += n
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
              len(kept) + sum(dropped.values()), len(kept), n_words,
              ", ".join(f"{n} {reason}" for reason, n in dropped.items()))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
