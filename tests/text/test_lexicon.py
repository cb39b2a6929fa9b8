import math

import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.text.dictd import Entry
from toolkit.text.lexicon import (
    entry_pairs,
    freedict_lexicons,
    merge_directions,
    precision_at_1,
    read_lexicon,
    single_word,
    write_lexicon,
)


def test_single_word_cleanup():
    assert single_word("Maison") == "maison"
    assert single_word("(female) duck") == "duck"
    assert single_word("ash (tree)") == "ash"
    assert single_word("chou\u2010fleur") == "chou-fleur"
    assert single_word("aujourd'hui") == "aujourd'hui"
    assert single_word("L'") == "l'" and single_word("qu’") == "qu'"
    for dropped in ("l'homme", "go forward", "ne ... que", "\u2010able", "...", "'", "x'", "l' homme",
                    "(fitted)", ""):
        assert single_word(dropped) is None, dropped


def test_write_then_read_round_trip_keeps_order_and_drops_repeats(tmp_path):
    path = tmp_path / "lex.tsv"
    pairs = [("house", "maison"), ("file", "dossier"), ("file", "fichier"), ("house", "maison"),
             ("Open", "Ouvrir"), ("go", "aller voir"), ("file", "lime"), ("the", "l'")]
    assert write_lexicon(path, pairs) == len(pairs)
    assert path.read_text(encoding="utf-8").splitlines()[1] == "file\tdossier"
    lexicon = read_lexicon(path)
    assert lexicon == {"house": ["maison"], "file": ["dossier", "fichier", "lime"], "open": ["ouvrir"], "the": ["l'"]}
    assert list(lexicon) == ["house", "file", "open", "the"]
    write_lexicon(path, lexicon)
    assert read_lexicon(path) == lexicon


@pytest.mark.parametrize("bad", ["house maison", "house\t", "\tmaison", "", "# comment", "a\tb\tc"])
def test_bad_line_names_file_and_line(tmp_path, bad):
    path = tmp_path / "lex.tsv"
    path.write_text(f"house\tmaison\n{bad}\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{path}:2: "):
        read_lexicon(path)


def test_unwritable_pair_leaves_no_file(tmp_path):
    path = tmp_path / "lex.tsv"
    with pytest.raises(ToolkitError):
        write_lexicon(path, [("a", "b"), ("c\td", "e")])
    assert not path.exists()


def test_pairs_from_entries_and_both_directions_merged():
    eng_fra = [Entry("ABC", ["abc", "alphabet"]), Entry("go forward", ["avancer"]),
               Entry("window", ["fenêtre", "guichet"]), Entry("man", ["l'homme", "homme"]),
               Entry("sink", ["évier"])]
    fra_eng = [Entry("évier", ["(kitchen) sink"]), Entry("fenêtre", ["window"]), Entry("vitre", ["window", "pane"]),
               Entry("homme", ["man", "human being"])]
    assert entry_pairs(eng_fra) == [("abc", "abc"), ("abc", "alphabet"), ("window", "fenêtre"),
                                    ("window", "guichet"), ("man", "homme"), ("sink", "évier")]
    en_fr, fr_en = freedict_lexicons(eng_fra, fra_eng)
    assert en_fr == {"abc": ["abc", "alphabet"], "window": ["fenêtre", "guichet", "vitre"], "man": ["homme"],
                     "sink": ["évier"], "pane": ["vitre"]}
    assert fr_en == {"évier": ["sink"], "fenêtre": ["window"], "vitre": ["window", "pane"], "homme": ["man"],
                     "abc": ["abc"], "alphabet": ["abc"], "guichet": ["window"]}
    # Both directions hold the same set of pairs, flipped.
    assert {(s, t) for s, ts in en_fr.items() for t in ts} == {(t, s) for s, ts in fr_en.items() for t in ts}
    assert merge_directions([("a", "x")], [("y", "a"), ("x", "a")]) == {"a": ["x", "y"]}


def test_precision_at_1_against_a_hand_count():
    reference = {"house": ["maison"], "file": ["fichier", "dossier"], "cat": ["chat"], "dog": ["chien"]}
    predicted = {"house": ["maison", "foyer"], "file": ["lime", "fichier"], "cat": ["chat"], "tree": ["arbre"],
                 "dog": []}
    # house right, file wrong at rank 1, cat right; dog has no prediction, tree no reference.
    assert precision_at_1(predicted, reference) == (2 / 3, 3)
    p, n = precision_at_1({"x": ["y"]}, reference)
    assert n == 0 and math.isnan(p)
