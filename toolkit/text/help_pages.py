"""LibreOffice help pages (HTML): paragraphs keyed by their `id`, paired across two languages.

Every language's help is generated from the same XML sources, so a paragraph or heading
keeps its `id` (`par_id3149398`, `hd_id3147653`, ...) in all languages, and a page keeps
its path below `<help>/<lang>/`. A pair is (page path, id) present in both languages.

The text of an element is all the text inside it (child elements included, `<script>`
and `<style>` excluded, `<br>` read as a space), white space collapsed. The help switches text by system and
module (`<span class="switchinline">` holding `hidden` alternatives such as
`id="MAC..."` "Command" and `id="default..."` "Ctrl"): only the default alternative is
kept, as the help shows it on a system and module that no case names. An id that occurs more than once in a page
with different texts is ambiguous and left out.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from toolkit.errors import InputError
from toolkit.progress import progress

DEFAULT_ID_PATTERN = r"(?:par|hd)_id\w+"
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class HelpPair:
    """One aligned paragraph: the page (path below the language directory), the id and both texts."""

    page: str
    id: str
    src: str
    tgt: str


class _SegmentParser(HTMLParser):
    """Collects the text of each open element whose id matches; text goes to every enclosing match."""

    def __init__(self, id_pattern: re.Pattern):
        super().__init__(convert_charrefs=True)
        self.id_pattern = id_pattern
        self.stack: list[tuple[str, int | None, bool]] = []  # (tag, index into self.segments or None, skipped)
        self.segments: list[tuple[str, list[str]]] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.handle_data(" ")
        if tag in _VOID:
            return
        attributes = dict(attrs)
        element_id = attributes.get("id")
        index = None
        if element_id is not None and self.id_pattern.fullmatch(element_id):
            index = len(self.segments)
            self.segments.append((element_id, []))
        skipped = tag in ("script", "style") or (
            "hidden" in attributes and not (element_id or "").startswith("default"))
        self.stack.append((tag, index, skipped))
        self.skip += skipped

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        # Close up to the matching open tag; an end tag with no open match is ignored, as browsers do.
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                self.skip -= sum(skipped for _, _, skipped in self.stack[depth:])
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self.skip:
            return
        for _, index, _ in self.stack:
            if index is not None:
                self.segments[index][1].append(data)


def page_segments(html_text: str, id_pattern: str = DEFAULT_ID_PATTERN) -> dict[str, str]:
    """id -> text of the elements of one page whose id fully matches `id_pattern`; empty texts and ambiguous ids dropped."""
    parser = _SegmentParser(re.compile(id_pattern))
    parser.feed(html_text)
    parser.close()
    texts: dict[str, str] = {}
    ambiguous: set[str] = set()
    for element_id, parts in parser.segments:
        text = _SPACE.sub(" ", "".join(parts)).strip()
        if element_id in texts and texts[element_id] != text:
            ambiguous.add(element_id)
        texts.setdefault(element_id, text)
    return {k: v for k, v in texts.items() if v and k not in ambiguous}


def read_help_page(path: str | os.PathLike, id_pattern: str = DEFAULT_ID_PATTERN) -> dict[str, str]:
    """page_segments of the UTF-8 HTML file `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 HTML ({e})", path) from None
    return page_segments(text, id_pattern)


def help_pages(lang_dir: str | os.PathLike) -> dict[str, Path]:
    """Page path (relative to `lang_dir`, '/'-separated) -> file, for every .html file below it."""
    root = Path(lang_dir)
    if not root.is_dir():
        raise InputError("not a directory", root)
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.html"))}


def pair_help_pages(src_dir: str | os.PathLike, tgt_dir: str | os.PathLike,
                    id_pattern: str = DEFAULT_ID_PATTERN) -> list[HelpPair]:
    """Aligned paragraphs of the help trees `src_dir` and `tgt_dir` (e.g. `.../help/en-US`, `.../help/fr`).

    Pairs come sorted by (page, id), pages present in only one language are skipped.
    """
    src_pages, tgt_pages = help_pages(src_dir), help_pages(tgt_dir)
    common = sorted(src_pages.keys() & tgt_pages.keys())
    if not common:
        raise InputError(f"no help page in common with {tgt_dir}", src_dir)
    pairs = []
    for page in progress(common, desc="help pages", unit="page"):
        src, tgt = read_help_page(src_pages[page], id_pattern), read_help_page(tgt_pages[page], id_pattern)
        pairs.extend(HelpPair(page, i, src[i], tgt[i]) for i in sorted(src.keys() & tgt.keys()))
    return pairs
