"""L.fst and L_disambig.fst on a hand-checkable lexicon: accepted phone strings, output words, weights."""
import math

import kaldifst
import pytest

from toolkit.errors import ToolkitError
from toolkit.lang.lexicon import LexiconEntry as E
from toolkit.lang.lexicon_fst import make_lexicon_fst
from toolkit.lang.symbols import SymbolTable

PHONES = SymbolTable.from_symbols("<eps> SIL x y z #0 #1 #2 #3".split())
WORDS = SymbolTable.from_symbols("<eps> A B C D #0".split())
# C has pronunciation probability 0.25; nothing else is ambiguous.
LEXICON = [E("A", ("x", "y")), E("B", ("x",)), E("C", ("y", "z"), 0.25)]
P = 0.3
SIL, NOSIL = -math.log(P), -math.log(1 - P)


def transductions(L, phones: str) -> dict[tuple[str, ...], list[float]]:
    """Every word sequence L gives the phone string, with the cost of each path giving it."""
    linear = kaldifst.make_linear_acceptor(PHONES.ids(phones.split()))
    composed = kaldifst.compose(linear, L)
    out: dict[tuple[str, ...], list[float]] = {}

    def walk(state, words, cost):
        final = composed.final(state).value
        if final != math.inf:
            out.setdefault(tuple(WORDS.symbols(words)), []).append(round(cost + final, 4))
        for arc in kaldifst.ArcIterator(composed, state):
            walk(arc.nextstate, words + ([arc.olabel] if arc.olabel else []), cost + arc.weight.value)

    if composed.num_states:
        walk(composed.start, [], 0.0)
    return out


def r(x):
    return round(x, 4)


@pytest.fixture(scope="module")
def L():
    return make_lexicon_fst(LEXICON, PHONES, WORDS, sil_prob=P, sil_phone="SIL")


@pytest.mark.parametrize(
    "phones, expected",
    [
        ("x y", {("A",): [r(2 * NOSIL)]}),
        ("x", {("B",): [r(2 * NOSIL)]}),
        ("", {(): [r(NOSIL)]}),
        ("SIL", {(): [r(SIL)]}),
        ("SIL x y SIL", {("A",): [r(2 * SIL)]}),
        ("SIL x y", {("A",): [r(SIL + NOSIL)]}),
        ("x y SIL", {("A",): [r(NOSIL + SIL)]}),
        ("x SIL x", {("B", "B"): [r(NOSIL + SIL + NOSIL)]}),
        ("x x y", {("B", "A"): [r(3 * NOSIL)]}),
        ("x y z", {("B", "C"): [r(3 * NOSIL + math.log(4))]}),
        ("y", {}),
        ("SIL SIL x", {}),
        ("x y x y", {("A", "A"): [r(3 * NOSIL)]}),
    ],
)
def test_L_gives_exactly_the_pronunciations_with_silence_weights(L, phones, expected):
    assert transductions(L, phones) == expected


def test_best_path_through_L_as_a_decoder_reads_it(L):
    composed = kaldifst.compose(kaldifst.make_linear_acceptor(PHONES.ids("SIL x SIL x y z".split())), L)
    ok, ilabels, olabels, weight = kaldifst.get_linear_symbol_sequence(kaldifst.shortest_path(composed))
    assert ok
    assert WORDS.symbols(olabels) == ["B", "B", "C"]
    assert PHONES.symbols(ilabels) == "SIL x SIL x y z".split()
    # Silence at the start and after the first B; none after the second B or after C.
    assert weight.value == pytest.approx(2 * SIL + 2 * NOSIL + math.log(4), abs=1e-4)


def test_L_is_sorted_on_output_labels_with_one_final_state(L):
    assert L.is_olabel_sorted
    finals = [s for s in kaldifst.StateIterator(L) if L.final(s).value != math.inf]
    assert len(finals) == 1 and L.final(finals[0]).value == 0.0


def test_no_silence_lexicon_has_one_loop_state_and_unit_weights():
    L0 = make_lexicon_fst(LEXICON[:2], PHONES, WORDS, sil_prob=0.0, sil_phone=None)
    assert transductions(L0, "x y x") == {("A", "B"): [0.0]}
    assert transductions(L0, "SIL x") == {}
    # Loop state plus one state inside the two-phone word.
    assert L0.num_states == 2


def test_L_disambig_needs_the_disambiguation_symbols_and_passes_hash0():
    # Homophones A, D and prefix B, disambiguated by hand as add_lex_disambig.pl would.
    lexicon = [E("A", ("x", "y", "#1")), E("B", ("x", "#1")), E("D", ("x", "y", "#2"))]
    Ld = make_lexicon_fst(
        lexicon, PHONES, WORDS, sil_prob=0.5, sil_phone="SIL", sil_disambig="#3", word_disambig=["#0"]
    )
    half = -math.log(0.5)
    assert transductions(Ld, "x y #1") == {("A",): [r(2 * half)]}
    assert transductions(Ld, "x y #2") == {("D",): [r(2 * half)]}
    assert transductions(Ld, "x y") == {}
    assert transductions(Ld, "x #1 SIL #3 x y #2") == {("B", "D"): [r(3 * half)]}
    assert transductions(Ld, "SIL x #1") == {}  # the silence disambiguation symbol is required
    # #0 (phone side) passes through as #0 (word side) where words start or end.
    assert transductions(Ld, "#0 x #1 #0") == {("#0", "B", "#0"): [r(2 * half)]}
    assert Ld.is_olabel_sorted


def test_unknown_phone_or_word_is_an_error_naming_it():
    with pytest.raises(ToolkitError, match="no symbol 'q'"):
        make_lexicon_fst([E("A", ("q",))], PHONES, WORDS)
    with pytest.raises(ToolkitError, match="no symbol 'Q'"):
        make_lexicon_fst([E("Q", ("x",))], PHONES, WORDS)
    with pytest.raises(ToolkitError, match="silence probability"):
        make_lexicon_fst(LEXICON, PHONES, WORDS, sil_prob=1.0)
