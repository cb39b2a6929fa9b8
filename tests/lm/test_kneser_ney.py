"""Kneser-Ney counting and estimation: hand-worked counts and probabilities, normalisation of every
history's distribution, and agreement with KenLM's lmplz on a stored reference."""
from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.lm.arpa import ArpaLM, read_arpa
from toolkit.lm.ngram import (
    Discounts,
    count_ngrams,
    counts_of_counts,
    kneser_ney_discounts,
    kneser_ney_lm,
    train_kneser_ney,
)
from toolkit.lm.text import read_sentences

DATA = Path(__file__).parent / "data"
CORPUS = [s.split() for s in ["a b", "b", "a b a"]]


def table(counts, n: int, which: str = "raw") -> dict[tuple[str, ...], int]:
    values = counts.raw[n - 1] if which == "raw" else counts.adjusted()[n - 1]
    return {w: int(c) for w, c in zip(counts.ngram_words()[n - 1], values) if c}


def test_raw_and_adjusted_counts_by_hand():
    # <s> a b </s> | <s> b </s> | <s> a b a </s>
    c = count_ngrams(CORPUS, order=3)
    assert c.words == ["</s>", "<s>", "a", "b"]
    assert table(c, 1) == {("<s>",): 3, ("a",): 3, ("b",): 3, ("</s>",): 3}
    assert table(c, 2) == {
        ("<s>", "a"): 2, ("a", "b"): 2, ("b", "</s>"): 2, ("<s>", "b"): 1, ("b", "a"): 1, ("a", "</s>"): 1,
    }
    assert table(c, 3) == {
        ("<s>", "a", "b"): 2, ("a", "b", "</s>"): 1, ("<s>", "b", "</s>"): 1, ("a", "b", "a"): 1,
        ("b", "a", "</s>"): 1,
    }
    # Highest order: raw counts. Below: distinct left contexts, except n-grams starting with <s>.
    assert table(c, 3, "adjusted") == table(c, 3)
    assert table(c, 2, "adjusted") == {
        ("<s>", "a"): 2, ("<s>", "b"): 1,  # raw, they start with <s>
        ("a", "b"): 1, ("b", "</s>"): 2, ("b", "a"): 1, ("a", "</s>"): 1,
    }
    # a follows <s>, b; b follows a, <s>; </s> follows b, a. <s> is never predicted.
    assert table(c, 1, "adjusted") == {("a",): 2, ("b",): 2, ("</s>",): 2}
    assert counts_of_counts(c.adjusted()[1]) == [4, 2, 0, 0]


def test_closed_vocabulary_drops_ngrams_across_oov_words_or_maps_them_to_unk():
    c = count_ngrams([["a", "c", "b"]], order=2, vocabulary=["a", "b"])
    assert table(c, 2) == {("<s>", "a"): 1, ("b", "</s>"): 1}
    assert ("c",) not in table(c, 1)
    c = count_ngrams([["a", "c", "b"]], order=2, vocabulary=["a", "b"], unk="<unk>")
    assert table(c, 2) == {("<s>", "a"): 1, ("a", "<unk>"): 1, ("<unk>", "b"): 1, ("b", "</s>"): 1}


def test_discounts_from_counts_of_counts_known_answer():
    # Y = 10 / (10 + 2*4) = 5/9; D1 = 1 - 2Y 4/10, D2 = 2 - 3Y 2/4, D3+ = 3 - 4Y 1/2.
    d = Discounts.from_counts_of_counts(10, 4, 2, 1)
    assert (d.d1, d.d2, d.d3) == pytest.approx((5 / 9, 7 / 6, 17 / 9), abs=1e-12)
    with pytest.raises(ToolkitError, match="zero"):
        Discounts.from_counts_of_counts(10, 4, 0, 1)
    with pytest.raises(ToolkitError, match="D2"):
        Discounts.from_counts_of_counts(1, 1, 5, 0)  # D2 = 2 - 3 (1/3) 5 < 0
    np.testing.assert_array_equal(d.of(np.array([0, 1, 2, 3, 7])), [0, d.d1, d.d2, d.d3, d.d3])


