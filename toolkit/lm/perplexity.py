"""Perplexity of text under a back-off model, counted and printed as SRILM's `ngram -ppl` does.

Each sentence is scored as `<s> w1 ... wk </s>`: the words and the end of sentence are
predicted, `<s>` is only context. A word outside the model's vocabulary is an OOV: it is
not scored (it stays in the history, so the next word backs off past it) and is counted
apart, unless `unk` names the model's unknown word, to which such words are then mapped
(SRILM's -unk). A word the model gives probability zero is a zeroprob, also not scored.

    ppl  = 10 ** (-logprob / (words - OOVs - zeroprobs + sentences))
    ppl1 = 10 ** (-logprob / (words - OOVs - zeroprobs))
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self

from toolkit.errors import ToolkitError
from toolkit.lm.arpa import BOS, EOS, ArpaLM


@dataclass
class PerplexityStats:
    """Counts and summed log10 probability of one sentence or of many."""

    sentences: int = 0
    words: int = 0
    oovs: int = 0
    zeroprobs: int = 0
    logprob: float = 0.0

    def __iadd__(self, other: PerplexityStats) -> Self:
        self.sentences += other.sentences
        self.words += other.words
        self.oovs += other.oovs
        self.zeroprobs += other.zeroprobs
        self.logprob += other.logprob
        return self

    @property
    def scored(self) -> int:
        """Predictions that entered `logprob`, ends of sentence included."""
        return self.words - self.oovs - self.zeroprobs + self.sentences

    @property
    def ppl(self) -> float:
        """Perplexity per scored word and end of sentence (nan if nothing was scored)."""
        return _perplexity(self.logprob, self.scored)

    @property
    def ppl1(self) -> float:
        """Perplexity per scored word, ends of sentence left out (nan if no word was scored)."""
        return _perplexity(self.logprob, self.scored - self.sentences)

    def srilm_lines(self, file: str | None = None) -> list[str]:
        """The two summary lines of `ngram -ppl`, the first prefixed `file NAME: ` if `file` is given."""
        head = f"{self.sentences} sentences, {self.words} words, {self.oovs} OOVs"
        return [
            f"file {file}: {head}" if file is not None else head,
            f"{self.zeroprobs} zeroprobs, logprob= {_g(self.logprob)} ppl= {_g(self.ppl)} ppl1= {_g(self.ppl1)}",
        ]


def _perplexity(logprob: float, count: int) -> float:
    return 10.0 ** (-logprob / count) if count > 0 else math.nan


def _g(x: float) -> str:
    # C++ streams' default formatting (6 significant digits), which SRILM prints with.
    return "undefined" if math.isnan(x) else f"{x:.6g}"


def sentence_perplexity(lm: ArpaLM, words: Sequence[str], unk: str | None = None) -> PerplexityStats:
    """Score one sentence (words without <s> and </s>); `unk` must be a word of `lm` if given."""
    stats = PerplexityStats(sentences=1, words=len(words))
    history = [BOS]
    for w in [*words, EOS]:
        if w not in lm and w != EOS:
            if unk is None:
                stats.oovs += 1
                history.append(w)
                continue
            w = unk
        p = lm.log10prob(w, history)
        if p == -math.inf:
            stats.zeroprobs += 1
        else:
            stats.logprob += p
        history.append(w)
    return stats


def corpus_perplexity(
    lm: ArpaLM, sentences: Iterable[Sequence[str]], unk: str | None = None
) -> tuple[PerplexityStats, list[PerplexityStats]]:
    """(totals, per-sentence stats) over `sentences`.

    Raises ToolkitError if `unk` is given but the model has no such word.
    """
    if unk is not None and unk not in lm:
        raise ToolkitError(f"the model has no unknown word '{unk}' to map OOVs to")
    total = PerplexityStats()
    per_sentence = []
    for words in sentences:
        stats = sentence_perplexity(lm, words, unk)
        total += stats
        per_sentence.append(stats)
    return total, per_sentence
