"""prepare_lang on tiny dictionaries: every file's contents, numbering invariants, L/L_disambig, L o G."""
import math

import kaldifst
import pytest

from toolkit import cli
from toolkit.bin import prepare_lang as step
from toolkit.errors import InputError
from toolkit.io.fst import read_fst
from toolkit.lang.dict_dir import DictDir, write_dict_dir
from toolkit.lang.grammar import make_word_loop_grammar
from toolkit.lang.lang_dir import prepare_lang, read_lang_dir
from toolkit.lang.lexicon import LexiconEntry as E
from toolkit.lang.symbols import read_symbol_table
from toolkit.lang.topology import make_topology, read_topology

# A and D are homophones; B's pronunciation is a prefix of A's (only without word positions).
DICT = DictDir(
    lexicon=[
        E("!SIL", ("SIL",)),
        E("<UNK>", ("SPN",)),
        E("A", ("x", "y")),
        E("B", ("x",)),
        E("C", ("y", "x", "z")),
        E("D", ("x", "y")),
    ],
    silence_phones=[["SIL"], ["SPN"]],
    nonsilence_phones=[["x"], ["y"], ["z"]],
    optional_silence="SIL",
    extra_questions=[["SIL", "SPN"]],
)
SILENCE_PD = "SIL SIL_B SIL_E SIL_I SIL_S SPN SPN_B SPN_E SPN_I SPN_S".split()
NONSILENCE_PD = "x_B x_E x_I x_S y_B y_E y_I y_S z_B z_E z_I z_S".split()


def lines(path):
    return path.read_text().splitlines()


@pytest.fixture(scope="module")
def lang(tmp_path_factory):
    out = tmp_path_factory.mktemp("lang") / "lang"
    prepare_lang(DICT, "<UNK>", out)
    return out


def test_symbol_tables(lang):
    phones = ["<eps>", *SILENCE_PD, *NONSILENCE_PD, "#0", "#1", "#2", "#3"]
    assert lines(lang / "phones.txt") == [f"{p} {i}" for i, p in enumerate(phones)]
    words = ["<eps>", "!SIL", "<UNK>", "A", "B", "C", "D", "#0", "<s>", "</s>"]
    assert lines(lang / "words.txt") == [f"{w} {i}" for i, w in enumerate(words)]
    assert lines(lang / "oov.txt") == ["<UNK>"] and lines(lang / "oov.int") == ["2"]


def test_phone_lists(lang):
    ph = lang / "phones"
    assert lines(ph / "silence.txt") == SILENCE_PD
    assert lines(ph / "nonsilence.txt") == NONSILENCE_PD
    assert lines(ph / "context_indep.txt") == SILENCE_PD
    assert lines(ph / "optional_silence.txt") == ["SIL"] and lines(ph / "optional_silence.csl") == ["1"]
    assert lines(ph / "silence.csl") == [":".join(str(i) for i in range(1, 11))]
    assert lines(ph / "nonsilence.int") == [str(i) for i in range(11, 23)]
    # Homophones A/D need #1 #2; #3 follows the optional silence in L_disambig.
    assert lines(ph / "disambig.txt") == ["#0", "#1", "#2", "#3"] and lines(ph / "disambig.csl") == ["23:24:25:26"]
    assert lines(ph / "wdisambig.txt") == ["#0"]
    assert lines(ph / "wdisambig_phones.int") == ["23"] and lines(ph / "wdisambig_words.int") == ["7"]
    assert lines(ph / "sets.txt") == [
        "SIL SIL_B SIL_E SIL_I SIL_S",
        "SPN SPN_B SPN_E SPN_I SPN_S",
        "x_B x_E x_I x_S",
        "y_B y_E y_I y_S",
        "z_B z_E z_I z_S",
    ]
    assert lines(ph / "roots.txt") == ["shared split " + s for s in lines(ph / "sets.txt")]
    assert lines(ph / "roots.int")[2] == "shared split 11 12 13 14"
    assert lines(ph / "extra_questions.txt") == [
        " ".join(SILENCE_PD),
        "x_B y_B z_B",
        "x_E y_E z_E",
        "x_I y_I z_I",
        "x_S y_S z_S",
        "SIL SPN",
        "SIL_B SPN_B",
        "SIL_E SPN_E",
        "SIL_I SPN_I",
        "SIL_S SPN_S",
    ]
    boundary = dict(line.split() for line in lines(ph / "word_boundary.txt"))
    assert boundary["SIL"] == "nonword" and boundary["x_B"] == "begin" and boundary["z_E"] == "end"
    assert boundary["y_I"] == "internal" and boundary["SPN_S"] == "singleton" and len(boundary) == 22
    assert lines(ph / "word_boundary.int")[0] == "1 nonword"
    assert lines(ph / "align_lexicon.txt") == [
        "!SIL !SIL SIL_S",
        "<UNK> <UNK> SPN_S",
        "<eps> <eps> SIL",
        "A A x_B y_E",
        "B B x_S",
        "C C y_B x_I z_E",
        "D D x_B y_E",
    ]
    assert lines(ph / "align_lexicon.int")[3] == "3 3 11 16"


