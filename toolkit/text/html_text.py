"""Prose paragraphs of an HTML page (e.g. the Debian Reference, DocBook output).

A paragraph is the text of a `<p>`, `<li>`, `<dd>` or `<td>` element: all text inside it,
`<br>` read as a space, white space collapsed, except the text of a nested paragraph
element, which is a paragraph of its own (the outer text before and after it are two
more). Nothing inside headings (`<h1>`..`<h6>`), `<title>`, `<dt>`, `<th>`, `<pre>`,
`<script>`, `<style>` or `<head>` is read. A paragraph whose text is all inside
`<code>`, `<tt>`, `<kbd>`, `<samp>` or `<var>` (a command, a file name) is dropped.
An end tag closes every element opened after its matching start tag; an end tag with
no open match is ignored (as browsers do), so unclosed `<br>` or `<img>` need no list.
"""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

from toolkit.errors import InputError

PARAGRAPH_TAGS = frozenset({"p", "li", "dd", "td"})
SKIPPED_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "title", "dt", "th", "pre", "script",
                          "style", "head"})
CODE_TAGS = frozenset({"code", "tt", "kbd", "samp", "var"})
_SPACE = re.compile(r"\s+")


class _ParagraphParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip = 0
        self.code = 0
        self.parts: list[str] = []      # text of the innermost open paragraph element
        self.prose = False              # whether some of it is outside code
        self.paragraphs: list[str] = []

    def _flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.parts)).strip()
        if text and self.prose:
            self.paragraphs.append(text)
        self.parts, self.prose = [], False

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.handle_data(" ")
            return
        if tag in PARAGRAPH_TAGS:
            self._flush()
        self.stack.append(tag)
        self.skip += tag in SKIPPED_TAGS
        self.code += tag in CODE_TAGS

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        depth = len(self.stack) - 1 - self.stack[::-1].index(tag)
        closed = self.stack[depth:]
        del self.stack[depth:]
        self.skip -= sum(t in SKIPPED_TAGS for t in closed)
        self.code -= sum(t in CODE_TAGS for t in closed)
        if any(t in PARAGRAPH_TAGS for t in closed):
            self._flush()

    def close(self):
        super().close()
        self._flush()

    def handle_data(self, data):
        if self.skip or not any(t in PARAGRAPH_TAGS for t in self.stack):
            return
        self.parts.append(data)
        if not self.code and data.strip():
            self.prose = True


def html_paragraphs(html_text: str) -> list[str]:
    """The prose paragraphs of an HTML page, in page order (see the module doc)."""
    parser = _ParagraphParser()
    parser.feed(html_text)
    parser.close()
    return parser.paragraphs


def read_html_paragraphs(path: str | os.PathLike) -> list[str]:
    """html_paragraphs of the UTF-8 HTML file `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 HTML ({e})", path) from None
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror})", path) from None
    return html_paragraphs(text)


def find_html_pages(root: str | os.PathLike, lang: str | None = None) -> list[tuple[str, Path]]:
    """(page id, file) of the `.html` files below `root`, sorted by id. With `lang`, only pages
    named `NAME.<lang>.html` (the Debian Reference's `ch01.fr.html`), whose id drops the language
    (`ch01.html`) so a page and its translation share it; otherwise the id is the path below `root`."""
    root = Path(root)
    if not root.is_dir():
        raise InputError("not a directory", root)
    pages = []
    suffix = f".{lang}.html" if lang else ".html"
    for path in root.rglob("*" + suffix):
        if path.is_file():
            rel = path.relative_to(root).as_posix()
            pages.append((rel[:-len(suffix)] + ".html", path))
    return sorted(pages)
