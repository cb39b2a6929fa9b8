import pytest

from toolkit.errors import InputError
from toolkit.text.html_text import find_html_pages, html_paragraphs, read_html_paragraphs

PAGE = """<html><head><title>Title text</title></head><body>
<h1>Chapter 1. Heading</h1>
<p>First <em>paragraph</em>&nbsp;here,<br>on two lines.</p>
<p><code>apt-get install foo</code></p>
<p>Run <code>ls</code> now.</p>
<pre>code block</pre>
<ul><li>Item one text.<p>Nested paragraph.</p>Item tail.</li><li><span>Item two.</span></ul>
<dl><dt>Term</dt><dd>Definition text.</dd></dl>
<table><tr><th>Header</th></tr><tr><td>Cell one</td><td><code>cmd</code></td></tr></table>
<script>var x = 1;</script>
<div>Loose div text is not a paragraph.</div>
</body></html>"""


def test_paragraphs_known_answer():
    assert html_paragraphs(PAGE) == [
        "First paragraph\u00a0here, on two lines.".replace("\u00a0", " "),
        "Run ls now.", "Item one text.", "Nested paragraph.", "Item tail.", "Item two.",
        "Definition text.", "Cell one",
    ]


def test_pages_share_ids_across_languages(tmp_path):
    for lang in ("en", "fr"):
        d = tmp_path / lang
        d.mkdir()
        (d / f"ch01.{lang}.html").write_text(PAGE)
        (d / f"index.{lang}.html").write_text("<p>x</p>")
        (d / "other.html").write_text("<p>y</p>")
    assert [i for i, _ in find_html_pages(tmp_path / "fr", "fr")] == ["ch01.html", "index.html"]
    assert [i for i, _ in find_html_pages(tmp_path / "en", "en")] == ["ch01.html", "index.html"]
    assert [i for i, _ in find_html_pages(tmp_path / "en")] == ["ch01.en.html", "index.en.html", "other.html"]
    assert read_html_paragraphs(tmp_path / "en" / "ch01.en.html") == html_paragraphs(PAGE)
    (tmp_path / "bad.html").write_bytes(b"<p>caf\xe9</p>")
    with pytest.raises(InputError, match="bad.html: not UTF-8"):
        read_html_paragraphs(tmp_path / "bad.html")
