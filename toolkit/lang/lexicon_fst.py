"""The lexicon transducer L (phones in, words out), built as Kaldi's utils/lang/make_lexicon_fst.py builds it.

With optional silence (0 < sil_prob < 1) the FST has a start state, a loop state (where
words begin and end; the only final state) and a silence state:

    start --<eps>:<eps>/-log(1-p)--> loop        start --<eps>:<eps>/-log p--> sil
    sil --SIL:<eps>--> loop                        (L_disambig: sil --SIL--> s --#k--> loop)
    loop --p1:word/-log prob--> ... --pN:<eps>/-log(1-p)--> loop
                                     ... --pN:<eps>/-log p--> sil

so silence is optional at the start, between words and at the end, with probability p
each time. With sil_prob 0 there is only the loop state.
"""
from __future__ import annotations

import math
from typing import Sequence

import kaldifst

from toolkit.errors import ToolkitError
from toolkit.lang.lexicon import LexiconEntry
from toolkit.lang.symbols import SymbolTable


def make_lexicon_fst(
    entries: Sequence[LexiconEntry],
    phones: SymbolTable,
    words: SymbolTable,
    *,
    sil_prob: float = 0.5,
    sil_phone: str | None = "SIL",
    sil_disambig: str | None = None,
    word_disambig: Sequence[str] = (),
) -> kaldifst.StdVectorFst:
    """L.fst for `entries` (their phones may end in disambiguation symbols), arcs sorted on output labels.

    `sil_disambig` (e.g. '#2') follows the optional silence phone, as in L_disambig.fst.
    Each symbol of `word_disambig` (e.g. '#0') gets a self-loop `sym:sym` (phone id : word id)
    on every final state and every state with a word-emitting arc, as fstaddselfloops does,
    so that G's disambiguation symbols pass through L.
    """
    if not 0.0 <= sil_prob < 1.0:
        raise ToolkitError(f"silence probability must be in [0, 1), got {sil_prob}")
    if sil_prob > 0.0 and not sil_phone:
        raise ToolkitError("a silence probability above 0 needs a silence phone")
    fst = kaldifst.StdVectorFst()

    def arc(src: int, dest: int, phone: str | None, word: str | None, cost: float) -> None:
        ilabel = 0 if phone is None else phones.id(phone)
        olabel = 0 if word is None else words.id(word)
        fst.add_arc(src, kaldifst.StdArc(ilabel, olabel, cost, dest))

    if sil_prob > 0.0:
        start, loop, sil = fst.add_state(), fst.add_state(), fst.add_state()
        sil_cost, no_sil_cost = -math.log(sil_prob), -math.log1p(-sil_prob)
        arc(start, loop, None, None, no_sil_cost)
        arc(start, sil, None, None, sil_cost)
        if sil_disambig is None:
            arc(sil, loop, sil_phone, None, 0.0)
        else:
            after_sil = fst.add_state()
            arc(sil, after_sil, sil_phone, None, 0.0)
            arc(after_sil, loop, sil_disambig, None, 0.0)
        word_ends = ((loop, no_sil_cost), (sil, sil_cost))
    else:
        start = loop = fst.add_state()
        word_ends = ((loop, 0.0),)
    fst.start = start
    fst.set_final(loop, 0.0)

    for e in entries:
        if not e.phones:
            raise ToolkitError(f"'{e.word}' has an empty pronunciation")
        pron_cost = -math.log(e.prob)
        state = loop
        for i, phone in enumerate(e.phones[:-1]):
            nxt = fst.add_state()
            arc(state, nxt, phone, e.word if i == 0 else None, pron_cost if i == 0 else 0.0)
            state = nxt
        single = len(e.phones) == 1
        for dest, cost in word_ends:
            arc(state, dest, e.phones[-1], e.word if single else None, cost + (pron_cost if single else 0.0))

    if word_disambig:
        kaldifst.add_self_loops(fst, phones.ids(word_disambig), words.ids(word_disambig))
    kaldifst.arcsort(fst, sort_type="olabel")
    return fst