def test_bigram_probabilities_by_hand():
    # Unigrams: adjusted counts a=2, b=2, </s>=2 (total 6), D2=1 each, so 3/6 is left for the
    # uniform distribution over {a, b, </s>, <unk>}: p(w) = 1/6 + 1/8, p(<unk>) = 1/8.
    # Bigrams after <s>: a 2, b 1 (total 3): gamma(<s>) = (D1 + D2)/3 = 1/2, so
    # p(a|<s>) = 1/3 + p(a)/2 and p(b|<s>) = (1 - 1/2)/3 + p(b)/2; likewise after a and b.
    counts = count_ngrams(CORPUS, order=2, unk="<unk>")
    lm = kneser_ney_lm(counts, [Discounts(0.5, 1.0, 1.5)] * 2)
    uni = 1 / 6 + 1 / 8
    expected = {
        ("a",): uni, ("b",): uni, ("</s>",): uni, ("<unk>",): 1 / 8,
        ("<s>", "a"): 1 / 3 + uni / 2, ("<s>", "b"): 1 / 6 + uni / 2,
        ("a", "b"): 1 / 3 + uni / 2, ("a", "</s>"): 1 / 6 + uni / 2,
        ("b", "</s>"): 1 / 3 + uni / 2, ("b", "a"): 1 / 6 + uni / 2,
    }
    for ngram, p in expected.items():
        assert 10 ** lm.ngrams[len(ngram) - 1][ngram][0] == pytest.approx(p, rel=1e-12), ngram
    assert lm.ngrams[0][("<s>",)][0] == -math.inf
    for history in ["<s>", "a", "b"]:
        assert 10 ** lm.ngrams[0][(history,)][1] == pytest.approx(0.5, rel=1e-12)
    # Back-off reproduces the interpolated model for unseen bigrams: p(<unk>|a) = 1/2 * 1/8.
    assert 10 ** lm.log10prob("<unk>", ["a"]) == pytest.approx(1 / 16, rel=1e-12)


def assert_normalised(lm: ArpaLM) -> int:
    """Every listed history's distribution over the vocabulary (without <s>) sums to 1."""
    vocab = [w for w in lm.vocabulary() if w != "<s>"]
    checked = 0
    for n in range(lm.order - 1):
        for history in lm.ngrams[n]:
            if history[-1] == "</s>":
                continue
            total = sum(10 ** lm.log10prob(w, history) for w in vocab)
            assert total == pytest.approx(1.0, abs=1e-9), history
            checked += 1
    # A history the model has never seen backs off to the unigram distribution.
    assert sum(10 ** lm.log10prob(w, ["never", "seen"]) for w in vocab) == pytest.approx(1.0, abs=1e-9)
    return checked


def random_corpus(seed: int, sentences: int, vocab: int) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    weights = [1 / (i + 1) for i in range(vocab)]
    return [rng.choices(words, weights, k=rng.randint(1, 8)) for _ in range(sentences)]


@pytest.mark.parametrize("order", [1, 2, 3, 4])
@pytest.mark.parametrize("unk", [None, "<unk>"])
def test_every_history_sums_to_one(order, unk):
    corpus = random_corpus(order, 120, 25)
    lm = train_kneser_ney(corpus, order=order, unk=unk)
    assert lm.order == order
    histories = assert_normalised(lm)
    assert histories > 25 or order == 1


def test_closed_vocabulary_model_sums_to_one():
    corpus = random_corpus(5, 150, 30)
    vocabulary = [f"w{i}" for i in range(0, 30, 2)] + ["extra"]
    for unk in (None, "<unk>"):
        lm = train_kneser_ney(corpus, order=3, vocabulary=vocabulary, unk=unk)
        assert ("w1",) not in lm.ngrams[0] and ("extra",) in lm.ngrams[0]
        assert_normalised(lm)


def test_fallback_discounts_for_tiny_text():
    with pytest.raises(ToolkitError, match="order 1"):
        kneser_ney_discounts(count_ngrams(CORPUS, 2), fallback=None)
    d = kneser_ney_discounts(count_ngrams(CORPUS, 2), fallback=(0.5, 1.0, 1.5))
    assert d[0] == Discounts(0.5, 1.0, 1.5)


def test_bad_input():
    with pytest.raises(ToolkitError, match="order"):
        count_ngrams(CORPUS, order=0)
    with pytest.raises(ToolkitError, match="sentence 2"):
        count_ngrams([["a"], ["b", "</s>"]], order=2)
    with pytest.raises(ToolkitError, match="empty"):
        count_ngrams([[], []], order=2)


@pytest.mark.parametrize("order", [3, 4])
def test_agrees_with_kenlm_lmplz(order):
    reference = read_arpa(DATA / f"synthetic_corpus.lmplz_o{order}.arpa.gz")
    corpus = [s.words for s in read_sentences(DATA / "synthetic_corpus.txt")]
    lm = train_kneser_ney(corpus, order=order, unk="<unk>", fallback=None)
    assert lm.counts() == reference.counts()
    for n in range(order):
        assert lm.ngrams[n].keys() == reference.ngrams[n].keys()
        for ngram, (prob, bow) in reference.ngrams[n].items():
            if ngram == ("<s>",):
                continue  # lmplz writes 0 for the never-predicted <s>, SRILM and we -99
            mine = lm.ngrams[n][ngram]
            # lmplz computes in float32 and prints 7 digits.
            assert mine[0] == pytest.approx(prob, abs=2e-6), ngram
            assert mine[1] == pytest.approx(bow, abs=2e-6), ngram
