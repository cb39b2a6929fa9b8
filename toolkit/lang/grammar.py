"""Word-loop grammars G.fst: any sequence of the given words, each equally likely (e.g. a digit loop).

This is the FST Kaldi's arpa2fst makes from a unigram ARPA model in which the words and
the end of sentence share the probability equally: one state, start and final, with a
self-loop `w:w / -log(1/(V+1))` per word and final weight -log(1/(V+1)). It accepts the
empty sentence and is stochastic (the loop's and final probabilities sum to 1).
"""
from __future__ import annotations

import math
from typing import Sequence

import kaldifst

from toolkit.errors import ToolkitError
from toolkit.lang.lexicon import RESERVED_WORDS, is_disambig_symbol
from toolkit.lang.symbols import SymbolTable


def make_word_loop_grammar(words: Sequence[str], symbols: SymbolTable) -> kaldifst.StdVectorFst:
    """G.fst looping over `words` (ids from `symbols`, e.g. lang/words.txt), arcs sorted on input labels."""
    if not words:
        raise ToolkitError("a word loop needs at least one word")
    seen = set()
    for w in words:
        if w in RESERVED_WORDS or is_disambig_symbol(w):
            raise ToolkitError(f"'{w}' is a special symbol, not a word for G")
        if w in seen:
            raise ToolkitError(f"word '{w}' given twice")
        seen.add(w)
    cost = math.log(len(words) + 1)
    fst = kaldifst.StdVectorFst()
    state = fst.add_state()
    fst.start = state
    fst.set_final(state, cost)
    for i in sorted(symbols.ids(words)):
        fst.add_arc(state, kaldifst.StdArc(i, i, cost, state))
    return fst


def default_loop_words(symbols: SymbolTable, exclude: Sequence[str] = ()) -> list[str]:
    """Every word of a words.txt except <eps>, <s>, </s>, disambiguation symbols and `exclude`."""
    skip = set(exclude)
    return [w for w in symbols if w not in RESERVED_WORDS and not is_disambig_symbol(w) and w not in skip]