def test_topology_file(lang):
    topo = read_topology(lang / "topo")
    assert topo == make_topology(list(range(11, 23)), list(range(1, 11)))


def test_lang_dir_reads_back_consistently(lang):
    L = read_lang_dir(lang)
    assert L.silence == list(range(1, 11)) and L.nonsilence == list(range(11, 23))
    assert L.optional_silence == 1 and L.disambig == [23, 24, 25, 26] and L.oov == 2
    assert L.roots[0] == ("shared", "split", [1, 2, 3, 4, 5])
    assert L.word_boundary[14] == "singleton"
    assert L.topology.num_pdf_classes(11) == 3 and L.topology.num_pdf_classes(1) == 5
    # Numbering invariants: <eps> is 0, real phones are 1..N, disambiguation symbols after them.
    assert L.phones.id("<eps>") == 0 and L.words.id("<eps>") == 0
    real = sorted(L.silence + L.nonsilence)
    assert real == list(range(1, len(real) + 1)) and min(L.disambig) == len(real) + 1
    assert [L.words.symbol(i) for i in range(L.words.max_id - 2, L.words.max_id + 1)] == ["#0", "<s>", "</s>"]


def words_for(fst, phone_names, phones, words):
    composed = kaldifst.compose(kaldifst.make_linear_acceptor(phones.ids(phone_names.split())), fst)
    if composed.num_states == 0:
        return None
    ok, _, olabels, weight = kaldifst.get_linear_symbol_sequence(kaldifst.shortest_path(composed))
    assert ok
    return words.symbols(olabels), weight.value


def test_lang_L_fst_reads_position_dependent_phones(lang):
    phones, words = read_symbol_table(lang / "phones.txt"), read_symbol_table(lang / "words.txt")
    L = read_fst(lang / "L.fst")
    half = -math.log(0.5)
    got, cost = words_for(L, "SIL x_S SIL y_B x_I z_E", phones, words)
    # Silence at the start and after B; C ends the utterance without silence.
    assert got == ["B", "C"] and cost == pytest.approx(3 * half, abs=1e-4)
    assert words_for(L, "SIL_S", phones, words)[0] == ["!SIL"]
    assert words_for(L, "x_B", phones, words) is None  # a word begun but never ended
    # Both homophones are accepted by L, and each is found once L_disambig tells them apart.
    composed = kaldifst.compose(kaldifst.make_linear_acceptor(phones.ids(["x_B", "y_E"])), L)
    assert {a.olabel for s in kaldifst.StateIterator(composed) for a in kaldifst.ArcIterator(composed, s)} - {0} == {
        words.id("A"),
        words.id("D"),
    }
    Ld = read_fst(lang / "L_disambig.fst")
    assert words_for(Ld, "x_B y_E #1", phones, words)[0] == ["A"]
    assert words_for(Ld, "x_B y_E #2", phones, words)[0] == ["D"]
    assert words_for(Ld, "x_B y_E #1 SIL #3 x_S", phones, words)[0] == ["A", "B"]
    assert words_for(Ld, "x_B y_E", phones, words) is None


def test_L_disambig_with_G_is_determinizable_and_L_alone_is_not(lang):
    words = read_symbol_table(lang / "words.txt")
    G = make_word_loop_grammar(["A", "B", "C", "D"], words)
    LG = kaldifst.compose(read_fst(lang / "L_disambig.fst"), G)
    assert kaldifst.determinize_star(LG) is False  # False: finished, not stopped at max_states
    # Control: without disambiguation symbols the homophones make L o G non-functional.
    with pytest.raises(RuntimeError, match="not functional"):
        kaldifst.determinize_star(kaldifst.compose(read_fst(lang / "L.fst"), G))


