"""Disambiguation symbols as add_lex_disambig.pl adds them, worked by hand."""
import pytest

from toolkit.lang.disambig import add_disambig_symbols, disambig_symbols


def p(s):
    return tuple(s.split())


def test_homophones_and_prefixes_get_numbered_symbols():
    prons = [p("a b"), p("a b c"), p("d"), p("d"), p("a"), p("e f"), p("d")]
    out, highest = add_disambig_symbols(prons)
    assert out == [
        p("a b #1"),  # proper prefix of "a b c"
        p("a b c"),  # unique and no prefix: unchanged
        p("d #1"),  # three homophones: #1 #2 #3 in lexicon order
        p("d #2"),
        p("a #1"),  # prefix of "a b" and "a b c"; numbering is per pronunciation
        p("e f"),
        p("d #3"),
    ]
    assert highest == 3


def test_no_pronunciation_is_a_prefix_of_another_afterwards():
    prons = [p("a"), p("a b"), p("a b"), p("a b c"), p("b"), p("b a"), p("c")]
    out, _ = add_disambig_symbols(prons)
    assert len(set(out)) == len(out)
    for i, x in enumerate(out):
        for j, y in enumerate(out):
            assert i == j or y[: len(x)] != x, (x, y)


def test_unambiguous_lexicon_needs_none():
    out, highest = add_disambig_symbols([p("a b"), p("b a"), p("c")])
    assert out == [p("a b"), p("b a"), p("c")] and highest == 0
    assert disambig_symbols(highest) == ["#0"]
    assert disambig_symbols(2) == ["#0", "#1", "#2"]


def test_empty_pronunciation_is_refused():
    with pytest.raises(ValueError):
        add_disambig_symbols([()])
