from collections import Counter

import pytest

from toolkit.text.cleaning import (
    PairFilter,
    clean_corpus,
    clean_pair,
    clean_text,
    dedup_pairs,
    normalize_whitespace,
    placeholders,
    reject_reason,
    remove_overlap,
    strip_accelerators,
    strip_markup,
)


@pytest.mark.parametrize("text, expected", [
    ("<b>Bold</b> and <span foreground='red'>red</span><br/>", "Bold and red"),
    ('See <a href="x.html">the page</a>', "See the page"),
    ("<All>", "<All>"),
    ("<Press 'Add' to create>", "<Press 'Add' to create>"),
    ("a < b > c", "a < b > c"),
])
def test_strip_markup_only_removes_known_tags(text, expected):
    assert strip_markup(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Pa~ges:", "Pages:"),
    ("~Save", "Save"),
    ("~/.config", "~/.config"),
    ("_Open", "Open"),
    ("Save _As...", "Save As..."),
    ("/Tools/Pr_eferences", "/Tools/Preferences"),
    ("file_name and other_name", "file_name and other_name"),  # two underscores: not mnemonics
    ("Hex _#:", "Hex _#:"),
    ("%(user_name)s", "%(user_name)s"),
    ("&File", "File"),
    ("R&D and Q&A", "R&D and Q&A"),
    ("Fish && Chips", "Fish & Chips"),
    ("Tom &amp; Jerry", "Tom &amp; Jerry"),
])
def test_strip_accelerators(text, expected):
    assert strip_accelerators(text) == expected


def test_identifier_shared_by_both_sides_is_kept():
    assert clean_pair("Set GTK_DEBUG", "Définir GTK_DEBUG") == ("Set GTK_DEBUG", "Définir GTK_DEBUG")
    assert clean_pair("Edit file_name", "Éditer file_name") == ("Edit file_name", "Éditer file_name")
    assert clean_pair("D_escription", "D_escription") == ("Description", "Description")
    assert clean_pair("Set GTK_DEBUG", "Définir") == ("Set GTKDEBUG", "Définir")  # not shared: read as a mnemonic


def test_clean_text_entities_and_whitespace():
    assert clean_text("<b>Tom</b>  &amp;\n\tJerry\u00a0:\u202f! ") == "Tom & Jerry : !"
    assert normalize_whitespace("e\u0301t\u00e9") == "\u00e9t\u00e9"  # NFC


@pytest.mark.parametrize("text, expected", [
    ("%s of %d files, 100%% done", ["%s", "%d"]),
    ("%1$s and %2$s", ["%1$s", "%2$s"]),
    ("%(name)s has %(count)d", ["%(name)s", "%(count)d"]),
    ("%.2f %lu %5d", ["%.2f", "%lu", "%5d"]),
    ("%PRODUCTNAME and %1", ["%PRODUCTNAME", "%1"]),
    ("$(ARG1) and $1 and $2$", ["$(ARG1)", "$1", "$2$"]),
    ("{} {0} {name} {name!r:>8}", ["{}", "{0}", "{name}", "{name!r:>8}"]),
    ("50 % des fichiers", []),
    ("100%", []),
])
def test_placeholders(text, expected):
    assert placeholders(text) == Counter(expected)


RULES = PairFilter(min_words=1, max_words=10, max_ratio=3.0, max_identical_words=2)


@pytest.mark.parametrize("src, tgt, reason", [
    ("Open", "Ouvrir", None),
    ("Unlock", "Déverrouiller", None),
    ("Date", "Date", None),                                      # identical, 1 word: a correct translation
    ("Page Style", "Page Style", None),
    ("This text was not translated", "This text was not translated", "untranslated"),
    ("%s", "%s", "no_words"),
    ("Open %s", "Ouvrir %d", "placeholder_mismatch"),
    ("Open %s in %s", "Ouvrir %s dans %s", None),
    ("%1 of %2", "%2 sur %1", None),                             # reordered: same multiset
    ("Save", "Enregistrer le document actuel sous un autre nom", "length_ratio"),
    (" ".join(["word"] * 11), " ".join(["mot"] * 11), "too_long"),
    ("", "x", "empty"),
])
def test_reject_reason(src, tgt, reason):
    assert reject_reason(src, tgt, RULES) == reason


def test_min_words_and_placeholder_switch():
    assert reject_reason("Open", "Ouvrir", PairFilter(min_words=2)) == "too_short"
    assert reject_reason("Open %s", "Ouvrir", PairFilter(require_same_placeholders=False)) is None


def test_dedup_keeps_first_origin():
    pairs = [("a b", "c d", "o1"), ("a b", "c d", "o2"), ("a b", "e f", "o3")]
    assert list(dedup_pairs(pairs)) == [("a b", "c d", "o1"), ("a b", "e f", "o3")]


def test_remove_overlap_on_either_side_casefolded():
    pairs = [("Open the file", "Ouvrir le fichier", "x"), ("Close", "Fermer", "x"), ("Save", "Enregistrer", "x"),
             ("Keep me", "Garde-moi", "x")]
    kept = list(remove_overlap(pairs, held_src=["open  the FILE", "Unrelated"], held_tgt=["enregistrer", "Fermer"]))
    assert kept == [("Keep me", "Garde-moi", "x")]


def test_clean_corpus_counts_add_up():
    pairs = [("Open", "Ouvrir", "a"), ("Open", "Ouvrir", "b"), ("Open %s", "Ouvrir", "a"),
             ("Close", "Fermer", "a"), ("Print", "Imprimer", "a")]
    kept, counts = clean_corpus(pairs, RULES, held_src=["Close"], held_tgt=[])
    assert kept == [("Open", "Ouvrir", "a"), ("Print", "Imprimer", "a")]
    assert counts == Counter(placeholder_mismatch=1, duplicate=1, heldout_overlap=1, kept=2)
    assert sum(v for k, v in counts.items()) == len(pairs)
