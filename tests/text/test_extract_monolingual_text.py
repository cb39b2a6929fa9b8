import gzip

from toolkit.bin.extract_monolingual_text import main
from toolkit.cli import run

EN_PAGE = r""".TH LS 1
.SH NAME
ls \- list directory contents
.SH DESCRIPTION
List information about the files. Sort entries alphabetically.
Too short.
.PP
List information about the files.
.SH SYNOPSIS
.B ls
[options]
"""
FR_PAGE = r""".TH LS 1
.SH NOM
ls \- afficher le contenu de répertoires
.SH DESCRIPTION
Afficher les informations des fichiers du répertoire. This paragraph was left in English by the translators.
"""


def _write_gz(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write(text)


def test_manpages_both_languages_share_ids(tmp_path):
    man = tmp_path / "usr" / "share" / "man"
    _write_gz(man / "man1" / "ls.1.gz", EN_PAGE)
    _write_gz(man / "man1" / "dir.1.gz", ".so man1/ls.1\n")
    _write_gz(man / "fr" / "man1" / "ls.1.gz", FR_PAGE)
    assert main(["--kind", "manpages", "--lang", "en", "--origin", "manpages", str(tmp_path),
                 str(tmp_path / "out" / "en")]) == 0
    assert (tmp_path / "out" / "en.txt").read_text().splitlines() == [
        "list directory contents", "List information about the files.", "Sort entries alphabetically."]
    assert (tmp_path / "out" / "en.origin").read_text().splitlines() == ["manpages:man1/ls.1"] * 3
    assert main(["--kind", "manpages", "--lang", "fr", "--origin", "manpages-fr", str(man),
                 str(tmp_path / "out" / "fr")]) == 0
    assert (tmp_path / "out" / "fr.txt").read_text().splitlines() == [
        "afficher le contenu de répertoires", "Afficher les informations des fichiers du répertoire."]
    assert (tmp_path / "out" / "fr.origin").read_text().splitlines() == ["manpages-fr:man1/ls.1"] * 2


def test_length_limits_and_other_kinds(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "wisdom").write_text(
        "One two three four five six.\n%\nV:857, I:951 now.\n%\nA b c d e f g h.\n\t\t-- Someone\n%\n")
    assert main(["--kind", "fortunes", "--origin", "fortunes", "--min-words", "4", "--max-words", "6",
                 str(tmp_path / "f"), str(tmp_path / "fortunes")]) == 0
    assert (tmp_path / "fortunes.txt").read_text() == "One two three four five six.\n"
    assert (tmp_path / "fortunes.origin").read_text() == "fortunes:wisdom\n"
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "ca01").write_text("\tThe/at  jury/nn said/vbd ``/`` no/at ''/'' ./.\n")
    (tmp_path / "b" / "cats.txt").write_text("ca01 news\n")
    assert main(["--kind", "brown", "--lang", "en", "--origin", "brown", str(tmp_path / "b"),
                 str(tmp_path / "brown")]) == 0
    assert (tmp_path / "brown.txt").read_text() == 'The jury said "no".\n'
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "ch01.fr.html").write_text("<h1>Titre du chapitre ici</h1><p>Le système est   prêt.</p>")
    assert main(["--kind", "html", "--lang", "fr", "--origin", "debian-reference-fr", str(tmp_path / "h"),
                 str(tmp_path / "html")]) == 0
    assert (tmp_path / "html.txt").read_text() == "Le système est prêt.\n"
    assert (tmp_path / "html.origin").read_text() == "debian-reference-fr:ch01.html\n"


def test_bad_input_fails_without_output(tmp_path, capsys):
    bad = tmp_path / "man" / "man1" / "bad.1.gz"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"\x1f\x8b\x08\x00broken")
    assert run(main, ["--kind", "manpages", "--origin", "m", str(tmp_path / "man"), str(tmp_path / "out")]) == 1
    assert "bad.1.gz: cannot read man page" in capsys.readouterr().err
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "cats.txt").write_text("ca01 news\n")
    assert run(main, ["--kind", "brown", "--origin", "b", str(tmp_path / "b"), str(tmp_path / "out")]) == 1
    assert "cats.txt:1: lists 'ca01'" in capsys.readouterr().err
    assert not list(tmp_path.glob("out*"))
