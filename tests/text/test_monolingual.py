import json
from collections import Counter

import pytest

from toolkit import cli
from toolkit.bin import select_comparable_text, split_monolingual_text
from toolkit.text.monolingual import (
    comparable_sources,
    document_of,
    half,
    select_sentences,
    source_of,
    split_languages,
    translation_leaks,
)

PAIRS = [(f"sentence {i} in english", f"phrase {i} en français", "cat:a.mo") for i in range(200)]
# two English texts with one translation, two translations of one English text
PAIRS += [("Quit the program", "Quitter", "cat:b.mo"), ("Exit", "Quitter", "cat:b.mo"),
          ("Close", "Fermer", "cat:b.mo"), ("Close", "Clore", "cat:c.mo")]


def test_halves_are_stable_and_balanced():
    assert half("abc", "s") == half("abc", "s") and {half("abc", s) for s in "abcdefgh"} == {0, 1}
    assert 80 < sum(half(f"k{i}", "salt") for i in range(200)) < 120
    assert document_of("manpages-fr:man1/ls.1") == "man1/ls.1" and document_of("x") == "x"


def test_no_known_translation_crosses_the_split():
    src_mono = {"The ls command lists files.": "manpages:man1/ls.1", "A Brown sentence here.": "brown:ca01"}
    tgt_mono = {"La commande ls liste les fichiers.": "manpages-fr:man1/ls.1", "Quitter": "manpages-fr:man1/x.1"}
    sets = split_languages(PAIRS, src_mono, tgt_mono, "salt")
    assert not translation_leaks(sets.src, sets.tgt, PAIRS)
    # every pair gave its source or its target, unless the target translates another kept source
    for s, t, _ in PAIRS:
        assert s in sets.src or t in sets.tgt or any(t2 == t and s2 in sets.src for s2, t2, _ in PAIRS)
    # the man page is in one language only; Brown (English only) is kept
    assert ("The ls command lists files." in sets.src) != ("La commande ls liste les fichiers." in sets.tgt)
    assert "A Brown sentence here." in sets.src
    assert sets.counts["documents_in_both_languages"] == 1
    # "Quitter" translates "Quit the program" and "Exit": kept in French only if neither is in English
    assert ("Quitter" in sets.tgt) == ("Quit the program" not in sets.src and "Exit" not in sets.src)


def test_sentence_selection_rules():
    counts = Counter()
    docs = [("d1", ["Too short.", "A fine English sentence of words.", "A fine English sentence of words."]),
            ("d2", ["Une phrase qui est en français et pas en anglais.", "V:857, I:951"])]
    kept = select_sentences(docs, "src", 3, 10, "en", counts)
    assert kept == {"A fine English sentence of words.": "src:d1"}
    assert (counts["dropped_short"], counts["dropped_duplicate"], counts["dropped_other_language"]) == (2, 1, 1)


def test_step_writes_disjoint_sets_and_holds_out_dev(tmp_path):
    for lang, k in (("en", 0), ("fr", 1)):
        (tmp_path / f"train.{lang}").write_text("".join(p[k] + "\n" for p in PAIRS), encoding="utf-8")
    (tmp_path / "train.origin").write_text("".join(p[2] + "\n" for p in PAIRS), encoding="utf-8")
    (tmp_path / "man.fr.txt").write_text("Une page de manuel traduite.\n", encoding="utf-8")
    (tmp_path / "man.fr.origin").write_text("manpages-fr:man1/ls.1\n", encoding="utf-8")
    out = tmp_path / "out"
    assert split_monolingual_text.main(["--dev-size", "10", "--tgt-text", str(tmp_path / "man.fr"),
                                        str(tmp_path / "train"), str(out)]) == 0
    en = (out / "mono.en").read_text(encoding="utf-8").splitlines()
    fr = (out / "mono.fr").read_text(encoding="utf-8").splitlines()
    dev_en = (out / "mono_dev.en").read_text(encoding="utf-8").splitlines()
    assert len(dev_en) == 10 and not set(dev_en) & set(en)
    assert len((out / "mono.fr.origin").read_text(encoding="utf-8").splitlines()) == len(fr)
    everything_en = set(en) | set(dev_en)
    everything_fr = set(fr) | set((out / "mono_dev.fr").read_text(encoding="utf-8").splitlines())
    assert not translation_leaks(everything_en, everything_fr, PAIRS)
    assert "Une page de manuel traduite." in everything_fr  # a document of one language only is kept
    report = json.loads((out / "report.json").read_text())
    assert report["languages"]["en"]["train"] == len(en)
    assert cli.run(split_monolingual_text.main, ["--dev-size", "1000", str(tmp_path / "train"), str(out)]) == 1


