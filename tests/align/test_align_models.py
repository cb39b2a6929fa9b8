"""IBM Model 1 and fast_align's Model 2 against known answers: toy corpora, a corpus generated from a
known dictionary with known reordering, EM's monotone likelihood, exact tension M-step."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from toolkit.align.bitext import make_bitext
from toolkit.align.fast_align import (
    FastAlignConfig,
    align_direction,
    diagonal_feature,
    diagonal_prior,
    optimize_tension,
    train_fast_align,
)
from toolkit.align.ibm1 import train_ibm1, uniform_prior
from toolkit.align.links import Links, digamma


def table(links: Links, bitext, t: np.ndarray) -> dict[tuple[str, str], float]:
    """{(conditioning word or NULL, generated word): t} of a forward (source -> target) Links."""
    return {("NULL" if c == 0 else bitext.src_vocab[c - 1], bitext.tgt_vocab[g]): float(p)
            for c, g, p in zip(links.entry_cond, links.entry_gen, t)}


def synthetic(n_pairs: int, seed: int = 0, vocab: int = 60):
    """Pairs from a one-to-one dictionary s<k> -> t<k>, with adjacent target tokens swapped
    (probability 0.2) and an unaligned filler 'x' inserted (probability 0.05). Returns the token
    lists and the gold links (source i, target j) of every pair."""
    rng = np.random.default_rng(seed)
    src, tgt, gold = [], [], []
    zipf = 1 / np.arange(1, vocab + 1)
    zipf /= zipf.sum()
    for _ in range(n_pairs):
        words = rng.choice(vocab, int(rng.integers(4, 13)), p=zipf)
        out, links = [], []
        for i, w in enumerate(words):
            out.append(f"t{w}")
            links.append((i, len(out) - 1))
            if rng.random() < 0.05:
                out.append("x")
        order = list(range(len(out)))
        j = 0
        while j < len(order) - 1:
            if rng.random() < 0.2:
                order[j], order[j + 1] = order[j + 1], order[j]
                j += 2
            else:
                j += 1
        where = {old: new for new, old in enumerate(order)}
        src.append([f"s{w}" for w in words])
        tgt.append([out[o] for o in order])
        gold.append({(i, where[j]) for i, j in links})
    return src, tgt, gold


def evaluate(src, tgt, gold: list[set], result) -> dict[str, float]:
    """Scores of a forward DirectionalAlignment: `lexical`, the fraction of dictionary words
    aligned to their dictionary translation; `unique`, the fraction of those whose source word
    occurs once in its sentence aligned to the gold position; precision and recall of all links."""
    lexical = unique = n_words = n_unique = match = n_hyp = 0
    for s, (a, b, g) in enumerate(zip(src, tgt, gold)):
        gold_of = {j: i for i, j in g}
        for j, i in enumerate(result.sentence(s).tolist()):
            n_hyp += i >= 0
            match += (i, j) in g
            if j in gold_of:
                n_words += 1
                lexical += i >= 0 and a[i][1:] == b[j][1:]
                if a.count(a[gold_of[j]]) == 1:
                    n_unique += 1
                    unique += i == gold_of[j]
    return {"lexical": lexical / n_words, "unique": unique / n_unique,
            "precision": match / n_hyp, "recall": match / sum(map(len, gold))}


KOEHN = (["das Haus", "das Buch", "ein Buch"], ["the house", "the book", "a book"])


def test_model1_toy_corpus_learns_the_dictionary():
    bitext = make_bitext([s.split() for s in KOEHN[0]], [s.split() for s in KOEHN[1]])
    links = Links(bitext.src, bitext.tgt, len(bitext.tgt_vocab))
    t, _ = train_ibm1(links, 30)
    tt = table(links, bitext, t)
    for pair in [("das", "the"), ("Haus", "house"), ("Buch", "book"), ("ein", "a")]:
        assert tt[pair] > 0.9, (pair, tt[pair])
    result = align_direction(bitext.src, bitext.tgt, len(bitext.tgt_vocab), FastAlignConfig(30, 0, vb_alpha=0))
    assert [result.sentence(s).tolist() for s in range(3)] == [[0, 1], [0, 1], [0, 1]]


def test_translation_table_rows_sum_to_one():
    src, tgt, _ = synthetic(200)
    bitext = make_bitext(src, tgt)
    links = Links(bitext.src, bitext.tgt, len(bitext.tgt_vocab))
    t, _ = train_ibm1(links, 3)
    rows = np.bincount(links.entry_cond, weights=t)
    np.testing.assert_allclose(rows, 1.0, rtol=1e-12)
    e = links.e_step(t, uniform_prior)
    vb = links.normalize(e.counts, vb_alpha=0.01)
    rows_vb = np.bincount(links.entry_cond, weights=vb)
    assert np.all(rows_vb < 1.0) and np.all(rows_vb > 0.5)
    # expected counts: one unit of posterior mass per generated token
    assert e.counts.sum() == pytest.approx(links.num_tokens)


def test_model1_log_likelihood_never_decreases():
    src, tgt, _ = synthetic(300, seed=1)
    bitext = make_bitext(src, tgt)
    links = Links(bitext.src, bitext.tgt, len(bitext.tgt_vocab))
    _, history = train_ibm1(links, 15)
    ll = [h.log_likelihood for h in history]
    assert all(b >= a - 1e-9 * abs(a) for a, b in zip(ll, ll[1:])), ll
    assert ll[-1] > ll[0] + 100  # it learns something
    # uniform table: every target token has likelihood (n + 1) * (1/V) / (n + 1) = 1/V
    assert history[0].perplexity == pytest.approx(len(bitext.tgt_vocab))


def test_fast_align_maximum_likelihood_em_never_decreases():
    src, tgt, _ = synthetic(300, seed=2)
    bitext = make_bitext(src, tgt)
    links = Links(bitext.src, bitext.tgt, len(bitext.tgt_vocab))
    t, _ = train_ibm1(links, 2)
    _, tension, history = train_fast_align(links, t, FastAlignConfig(iterations=8, vb_alpha=0.0))
    ll = [h.log_likelihood for h in history]
    assert all(b >= a - 1e-9 * abs(a) for a, b in zip(ll, ll[1:])), ll
    assert tension != 4.0


@pytest.mark.parametrize("config, min_recall", [
    (FastAlignConfig(ibm1_iterations=10, iterations=0, vb_alpha=0.0), 0.75),
    (FastAlignConfig(), 0.95),
])
def test_recovers_known_dictionary_links(config, min_recall):
    src, tgt, gold = synthetic(600, seed=3)
    bitext = make_bitext(src, tgt)
    result = align_direction(bitext.src, bitext.tgt, len(bitext.tgt_vocab), config)
    scores = evaluate(src, tgt, gold, result)
    assert scores["lexical"] >= 0.999 and scores["unique"] >= 0.999, scores
    # Only the diagonal model can place repeated words (Model 1 gives every copy the leftmost one).
    assert scores["recall"] >= min_recall and scores["precision"] >= min_recall, scores


def test_diagonal_prior_breaks_model1_ties_between_repeated_words():
    # "a" occurs twice; Model 1 cannot tell the copies apart (ties go to the leftmost), the diagonal can.
    src = [s.split() for s in ["a b a", "b a c a", "a c", "c b"] * 5]
    tgt = [s.split() for s in ["A B A", "B A C A", "A C", "C B"] * 5]
    bitext = make_bitext(src, tgt)
    m1 = align_direction(bitext.src, bitext.tgt, len(bitext.tgt_vocab), FastAlignConfig(10, 0, vb_alpha=0))
    fa = align_direction(bitext.src, bitext.tgt, len(bitext.tgt_vocab), FastAlignConfig(10, 5, vb_alpha=0))
    assert m1.sentence(0).tolist() == [0, 1, 0]
    assert m1.sentence(1).tolist() == [0, 1, 2, 1]
    for s in range(4):
        assert fa.sentence(s).tolist() == list(range(len(src[s])))


def test_diagonal_prior_matches_its_definition():
    m, n, p0, lam = 5, 3, 0.1, 2.5
    prior = diagonal_prior(m, n, p0, lam)
    for j in range(1, m + 1):
        w = [np.exp(-lam * abs(i / n - j / m)) for i in range(1, n + 1)]
        expected = [p0] + [(1 - p0) * x / sum(w) for x in w]
        np.testing.assert_allclose(prior[j - 1], expected, rtol=1e-12)
    np.testing.assert_allclose(prior.sum(1), 1.0)


def test_tension_estimate_recovers_the_generating_tension():
    # One-hot posteriors of alignments drawn from the model with tension 5: the M-step is the MLE.
    rng = np.random.default_rng(0)
    shapes, sums = [], []
    for m in range(3, 15, 2):
        for n in range(3, 15, 3):
            prior = diagonal_prior(m, n, 0.08, 5.0)
            counts = np.zeros((m, n + 1))
            for j in range(m):
                counts[j] = rng.multinomial(400, prior[j])
            shapes.append((m, n))
            sums.append(counts)
    assert optimize_tension(shapes, sums, 1.0) == pytest.approx(5.0, abs=0.25)


def test_tension_step_maximises_the_expected_log_likelihood():
    rng = np.random.default_rng(1)
    shapes = [(4, 6), (7, 5), (9, 9)]
    sums = [diagonal_prior(m, n, 0.08, 3.0) * rng.uniform(0.5, 1.5, (m, n + 1)) for m, n in shapes]

    def objective(lam):
        return sum(float((s[:, 1:] * np.log(diagonal_prior(m, n, 0.08, lam)[:, 1:])).sum())
                   for (m, n), s in zip(shapes, sums))

    best = optimize_tension(shapes, sums, 4.0)
    grid = np.linspace(0.1, 14, 2000)
    brute = grid[np.argmax([objective(x) for x in grid])]
    assert best == pytest.approx(brute, abs=0.01)
    assert objective(best) >= max(objective(best - 1e-3), objective(best + 1e-3))


def test_diagonal_feature_is_minus_distance_from_the_diagonal():
    h = diagonal_feature(2, 4)
    np.testing.assert_allclose(h, [[-0.25, 0.0, -0.25, -0.5], [-0.75, -0.5, -0.25, 0.0]])


def test_digamma_matches_torch():
    x = np.concatenate([np.geomspace(1e-3, 1e6, 500), [0.01, 0.5, 1.0, 5.999, 6.0]])
    np.testing.assert_allclose(digamma(x), torch.special.digamma(torch.from_numpy(x)).numpy(), rtol=1e-11, atol=1e-11)
    assert digamma(np.array([1.0]))[0] == pytest.approx(-0.5772156649015329, abs=1e-13)
