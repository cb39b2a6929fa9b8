"""Monolingual text for unsupervised translation: sentences from documents, and language sets with
no parallel signal between them.

Sentences come from the documents of one kind (man pages, fortunes, HTML pages, Brown) with a
document id that a document and its translation share (`documents`), filtered by
`select_sentences`. Text of each sentence's origin is `NAME:DOCUMENT`.

`split_languages` builds one set per language from two sources of text:
- parallel pairs (e.g. the translation recipe's training pairs): every distinct source text is
  given to one half by a salted hash; the source language keeps the sources of half 0, the
  target language the targets of the pairs of half 1;
- monolingual sentences of each language with their origins: a document id found in both
  languages (a man page and its translation) is kept in one language only, by the same hash;
  a document of one language only is kept whole.
Then every target sentence that is the translation, by any known pair, of a kept source
sentence is removed, so that `translation_leaks` of the result is empty.

`comparable_sources` names the sources that give text in both languages (the gettext catalogues
of the same packages, man pages, Debian Reference): a comparable corpus, which word embeddings
meant to be mapped onto each other need more than size (Brown and fortunes are English only).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.progress import progress
from toolkit.text.brown import brown_sentences
from toolkit.text.fortunes import find_fortune_files, fortune_paragraphs, read_fortunes
from toolkit.text.html_text import find_html_pages, read_html_paragraphs
from toolkit.text.language_id import FUNCTION_WORDS, guess_language
from toolkit.text.manpage import find_manpages, manpage_paragraphs, page_kind, read_manpage
from toolkit.text.parallel import read_lines
from toolkit.text.sentences import split_sentences
from toolkit.text.words import words

KINDS = ("manpages", "fortunes", "html", "brown")
REASONS = ("short", "long", "other_language", "duplicate")


def documents(kind: str, root: str, lang: str | None, counts: Counter) -> Iterator[tuple[str, list[str]]]:
    """(document id, sentences) of every document of `kind` below `root`; counts documents,
    skipped pages and paragraphs in `counts`."""
    if kind not in KINDS:
        raise ToolkitError(f"unknown kind of documents '{kind}' (one of {', '.join(KINDS)})")
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


def select_sentences(docs: Iterable[tuple[str, list[str]]], origin: str, min_words: int, max_words: int,
                     lang: str | None, counts: Counter) -> dict[str, str]:
    """{sentence: `origin:document`} of the kept sentences, in first-seen order, white space
    collapsed. A sentence is dropped (counted as `dropped_<reason>`) for the first that applies:
    fewer than min_words or more than max_words words with a letter; more function words of
    another language than of `lang` (when toolkit/text/language_id.py knows `lang`); a repeat."""
    check_language = lang in FUNCTION_WORDS
    kept: dict[str, str] = {}
    for doc_id, sentences in docs:
        counts["documents"] += 1
        for sentence in sentences:
            sentence = " ".join(sentence.split())
            n = sum(any(c.isalpha() for c in w) for w in words(sentence))
            if n < min_words:
                counts["dropped_short"] += 1
            elif n > max_words:
                counts["dropped_long"] += 1
            elif check_language and guess_language(sentence) not in (None, lang):
                counts["dropped_other_language"] += 1
            elif sentence in kept:
                counts["dropped_duplicate"] += 1
            else:
                kept[sentence] = f"{origin}:{doc_id}"
                counts["words"] += n
    return kept


def half(key: str, salt: str) -> int:
    """0 or 1: the half `key` falls in, by a salted SHA-1 (independent of order, platform and hash seed)."""
    return hashlib.sha1((salt + key).encode("utf-8")).digest()[0] & 1


def document_of(origin: str) -> str:
    """The document id of an origin `NAME:DOCUMENT` (the part after the first colon)."""
    return origin.split(":", 1)[1] if ":" in origin else origin


def read_with_origins(text_path: str, origin_path: str) -> list[tuple[str, str]]:
    """(sentence, origin) of each line of a text file and its origin file (InputError naming the
    origin file when their line counts differ)."""
    text, origin = read_lines(text_path), read_lines(origin_path)
    if len(text) != len(origin):
        raise InputError(f"{len(origin)} lines, but {text_path} has {len(text)}", origin_path)
    return list(zip(text, origin))


def write_with_origins(path: str, items: Iterable[tuple[str, str]]) -> None:
    """(sentence, origin) pairs to `path` and `path`.origin, a line each, atomically per file."""
    items = list(items)
    with atomic_write(path) as f:
        f.writelines(s + "\n" for s, _ in items)
    with atomic_write(path + ".origin") as f:
        f.writelines(o + "\n" for _, o in items)


def source_of(origin: str, langs: Iterable[str]) -> str:
    """The source an origin `NAME:DOCUMENT` comes from: NAME without a `-<lang>` suffix of any of
    `langs`, so that `manpages-fr:ls.1` and `manpages-en:ls.1` both come from `manpages`, and the
    gettext pairs of `libreoffice-l10n-fr` from `libreoffice-l10n` in either language."""
    name = origin.split(":", 1)[0]
    for lang in langs:
        if name.endswith(f"-{lang}"):
            return name[:-len(lang) - 1]
    return name


def comparable_sources(origins: dict[str, Iterable[str]]) -> set[str]:
    """The sources (`source_of`, with the languages of `origins`) that give text in every language
    of `origins` ({lang: origins})."""
    sources = [{source_of(o, origins) for o in os} for os in origins.values()]
    return set.intersection(*sources) if sources else set()


@dataclass
class LanguageSets:
    """The two languages' sentences with their origins, and what the split did (counts by reason)."""

    src: dict[str, str] = field(default_factory=dict)
    tgt: dict[str, str] = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)


def split_languages(pairs: Sequence[tuple[str, str, str]], src_mono: dict[str, str], tgt_mono: dict[str, str],
                    salt: str) -> LanguageSets:
    """See the module docstring. pairs: (source, target, origin); src_mono / tgt_mono: {sentence: origin}."""
    out = LanguageSets()
    for s, t, origin in pairs:
        if half(s, salt) == 0:
            out.src.setdefault(s, origin)
        else:
            out.tgt.setdefault(t, origin)
    out.counts["pairs"] = len(pairs)
    out.counts["src_from_pairs"], out.counts["tgt_from_pairs"] = len(out.src), len(out.tgt)
    shared = {document_of(o) for o in src_mono.values()} & {document_of(o) for o in tgt_mono.values()}
    for mono, side, keep_half, name in ((src_mono, out.src, 0, "src"), (tgt_mono, out.tgt, 1, "tgt")):
        for sentence, origin in mono.items():
            doc = document_of(origin)
            if doc in shared and half(doc, salt) != keep_half:
                out.counts[f"{name}_dropped_translated_document"] += 1
            elif sentence in side:
                out.counts[f"{name}_dropped_duplicate"] += 1
            else:
                side[sentence] = origin
    out.counts["documents_in_both_languages"] = len(shared)
    for s, t in translation_leaks(out.src, out.tgt, pairs):
        if out.tgt.pop(t, None) is not None:
            out.counts["tgt_dropped_translation_of_src"] += 1
    return out


def translation_leaks(src: Iterable[str], tgt: Iterable[str],
                      pairs: Iterable[tuple[str, ...]]) -> list[tuple[str, str]]:
    """The (source, target) of `pairs` (whose first two fields are source and target text) with the
    source in `src` and the target in `tgt`: parallel signal between two monolingual sets."""
    src_set, tgt_set = set(src), set(tgt)
    return [(p[0], p[1]) for p in pairs if p[0] in src_set and p[1] in tgt_set]