@pytest.mark.parametrize("bad", ["origin", "mono"])
def test_mismatched_files_are_named(tmp_path, bad, capsys):
    for lang in ("en", "fr"):
        (tmp_path / f"train.{lang}").write_text("a b c\nd e f\n", encoding="utf-8")
    (tmp_path / "train.origin").write_text("x\n" if bad == "origin" else "x\ny\n", encoding="utf-8")
    (tmp_path / "m.txt").write_text("one\ntwo\n", encoding="utf-8")
    (tmp_path / "m.origin").write_text("o:1\n", encoding="utf-8")
    args = ["--dev-size", "0", "--src-text", str(tmp_path / "m"), str(tmp_path / "train"), str(tmp_path / "out")]
    assert cli.run(split_monolingual_text.main, args) == 1
    assert ("train.origin" if bad == "origin" else "m.origin") in capsys.readouterr().err


def test_comparable_sources_strip_the_language_suffix():
    langs = ("en", "fr")
    assert source_of("manpages-fr:man1/ls.1", langs) == source_of("manpages-en:x", langs) == "manpages"
    assert source_of("libreoffice-l10n-fr:sw.mo", langs) == "libreoffice-l10n"
    assert source_of("brown", langs) == "brown" and source_of("manpages-de:x", langs) == "manpages-de"
    origins = {"en": ["brown:ca01", "manpages-en:ls.1", "libreoffice-l10n-fr:sw.mo", "fortunes:art"],
               "fr": ["manpages-fr:cp.1", "libreoffice-l10n-fr:sc.mo", "fortunes-de:x"]}
    assert comparable_sources(origins) == {"manpages", "libreoffice-l10n"}


def _write_mono(path, lang, rows):
    path.with_name(f"mono.{lang}").write_text("".join(s + "\n" for s, _ in rows), encoding="utf-8")
    path.with_name(f"mono.{lang}.origin").write_text("".join(o + "\n" for _, o in rows), encoding="utf-8")


def test_select_comparable_text_keeps_sources_of_both_languages(tmp_path, capsys):
    en = [("A Brown sentence.", "brown:ca01"), ("List the files.", "manpages-en:ls.1"),
          ("Save the file.", "gimp:gimp.mo"), ("A joke.", "fortunes:art")]
    fr = [("Copier des fichiers.", "manpages-fr:cp.1"), ("Ouvrir l'image.", "gimp:gimp.mo"),
          ("Une phrase de plus.", "gimp:gimp.mo")]
    _write_mono(tmp_path / "mono", "en", en)
    _write_mono(tmp_path / "mono", "fr", fr)
    out = tmp_path / "out"
    assert select_comparable_text.main([str(tmp_path / "mono"), str(out)]) == 0
    assert (out / "text.en").read_text(encoding="utf-8").splitlines() == ["List the files.", "Save the file."]
    assert (out / "text.en.origin").read_text(encoding="utf-8").splitlines() == ["manpages-en:ls.1", "gimp:gimp.mo"]
    assert (out / "text.fr").read_text(encoding="utf-8").splitlines() == [s for s, _ in fr]
    # nothing in common: an error naming the origin file, and no output
    _write_mono(tmp_path / "mono", "fr", [("Une blague.", "fortunes-de:x")])
    capsys.readouterr()
    assert cli.run(select_comparable_text.main, [str(tmp_path / "mono"), str(tmp_path / "none")]) == 1
    assert "mono.en.origin" in capsys.readouterr().err and not (tmp_path / "none").exists()
    # a text and its origins of different lengths: named
    (tmp_path / "mono.fr.origin").write_text("gimp:gimp.mo\ngimp:gimp.mo\n", encoding="utf-8")
    assert cli.run(select_comparable_text.main, [str(tmp_path / "mono"), str(tmp_path / "none")]) == 1
    assert "mono.fr.origin" in capsys.readouterr().err
