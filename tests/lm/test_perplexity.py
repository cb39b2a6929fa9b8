"""Perplexity as SRILM's `ngram -ppl` reports it: a hand-worked case, OOV handling, and agreement
with KenLM's own query code on a model we estimate and write."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from toolkit.errors import ToolkitError
from toolkit.lm.arpa import read_arpa, write_arpa
from toolkit.lm.ngram import train_kneser_ney
from toolkit.lm.perplexity import PerplexityStats, corpus_perplexity, sentence_perplexity
from toolkit.lm.text import read_sentences

DATA = Path(__file__).parent / "data"

TINY = (DATA / "tiny_bigram.arpa").read_text()  # hand-made, shared with test_arpa_to_fst.py


@pytest.fixture
def tiny(tmp_path):
    path = tmp_path / "tiny.arpa"
    path.write_text(TINY)
    return read_arpa(path)


def test_sentences_by_hand(tiny):
    # a b: p(a|<s>) p(b|a) p(</s>|b) = -0.3 - 0.2 - 0.4
    assert sentence_perplexity(tiny, ["a", "b"]).logprob == pytest.approx(-0.9)
    # b a: bow(<s>) p(b), bow(b) p(a), bow(a) p(</s>)
    assert sentence_perplexity(tiny, ["b", "a"]).logprob == pytest.approx(-1.2 - 0.7 - 1.25)
    # a x b: x is an OOV, left in the history, so b backs off past it to p(b).
    s = sentence_perplexity(tiny, ["a", "x", "b"])
    assert (s.words, s.oovs, s.zeroprobs) == (3, 1, 0)
    assert s.logprob == pytest.approx(-0.3 - 0.7 - 0.4)
    # With -unk, x is scored as <unk>: p(<unk>|a) = bow(a) p(<unk>), p(b|<unk>) = p(b).
    s = sentence_perplexity(tiny, ["a", "x", "b"], unk="<unk>")
    assert (s.oovs, s.logprob) == (0, pytest.approx(-0.3 - 1.75 - 0.7 - 0.4))
    # <s> has probability zero: a zeroprob, not scored.
    s = sentence_perplexity(tiny, ["a", "<s>"])
    assert (s.zeroprobs, s.logprob) == (1, pytest.approx(-0.3 - 0.5 - 1.0))


def test_corpus_totals_and_srilm_lines(tiny):
    total, per = corpus_perplexity(tiny, [["a", "b"], ["b", "a"], ["a", "x", "b"]])
    assert [p.logprob for p in per] == pytest.approx([-0.9, -3.15, -1.4])
    assert (total.sentences, total.words, total.oovs, total.zeroprobs) == (3, 7, 1, 0)
    assert total.logprob == pytest.approx(-5.45)
    # ppl over 7 - 1 words + 3 ends of sentence; ppl1 over the 6 words.
    assert total.ppl == pytest.approx(10 ** (5.45 / 9))
    assert total.ppl1 == pytest.approx(10 ** (5.45 / 6))
    assert total.srilm_lines("dev.txt") == [
        "file dev.txt: 3 sentences, 7 words, 1 OOVs",
        "0 zeroprobs, logprob= -5.45 ppl= 4.03233 ppl1= 8.09717",  # 10^(5.45/9), 10^(5.45/6)
    ]
    assert per[0].srilm_lines() == ["1 sentences, 2 words, 0 OOVs", "0 zeroprobs, logprob= -0.9 ppl= 1.99526 ppl1= 2.81838"]


def test_undefined_perplexity_and_missing_unk(tiny):
    # </s> after the OOV x backs off past it to p(</s>) = -1; no word is scored.
    only_oov = sentence_perplexity(tiny, ["x"])
    assert only_oov.srilm_lines()[1] == "0 zeroprobs, logprob= -1 ppl= 10 ppl1= undefined"
    assert math.isnan(PerplexityStats().ppl)
    with pytest.raises(ToolkitError, match="no unknown word '<UNK>'"):
        corpus_perplexity(tiny, [["a"]], unk="<UNK>")


@pytest.mark.parametrize("order", [2, 3, 4, 5])
def test_agrees_with_kenlm_query(tmp_path, order):
    kenlm = pytest.importorskip("kenlm")
    sentences = [s.words for s in read_sentences(DATA / "synthetic_corpus.txt")]
    train, test = sentences[:250], sentences[250:]
    test = test + [["unseen", *test[0]], [*test[1], "neverseen", "x"]]
    lm = train_kneser_ney(train, order=order, unk="<unk>")
    path = tmp_path / "lm.arpa"
    write_arpa(path, lm)
    ours = read_arpa(path)
    total, per = corpus_perplexity(ours, test)
    total_unk, per_unk = corpus_perplexity(ours, test, unk="<unk>")
    assert total.oovs > 2  # the held-out text has words the model lacks
    reference = kenlm.Model(str(path))
    kenlm_total = 0.0
    for words, stats, stats_unk in zip(test, per, per_unk):
        scores = list(reference.full_scores(" ".join(words), bos=True, eos=True))
        # KenLM scores OOVs as <unk>; without -unk SRILM (and we) leave them out.
        assert stats_unk.logprob == pytest.approx(sum(s[0] for s in scores), abs=1e-4)
        assert stats.logprob == pytest.approx(sum(s[0] for s in scores if not s[2]), abs=1e-4)
        assert stats.oovs == sum(1 for s in scores if s[2])
        kenlm_total += sum(s[0] for s in scores)
    words = sum(len(w) for w in test)
    assert total_unk.ppl == pytest.approx(10 ** (-kenlm_total / (words + len(test))), rel=1e-5)
