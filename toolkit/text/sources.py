"""Candidate pairs from each kind of source, as cleaned one-line text with their origin.

Nothing is filtered here beyond what makes a pair unusable (untranslated or fuzzy
catalogue entries, a side that is empty after cleaning): filtering is the corpus
cleaner's job, so that its counts show what each rule removed.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from toolkit.text.cleaning import clean_pair
from toolkit.text.gettext_catalog import read_catalog
from toolkit.text.help_pages import DEFAULT_ID_PATTERN, pair_help_pages


def catalog_pairs(path: str | os.PathLike, origin: str) -> Iterator[tuple[str, str, str]]:
    """(msgid, msgstr, origin) of the translated entries of a .mo/.po file, in file order, text cleaned.

    Assumes the catalogue's msgids are source-language text (true of GNU, GTK, LibreOffice
    and Django catalogues, whose msgid is the English string).
    """
    for entry in read_catalog(path):
        if not entry.translated:
            continue
        src, tgt = clean_pair(entry.msgid, entry.msgstr)
        if src and tgt:
            yield src, tgt, origin


def help_pairs(src_dir: str | os.PathLike, tgt_dir: str | os.PathLike, origin: str,
               id_pattern: str = DEFAULT_ID_PATTERN) -> Iterator[tuple[str, str, str]]:
    """(src, tgt, `origin:PAGE#ID`) of the aligned help paragraphs, sorted by page and id, text cleaned."""
    for pair in pair_help_pages(Path(src_dir), Path(tgt_dir), id_pattern):
        src, tgt = clean_pair(pair.src, pair.tgt)
        if src and tgt:
            yield src, tgt, f"{origin}:{pair.page}#{pair.id}"
