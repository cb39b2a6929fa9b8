"""Skip-gram: corpus reading, subsampling and windows against their definitions, and embeddings that
separate two topics whose words never share a sentence."""
import random

import numpy as np
import pytest

from toolkit.bin import train_word_embeddings
from toolkit.embed.skipgram import (
    SkipGramOptions,
    keep_probabilities,
    read_corpus,
    train_skipgram,
    window_pairs,
)
from toolkit.embed.vectors import read_vectors
from toolkit.errors import InputError, ToolkitError


def test_read_corpus_orders_by_count_and_drops_rare_words_inside_sentences(tmp_path):
    (tmp_path / "t.txt").write_text("Le chat, le chien.\n\nrare le chat\nL'homme\n", encoding="utf-8")
    c = read_corpus(tmp_path / "t.txt", min_count=2)
    assert c.words == ["le", "chat"] and c.counts.tolist() == [3, 2]
    assert c.starts.tolist() == [0, 3, 3, 5, 5]
    assert [c.words[i] for i in c.ids] == ["le", "chat", "le", "le", "chat"]
    with pytest.raises(InputError, match="no word occurs 9 times"):
        read_corpus(tmp_path / "t.txt", min_count=9)


def test_keep_probability_is_word2vecs():
    counts = np.array([400, 100, 1, 499], dtype=np.int64)  # t = 0.01: t * N = 10 tokens
    p = keep_probabilities(counts, 0.01)
    # f = 4 t N: (sqrt(4) + 1) / 4 ; f = t N / 10: capped at 1.
    np.testing.assert_allclose(p[0], (np.sqrt(40) + 1) / 40)
    np.testing.assert_allclose(p[1], (np.sqrt(10) + 1) / 10)
    assert p[2] == 1.0 and np.all(np.diff(p[[2, 1, 0, 3]]) < 0)
    assert np.all(keep_probabilities(counts, 0) == 1)


def test_window_pairs_stay_in_sentence_and_within_the_drawn_window():
    ids = np.arange(10, 22)
    sentence = np.repeat([0, 1, 2], [5, 1, 6])
    pairs = window_pairs(ids, sentence, window=3, rng=np.random.default_rng(0))
    pos = {v: i for i, v in enumerate(ids)}
    assert len(pairs) > 0
    for c, o in pairs:
        assert sentence[pos[c]] == sentence[pos[o]] and 1 <= abs(pos[c] - pos[o]) <= 3
    # Each centre has one window for both sides: its contexts are exactly the positions within reach.
    for c in ids:
        ctx = sorted(pos[o] for cc, o in pairs if cc == c)
        same = [j for j in range(len(ids)) if sentence[j] == sentence[pos[c]] and j != pos[c]]
        reach = max((abs(j - pos[c]) for j in ctx), default=0)
        assert ctx == [j for j in same if abs(j - pos[c]) <= reach]
    # With window 1 every neighbour in the sentence pairs both ways: 4 + 0 + 5 adjacent pairs.
    assert len(window_pairs(ids, sentence, window=1, rng=np.random.default_rng(0))) == 2 * 9


def test_topics_separate_and_training_is_seeded(tmp_path):
    rng = random.Random(0)
    topics = [[f"alpha{i}" for i in range(12)], [f"beta{i}" for i in range(12)]]
    lines = [" ".join(rng.choice(t) for _ in range(rng.randint(5, 10))) for t in (topics * 250)]
    (tmp_path / "t.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = read_corpus(tmp_path / "t.txt", min_count=1)
    opts = SkipGramOptions(dim=16, epochs=8, subsample=0, batch_size=256, seed=3)
    emb = train_skipgram(corpus, opts)
    assert emb.shape == (24, 16) and emb.dtype == np.float32
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    cos = unit @ unit.T
    topic = np.array([w.startswith("alpha") for w in corpus.words])
    same = topic[:, None] == topic[None, :]
    for i in range(len(topic)):
        others = same[i].copy()
        others[i] = False
        assert cos[i, others].min() > cos[i, ~same[i]].max()
    np.testing.assert_array_equal(train_skipgram(corpus, opts), emb)


def test_train_word_embeddings_step(tmp_path):
    (tmp_path / "t.txt").write_text("a b c a b\nc a b\nd\n", encoding="utf-8")
    argv = ["--dim", "4", "--min-count", "2", "--epochs", "1", str(tmp_path / "t.txt"), str(tmp_path / "v.txt")]
    assert train_word_embeddings.main(argv) == 0
    words, vecs = read_vectors(tmp_path / "v.txt")
    assert words == ["a", "b", "c"] and vecs.shape == (3, 4)
    with pytest.raises(ToolkitError, match="--dim must be positive"):
        train_word_embeddings.main(["--dim", "0", *argv[2:]])
