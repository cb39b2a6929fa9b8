"""The grammar transducer G.fst of a back-off ARPA model, built as Kaldi's arpa2fst builds it.

- A state per history (n-gram of order < N not ending in `</s>`), plus the empty history.
  The start state is the `<s>` history (the empty one for a unigram model); `<s>` itself
  is never a label.
- An n-gram "h w" is an arc w:w from the state of h to the state of "h w" (for the highest
  order: to the longest history that ends "h w" without its first word), with weight
  -ln(10) * log10 p(w | h). An n-gram "h </s>" is instead the final weight of h's state.
- Each history's back-off weight is an arc #0:<eps> to the state of its longest proper
  suffix that is a history, so G's output side is the word sequence and the #0 on the
  input side keeps G determinizable.
- A history with no n-gram of its own (not final, only a back-off arc) is bypassed: arcs
  into it go on to its back-off state with the back-off weight added (Kaldi's
  RemoveRedundantStates).
- Arcs are sorted on input labels.

Walking G by taking a word's arc where there is one and the #0 arc otherwise gives the
ARPA model's back-off probability exactly.
"""
from __future__ import annotations

import math

import kaldifst

from toolkit.errors import ToolkitError
from toolkit.lang.symbols import SymbolTable
from toolkit.lm.arpa import BOS, EOS, ArpaLM
from toolkit.log import get_logger

_log = get_logger(__name__)

_LN10 = math.log(10.0)


def arpa_to_fst(
    lm: ArpaLM,
    symbols: SymbolTable,
    disambig: str = "#0",
    bos: str = BOS,
    eos: str = EOS,
    skip_oov: bool = False,
) -> kaldifst.StdVectorFst:
    """G.fst of `lm` with word ids from `symbols` (words.txt) and back-off arcs on `disambig`.

    A word of the model missing from `symbols` is a ToolkitError naming the missing words,
    unless `skip_oov`: then every n-gram containing one is left out, as arpa2fst does with
    --read-symbol-table. Also as arpa2fst, n-grams with `bos` other than first or `eos` other
    than last, and n-grams whose history the model lacks, are left out with a warning.
    Raises ToolkitError if `disambig` is not in `symbols` or the model has no `bos` unigram.
    """
    ids = dict(symbols.items())
    if disambig not in ids:
        raise ToolkitError(f"{symbols.name}: no disambiguation symbol '{disambig}' for the back-off arcs")
    backoff_label = ids[disambig]
    if (bos,) not in lm.ngrams[0]:
        raise ToolkitError(f"the model has no {bos} unigram, so G has no start state")
    vocabulary = [w for w in lm.vocabulary() if w not in (bos, eos)]
    for w in vocabulary:
        if w == disambig or ids.get(w) == 0:
            raise ToolkitError(f"'{w}' is the model's word but {symbols.name} reserves it (id {ids[w]})")
    missing = {w for w in vocabulary if w not in ids}
    if missing and not skip_oov:
        shown = " ".join(sorted(missing)[:20])
        raise ToolkitError(
            f"{len(missing)} word(s) of the model are not in {symbols.name}: {shown}"
            f"{' ...' if len(missing) > 20 else ''} (skip n-grams containing them with --skip-oov-ngrams true)"
        )

    order = lm.order
    # Histories and their back-off weights (log10); the empty history is the unigram state.
    histories: dict[tuple[str, ...], float] = {(): 0.0}
    has_ngrams: set[tuple[str, ...]] = {(), (bos,)}  # states kept even without outgoing n-grams
    kept_ngrams: list[tuple[tuple[str, ...], float]] = []
    skipped = orphans = misplaced = 0
    for n, table in enumerate(lm.ngrams, start=1):
        for words, (prob, bow) in table.items():
            head, w = words[:-1], words[-1]
            if eos in head or bos in words[1:]:
                misplaced += 1
                continue
            if missing and not missing.isdisjoint(words):
                skipped += 1
                continue
            if head not in histories:
                # As arpa2fst: without its history the n-gram's probability is undefined.
                orphans += 1
                continue
            if n < order and w != eos:
                histories[words] = bow
            if w != bos:
                has_ngrams.add(head)
                kept_ngrams.append((words, prob))
    if skipped:
        _log.warning("left out %d n-gram(s) containing %d word(s) not in %s", skipped, len(missing), symbols.name)
    if orphans:
        _log.warning("left out %d n-gram(s) whose history is not in the model", orphans)
    if misplaced:
        _log.warning("left out %d n-gram(s) with %s other than first or %s other than last", misplaced, bos, eos)

    fst = kaldifst.StdVectorFst()
    state: dict[tuple[str, ...], int] = {}
    for h in histories:
        if h in has_ngrams:
            state[h] = fst.add_state()
    fst.start = state[(bos,) if order > 1 else ()]

    def backoff_history(h: tuple[str, ...]) -> tuple[str, ...]:
        h = h[1:]
        while h not in histories:
            h = h[1:]
        return h

    # Where entering each history leads: its own state, or for a bypassed one the state its
    # back-off chain reaches, with the back-off costs on the way. Shorter histories come first.
    enter: dict[tuple[str, ...], tuple[int, float]] = {}
    for h, bow in histories.items():
        if h in state:
            enter[h] = (state[h], 0.0)
        else:
            target, cost = enter[backoff_history(h)]
            enter[h] = (target, cost - _LN10 * bow)

    # One StdArc filled in place: constructing a StdArc per arc costs twice the time of adding it.
    arc = kaldifst.StdArc()
    for words, prob in kept_ngrams:
        if prob == -math.inf:
            continue
        source = state[words[:-1]]
        cost = -_LN10 * prob
        w = words[-1]
        if w == eos:
            fst.set_final(source, cost)
            continue
        if len(words) < order:
            target, extra = enter[words]
        else:
            target, extra = enter.get(words[1:]) or enter[backoff_history(words)]
        arc.ilabel = arc.olabel = ids[w]
        arc.weight = cost + extra
        arc.nextstate = target
        fst.add_arc(source, arc)
    arc.ilabel, arc.olabel = backoff_label, 0
    for h, s in state.items():
        if h:
            target, extra = enter[backoff_history(h)]
            arc.weight = -_LN10 * histories[h] + extra
            arc.nextstate = target
            fst.add_arc(s, arc)
    kaldifst.arcsort(fst, "ilabel")
    _log.info("G.fst: %d states, %d histories bypassed", fst.num_states, len(histories) - len(state))
    return fst
