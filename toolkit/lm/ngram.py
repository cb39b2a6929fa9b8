"""N-gram counting and interpolated modified Kneser-Ney estimation (Chen & Goodman 1998).

This is the model KenLM's lmplz and SRILM's `ngram-count -kndiscount -interpolate` build:

- Each sentence is `<s> w1 ... wk </s>`; every n-gram inside it is counted (so short
  sentences give n-grams shorter than the order only where they start with `<s>`).
- Adjusted counts a(.): the highest order keeps raw counts; a lower-order n-gram gets its
  continuation count N1+(. g), the number of distinct words seen before it, except that an
  n-gram starting with `<s>` (which nothing can precede) keeps its raw count.
- Discounts per order from the counts of counts t_k of the adjusted counts:
  Y = t1 / (t1 + 2 t2), D1 = 1 - 2Y t2/t1, D2 = 2 - 3Y t3/t2, D3+ = 3 - 4Y t4/t3.
- p(w | h) = (a(hw) - D(a(hw))) / sum_x a(hx) + gamma(h) p(w | h'), where h' drops the
  oldest word of h and gamma(h) = (D1 N1(h.) + D2 N2(h.) + D3+ N3+(h.)) / sum_x a(hx) is
  what was discounted. Unigrams are interpolated with the uniform distribution over the
  vocabulary (without `<s>`, with `</s>` and the unknown word), so every p(. | h) sums to 1.
- In the ARPA model each listed n-gram carries the interpolated p(w | h) and each history
  the back-off weight gamma(h), so back-off reproduces the interpolated model exactly.

Counting is done in numpy: an n-gram is the pair (id of its first n-1 words in the table of
order n-1, id of its last word), packed into one int64 and made unique by sorting.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.lm.arpa import BOS, EOS, ArpaLM, Entry
from toolkit.log import get_logger

UNK = "<unk>"

# KenLM's --discount_fallback values, for data too small or odd for the count-of-count formula.
FALLBACK_DISCOUNTS = (0.5, 1.0, 1.5)

_log = get_logger(__name__)


@dataclass(frozen=True)
class Discounts:
    """Kneser-Ney discounts of one order: D1 for adjusted count 1, D2 for 2, D3 for 3 or more."""

    d1: float
    d2: float
    d3: float

    def __post_init__(self) -> None:
        for k, d in enumerate((self.d1, self.d2, self.d3), start=1):
            if not 0.0 <= d <= k:
                raise ToolkitError(f"discount D{k}{'+' if k == 3 else ''} must lie in [0, {k}], got {d:g}")

    @classmethod
    def from_counts_of_counts(cls, t1: int, t2: int, t3: int, t4: int) -> Discounts:
        """Chen & Goodman's estimate from the numbers of n-grams with adjusted count 1, 2, 3 and 4.

        Raises ToolkitError when t1, t2 or t3 is 0 or a discount falls outside [0, k].
        """
        if min(t1, t2, t3) == 0:
            raise ToolkitError(f"counts of counts t1={t1} t2={t2} t3={t3} t4={t4} include a zero")
        y = t1 / (t1 + 2.0 * t2)
        return cls(1.0 - 2.0 * y * t2 / t1, 2.0 - 3.0 * y * t3 / t2, 3.0 - 4.0 * y * t4 / t3)

    def of(self, counts: np.ndarray) -> np.ndarray:
        """The discount of each adjusted count (0 for a count of 0): same shape, float64."""
        table = np.array([0.0, self.d1, self.d2, self.d3])
        return table[np.minimum(counts, 3)]


@dataclass
class NgramCounts:
    """Raw n-gram counts of a text, one table per order, all arrays of length M_n (the table size).

    Order 1 has one entry per vocabulary word, indexed by word id (`words[id]`, C-sorted).
    Entry i of order n >= 2 is the n-gram (n-1-gram `prefix[n-1][i]` of order n-1, word
    `last[n-1][i]`); `suffix[n-1][i]` is the entry of order n-1 for its last n-1 words.
    Tables are sorted by (prefix, last), so they are in lexicographic word order.
    """

    words: list[str]
    prefix: list[np.ndarray]
    last: list[np.ndarray]
    suffix: list[np.ndarray]
    first: list[np.ndarray]
    raw: list[np.ndarray]

    @property
    def order(self) -> int:
        return len(self.raw)

    @property
    def bos(self) -> int:
        return self.words.index(BOS)

    def ngram_words(self) -> list[list[tuple[str, ...]]]:
        """The n-grams of each order as word tuples, in table order, order 1 first."""
        words = self.words
        out: list[list[tuple[str, ...]]] = [[(w,) for w in words]]
        for n in range(2, self.order + 1):
            prev = out[-1]
            out.append([prev[p] + (words[w],) for p, w in zip(self.prefix[n - 1].tolist(), self.last[n - 1].tolist())])
        return out

    def adjusted(self) -> list[np.ndarray]:
        """Kneser-Ney adjusted counts per order (int64, table order); `<s>` as a unigram gets 0."""
        out = []
        for n in range(1, self.order + 1):
            raw = self.raw[n - 1]
            if n == self.order:
                a = raw.copy()
            else:
                # Continuation count: how many distinct (n+1)-grams end with this n-gram.
                a = np.bincount(self.suffix[n], minlength=len(raw)).astype(np.int64)
                starts_bos = self.first[n - 1] == self.bos
                a[starts_bos] = raw[starts_bos]
            if n == 1:
                a[self.bos] = 0
            out.append(a)
        return out


def count_ngrams(
    sentences: Iterable[Sequence[str]],
    order: int = 3,
    vocabulary: Iterable[str] | None = None,
    unk: str | None = None,
) -> NgramCounts:
    """Count the n-grams of orders 1..`order` in `sentences` (lists of words, without <s> and </s>).

    The vocabulary is `vocabulary` if given, else every word of the text; `<s>`, `</s>` and
    `unk` (if given) are always in it. A word outside the vocabulary becomes `unk` if given;
    otherwise n-grams containing it are not counted (SRILM's -vocab without -unk). Empty
    sentences are skipped. Raises ToolkitError for an order below 1, for `<s>` or `</s>`
    inside a sentence, or for a text with no words.
    """
    if order < 1:
        raise ToolkitError(f"n-gram order must be 1 or more, got {order}")
    specials = [BOS, EOS] + ([unk] if unk else [])
    index: dict[str, int] = {w: i for i, w in enumerate(specials)}
    closed = vocabulary is not None
    if closed:
        for w in vocabulary:  # type: ignore[union-attr]
            index.setdefault(w, len(index))
    bos, eos = index[BOS], index[EOS]
    oov = index[unk] if unk else -1
    stream: list[int] = []
    for number, sentence in enumerate(sentences, start=1):
        if not sentence:
            continue
        if closed:
            ids = [index.get(w, oov) for w in sentence]
        else:
            ids = [index.setdefault(w, len(index)) for w in sentence]
        if bos in ids or eos in ids:
            raise ToolkitError(f"sentence {number} contains {BOS} or {EOS}; they are added by the model")
        stream.append(bos)
        stream.extend(ids)
        # -1 separates sentences: no n-gram spans a -1.
        stream.extend((eos, -1))
    if not stream:
        raise ToolkitError("no words to count: the training text is empty")

    words = sorted(index)
    remap = np.empty(len(index) + 1, dtype=np.int64)
    remap[[index[w] for w in words]] = np.arange(len(words))
    remap[-1] = -1  # index -1 stays -1
    tokens = remap[np.asarray(stream, dtype=np.int64)]
    vocab_size = len(words)

    prefix = [np.zeros(vocab_size, dtype=np.int64)]
    last = [np.arange(vocab_size, dtype=np.int64)]
    suffix = [np.zeros(vocab_size, dtype=np.int64)]
    first = [np.arange(vocab_size, dtype=np.int64)]
    raw = [np.bincount(tokens[tokens >= 0], minlength=vocab_size).astype(np.int64)]
    window = tokens  # window[i]: entry (of the order just done) for the n-gram starting at i, -1 if none
    for n in range(2, order + 1):
        length = max(len(tokens) - n + 1, 0)
        head, tail = window[:length], tokens[n - 1 : n - 1 + length]
        starts = np.flatnonzero((head >= 0) & (tail >= 0))
        keys = head[starts] * vocab_size + tail[starts]
        table, first_at, inverse, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
        prefix.append(table // vocab_size)
        last.append(table % vocab_size)
        # The last n-1 words of the n-gram at i are the (n-1)-gram at i+1.
        suffix.append(window[starts[first_at] + 1])
        first.append(first[-1][prefix[-1]])
        raw.append(counts.astype(np.int64))
        window = np.full(len(tokens), -1, dtype=np.int64)
        window[starts] = inverse.reshape(-1)
    return NgramCounts(words, prefix, last, suffix, first, raw)


def counts_of_counts(adjusted: np.ndarray, limit: int = 4) -> list[int]:
    """[t_1, ..., t_limit]: how many entries have adjusted count exactly k."""
    hist = np.bincount(np.minimum(adjusted, limit + 1), minlength=limit + 2)
    return [int(t) for t in hist[1 : limit + 1]]


def kneser_ney_discounts(
    counts: NgramCounts, fallback: Sequence[float] | None = FALLBACK_DISCOUNTS
) -> list[Discounts]:
    """Modified Kneser-Ney discounts of each order, order 1 first, from the adjusted counts.

    Where the counts of counts do not give valid discounts (small or artificial text) the
    `fallback` (D1, D2, D3+) is used with a warning, or, if `fallback` is None, ToolkitError.
    """
    out = []
    for n, a in enumerate(counts.adjusted(), start=1):
        t = counts_of_counts(a)
        try:
            d = Discounts.from_counts_of_counts(*t)
        except ToolkitError as e:
            if fallback is None:
                raise ToolkitError(f"cannot estimate Kneser-Ney discounts of order {n}: {e}") from None
            d = Discounts(*fallback)
            _log.warning("order %d: %s; using fallback discounts %s", n, e, " ".join(f"{x:g}" for x in fallback))
        _log.info("order %d: counts of counts %s, discounts D1=%.4f D2=%.4f D3+=%.4f", n, t, d.d1, d.d2, d.d3)
        out.append(d)
    return out


def kneser_ney_lm(counts: NgramCounts, discounts: Sequence[Discounts]) -> ArpaLM:
    """The interpolated Kneser-Ney model of `counts` as an ARPA model.

    Lists every counted n-gram (n-grams whose adjusted count is 0 carry the interpolated
    lower-order probability); `<s>` gets probability 0 (-99 in the file).
    """
    if len(discounts) != counts.order:
        raise ToolkitError(f"need discounts for {counts.order} orders, got {len(discounts)}")
    adjusted = counts.adjusted()
    bos = counts.bos

    a = adjusted[0]
    predicted = np.ones(len(a), dtype=bool)
    predicted[bos] = False
    total = a.sum()
    if total == 0:
        raise ToolkitError("no n-grams to estimate from")
    d = discounts[0]
    left = (d.d1 * (a == 1).sum() + d.d2 * (a == 2).sum() + d.d3 * (a >= 3).sum()) / total
    probs = [np.where(predicted, (a - d.of(a)) / total + left / predicted.sum(), 0.0)]
    gammas = []
    for n in range(2, counts.order + 1):
        a, d, parent = adjusted[n - 1], discounts[n - 1], counts.prefix[n - 1]
        size = len(adjusted[n - 2])
        total = np.bincount(parent, weights=a, minlength=size)
        mass = np.bincount(parent, weights=d.of(a), minlength=size)
        seen = total > 0
        # A history whose extensions all have adjusted count 0 (only possible when OOV words
        # broke n-grams) passes all its mass to the lower order.
        gamma = np.where(seen, mass / np.where(seen, total, 1.0), 1.0)
        own = np.where(seen[parent], (a - d.of(a)) / np.where(seen, total, 1.0)[parent], 0.0)
        probs.append(own + gamma[parent] * probs[n - 2][counts.suffix[n - 1]])
        gammas.append(gamma)

    ngrams: list[dict[tuple[str, ...], Entry]] = []
    for n, words in enumerate(counts.ngram_words(), start=1):
        with np.errstate(divide="ignore"):
            logp = np.log10(probs[n - 1])
        logb = np.log10(gammas[n - 1]) if n < counts.order else np.zeros(len(logp))
        ngrams.append(dict(zip(words, zip(logp.tolist(), logb.tolist()))))
    return ArpaLM(ngrams)


def train_kneser_ney(
    sentences: Iterable[Sequence[str]],
    order: int = 3,
    vocabulary: Iterable[str] | None = None,
    unk: str | None = None,
    fallback: Sequence[float] | None = FALLBACK_DISCOUNTS,
) -> ArpaLM:
    """count_ngrams, kneser_ney_discounts and kneser_ney_lm in one call."""
    counts = count_ngrams(sentences, order, vocabulary, unk)
    _log.info("n-grams per order: %s", " ".join(str(len(r)) for r in counts.raw))
    return kneser_ney_lm(counts, kneser_ney_discounts(counts, fallback))
