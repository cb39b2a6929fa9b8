"""Word-loop G.fst: weights of an equal-probability unigram loop, and the step that writes it."""
import math

import kaldifst
import pytest

from toolkit import cli
from toolkit.bin import make_word_loop_grammar as step
from toolkit.errors import ToolkitError
from toolkit.io.fst import read_fst
from toolkit.lang.grammar import make_word_loop_grammar
from toolkit.lang.symbols import SymbolTable

DIGITS = "oh zero one two three four five six seven eight nine".split()
WORDS = SymbolTable.from_symbols(["<eps>", "!SIL", "<UNK>", *sorted(DIGITS), "#0", "<s>", "</s>"], "words.txt")


def arcs(fst):
    return [
        (s, a.ilabel, a.olabel, a.weight.value, a.nextstate)
        for s in kaldifst.StateIterator(fst)
        for a in kaldifst.ArcIterator(fst, s)
    ]


def test_digit_loop_has_one_state_and_equal_weights():
    G = make_word_loop_grammar(DIGITS, WORDS)
    assert G.num_states == 1 and G.start == 0
    cost = pytest.approx(math.log(12), abs=1e-6)
    assert G.final(0).value == cost
    got = arcs(G)
    assert sorted(a[1] for a in got) == sorted(WORDS.ids(DIGITS))
    assert all(a[1] == a[2] and a[3] == cost and a[4] == 0 for a in got)
    # Stochastic: the loop and the end share probability 1.
    assert sum(math.exp(-a[3]) for a in got) + math.exp(-G.final(0).value) == pytest.approx(1.0, abs=1e-6)
    assert G.is_ilabel_sorted


def test_word_sequence_cost_is_one_unigram_cost_per_word_plus_end():
    G = make_word_loop_grammar(DIGITS, WORDS)
    seq = kaldifst.make_linear_acceptor(WORDS.ids("one two two".split()))
    ok, _, olabels, weight = kaldifst.get_linear_symbol_sequence(kaldifst.shortest_path(kaldifst.compose(seq, G)))
    assert ok and WORDS.symbols(olabels) == ["one", "two", "two"]
    assert weight.value == pytest.approx(4 * math.log(12), abs=1e-4)


def test_special_symbols_and_repeats_are_refused():
    for bad in (["one", "#0"], ["<s>"], ["one", "one"], []):
        with pytest.raises(ToolkitError):
            make_word_loop_grammar(bad, WORDS)


def test_step_writes_a_binary_fst_from_words_txt(tmp_path, capsys):
    words_txt = tmp_path / "words.txt"
    words_txt.write_text("".join(f"{s} {i}\n" for s, i in WORDS.items()))
    assert cli.run(step.main, [str(words_txt), str(tmp_path / "G.fst")]) == 0
    G = read_fst(tmp_path / "G.fst")
    # Default words: everything but specials and the excluded !SIL and <UNK>.
    assert sorted(a[1] for a in arcs(G)) == sorted(WORDS.ids(DIGITS))
    assert G.final(0).value == pytest.approx(math.log(12), abs=1e-6)

    (tmp_path / "list").write_text("one\ntwo\n\none\n")
    assert cli.run(step.main, ["--word-list", str(tmp_path / "list"), str(words_txt), str(tmp_path / "G2.fst")]) == 0
    G2 = read_fst(tmp_path / "G2.fst")
    assert sorted(a[1] for a in arcs(G2)) == sorted(WORDS.ids(["one", "two"]))
    assert G2.final(0).value == pytest.approx(math.log(3), abs=1e-6)

    (tmp_path / "bad").write_text("one\nten\n")
    assert cli.run(step.main, ["--word-list", str(tmp_path / "bad"), str(words_txt), str(tmp_path / "G3.fst")]) == 1
    assert f"{tmp_path / 'bad'}:2: word 'ten' is not in" in capsys.readouterr().err
    assert not (tmp_path / "G3.fst").exists()