def test_position_independent_phones_and_prefix_disambiguation(tmp_path):
    prepare_lang(DICT, "<UNK>", tmp_path / "lang", position_dependent_phones=False, sil_prob=0.0)
    assert lines(tmp_path / "lang" / "phones.txt") == [
        f"{p} {i}" for i, p in enumerate("<eps> SIL SPN x y z #0 #1 #2 #3".split())
    ]
    assert not (tmp_path / "lang" / "phones" / "word_boundary.txt").exists()
    assert lines(tmp_path / "lang" / "phones" / "extra_questions.txt") == ["SIL SPN"]
    phones = read_symbol_table(tmp_path / "lang" / "phones.txt")
    words = read_symbol_table(tmp_path / "lang" / "words.txt")
    Ld = read_fst(tmp_path / "lang" / "L_disambig.fst")
    # Now B (x) is a prefix of A and D (x y): it needs #1, the homophones #1 and #2.
    assert words_for(Ld, "x #1", phones, words) == (["B"], 0.0)
    assert words_for(Ld, "x", phones, words) is None
    assert words_for(Ld, "x y #2 x #1", phones, words) == (["D", "B"], 0.0)
    assert words_for(Ld, "SIL #3 x #1", phones, words) is None  # sil-prob 0: no optional silence
    assert words_for(Ld, "SIL x #1", phones, words) == (["!SIL", "B"], 0.0)  # only the silence word
    LG = kaldifst.compose(Ld, make_word_loop_grammar(["A", "B", "C", "D"], words))
    assert kaldifst.determinize_star(LG) is False


def test_shared_silence_roots(tmp_path):
    prepare_lang(DICT, "<UNK>", tmp_path / "lang", share_silence_phones=True, share_state_roots=False)
    roots = lines(tmp_path / "lang" / "phones" / "roots.txt")
    assert roots[0] == "not-shared not-split " + " ".join(SILENCE_PD)
    assert roots[1:] == [f"not-shared split {p}_B {p}_E {p}_I {p}_S" for p in "xyz"]


def test_step_and_its_errors(tmp_path, capsys):
    write_dict_dir(tmp_path / "dict", DICT)
    assert cli.run(step.main, ["--sil-prob", "0.3", str(tmp_path / "dict"), "<UNK>", str(tmp_path / "lang")]) == 0
    L = read_fst(tmp_path / "lang" / "L.fst")
    assert sorted(round(a.weight.value, 4) for a in kaldifst.ArcIterator(L, L.start)) == sorted(
        [round(-math.log(0.3), 4), round(-math.log(0.7), 4)]
    )
    assert cli.run(step.main, [str(tmp_path / "dict"), "<OOV>", str(tmp_path / "lang2")]) == 1
    assert "the OOV word '<OOV>' has no entry in the lexicon" in capsys.readouterr().err
    assert not (tmp_path / "lang2").exists()
    (tmp_path / "dict" / "nonsilence_phones.txt").write_text("x\ny_B\nz\n")
    (tmp_path / "dict" / "lexicon.txt").write_text("<UNK> SPN\nA x y_B\n")
    with pytest.raises(InputError, match="ends in a word-position suffix"):
        step.main([str(tmp_path / "dict"), "<UNK>", str(tmp_path / "lang3")])


def test_digit_lang_from_cmu_end_to_end(tmp_path):
    from toolkit.lang.cmu import cmu_dict_dir
    from toolkit.lang.vocabulary import read_vocabulary

    (tmp_path / "digits").write_text("oh\nzero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n")
    d, _ = cmu_dict_dir(read_vocabulary(word_lists=[tmp_path / "digits"]))
    prepare_lang(d, "<UNK>", tmp_path / "lang")
    lang = read_lang_dir(tmp_path / "lang")
    # No digit pronunciation is a prefix of another once word positions are marked: only #0 and
    # the silence's #1.
    assert [lang.phones.symbol(i) for i in lang.disambig] == ["#0", "#1"]
    G = make_word_loop_grammar((tmp_path / "digits").read_text().split(), lang.words)
    L = read_fst(lang.L)
    got, cost = words_for(L, "SIL Z_B IY_I R_I OW_E OW_S SIL", lang.phones, lang.words)
    # Three silence decisions (start, after each word), each 1/2.
    assert got == ["zero", "oh"] and cost == pytest.approx(3 * -math.log(0.5), abs=1e-4)
    LG = kaldifst.compose(read_fst(lang.L_disambig), G)
    assert kaldifst.determinize_star(LG) is False
    composed = kaldifst.compose(kaldifst.make_linear_acceptor(lang.phones.ids("S_B IH_I K_I S_E".split())), LG)
    ok, _, olabels, weight = kaldifst.get_linear_symbol_sequence(kaldifst.shortest_path(composed))
    assert lang.words.symbols(olabels) == ["six"]
    # L's cost (no silence at either end) plus G's: one word and the end, each 1/12.
    assert weight.value == pytest.approx(2 * -math.log(0.5) + 2 * math.log(12), abs=1e-4)
