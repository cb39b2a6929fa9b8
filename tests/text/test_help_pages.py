import pytest

from toolkit.text.help_pages import help_pages, page_segments, pair_help_pages

EN = """<html><head><title>T</title><script>var x = "<p id='par_id9'>no</p>";</script></head><body>
<h1 id="hd_id1"><a name="x"></a>Opening Documents</h1>
<p id="par_id2" class="paragraph">Choose <span class="menuitem">File - Open</span>.<br>Then press
<span class="switchinline"><span hidden="true" id="MACtext_1" class="MAC">Command</span><span hidden="true"
 id="defaulttext_1">Ctrl</span></span>+O.</p>
<div id="par_id3"><p id="par_id4">Inner</p> outer</div>
<p id="par_id5">Only in English</p>
<p id="other">Not a paragraph id</p>
<p id="par_id6">First</p><p id="par_id6">Second</p>
<p id="par_id7"></p>
</body></html>"""
FR = """<html><body>
<h1 id="hd_id1">Ouvrir des documents</h1>
<p id="par_id2">Choisissez <span>Fichier - Ouvrir</span>.<br>Puis appuyez sur
<span class="switchinline"><span hidden="true" id="MACtext_1">Commande</span><span hidden="true"
 id="defaulttext_1">Ctrl</span></span>+O.</p>
<div id="par_id3"><p id="par_id4">Intérieur</p> extérieur</div>
<p id="par_id6">Premier</p>
</body></html>"""


def test_page_segments_text_rules():
    seg = page_segments(EN)
    assert seg == {
        "hd_id1": "Opening Documents",
        "par_id2": "Choose File - Open. Then press Ctrl+O.",
        "par_id3": "Inner outer",
        "par_id4": "Inner",
        "par_id5": "Only in English",
    }  # par_id6 is ambiguous, par_id7 empty, `other` does not match, script text is skipped


def test_pairs_by_page_and_id(tmp_path):
    for lang, html in (("en-US", EN), ("fr", FR)):
        for page in ("text/a/one.html", "text/b/two.html"):
            (tmp_path / lang / page).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / lang / page).write_text(html, encoding="utf-8")
    (tmp_path / "en-US/text/a/only_en.html").write_text(EN, encoding="utf-8")
    assert sorted(help_pages(tmp_path / "fr")) == ["text/a/one.html", "text/b/two.html"]
    pairs = pair_help_pages(tmp_path / "en-US", tmp_path / "fr")
    assert [(p.page, p.id) for p in pairs] == [
        (page, i) for page in ("text/a/one.html", "text/b/two.html") for i in ("hd_id1", "par_id2", "par_id3", "par_id4")]
    assert (pairs[1].src, pairs[1].tgt) == ("Choose File - Open. Then press Ctrl+O.",
                                            "Choisissez Fichier - Ouvrir. Puis appuyez sur Ctrl+O.")
    assert (pairs[2].src, pairs[2].tgt) == ("Inner outer", "Intérieur extérieur")


def test_missing_dir_is_an_input_error(tmp_path):
    from toolkit.errors import InputError
    with pytest.raises(InputError, match="not a directory"):
        help_pages(tmp_path / "nope")
