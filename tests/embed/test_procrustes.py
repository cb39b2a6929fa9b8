"""Procrustes and CSLS against known answers: a rotated copy of an embedding space, a hand-sized CSLS."""
import json

import numpy as np
import pytest

from toolkit import cli
from toolkit.bin import induce_lexicon
from toolkit.embed import procrustes as pr
from toolkit.embed.procrustes import (
    csls_top,
    identical_seeds,
    knn_mean_similarity,
    mutual_nearest_neighbours,
    normalize_embeddings,
    procrustes,
    refine,
)
from toolkit.embed.vectors import write_vectors
from toolkit.errors import ToolkitError


def random_rotation(dim, rng):
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def test_procrustes_is_orthogonal_and_recovers_an_exact_rotation():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((50, 8)).astype(np.float32)
    rot = random_rotation(8, rng)
    w = procrustes(x, x @ rot.T)
    np.testing.assert_allclose(w, rot, atol=1e-5)
    # Any pairing gives an orthogonal map, and no orthogonal map fits better than the solution.
    y = rng.standard_normal((50, 8)).astype(np.float32)
    w = procrustes(x, y)
    np.testing.assert_allclose(w.T @ w, np.eye(8), atol=1e-5)
    best = np.linalg.norm(x @ w.T - y)
    for _ in range(20):
        assert np.linalg.norm(x @ random_rotation(8, rng).T - y) >= best - 1e-4


def test_normalize_gives_unit_rows_of_a_centred_cloud():
    rng = np.random.default_rng(1)
    emb = (rng.standard_normal((40, 5)) * rng.uniform(0.1, 10, size=(40, 1)) + 3).astype(np.float32)
    out = normalize_embeddings(emb)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1, atol=1e-5)
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    centred = unit - unit.mean(0)
    np.testing.assert_allclose(out, centred / np.linalg.norm(centred, axis=1, keepdims=True), atol=1e-5)


def test_csls_matches_the_formula_computed_naively(monkeypatch):
    monkeypatch.setattr(pr, "_CHUNK_ELEMENTS", 3)  # one row per chunk: the chunked path is exercised
    rng = np.random.default_rng(2)
    src = normalize_embeddings(rng.standard_normal((4, 3)))
    tgt = normalize_embeddings(rng.standard_normal((5, 3)))
    k = 2

    def r(v, space):
        sims = sorted((float(np.dot(v, u)) for u in space), reverse=True)
        return sum(sims[:k]) / k

    naive = np.array([[2 * float(np.dot(x, y)) - r(x, tgt) - r(y, src) for y in tgt] for x in src])
    idx, val = csls_top(src, tgt, top=5, k=k)
    np.testing.assert_allclose(np.take_along_axis(naive, idx, axis=1), val, atol=1e-5)
    assert (np.diff(val, axis=1) <= 1e-6).all()
    assert sorted(idx[0]) == list(range(5))
    # Only the first rows queried, neighbourhoods still over all rows.
    idx2, val2 = csls_top(src, tgt, top=2, k=k, rows=3)
    assert idx2.shape == (3, 2) and np.array_equal(idx2, idx[:3, :2])
    np.testing.assert_allclose(knn_mean_similarity(src, tgt, k), [r(x, tgt) for x in src], atol=1e-6)


def test_csls_demotes_a_hub():
    # The target "hub" is the nearest neighbour of both sources by cosine; CSLS gives source 1 its own word.
    src = np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    tgt = np.array([[0.8, 0.6], [1.0, 0.0], [0.28, 0.96]], dtype=np.float32)
    assert np.argmax(src @ tgt.T, axis=1).tolist() == [1, 0]  # cosine: source 1 goes to the hub
    idx, _ = csls_top(src, tgt, top=1, k=2)
    assert idx[:, 0].tolist() == [1, 2]


def test_identical_seeds():
    assert identical_seeds(["the", "2010", "x", "paris", "cat"], ["chat", "paris", "x", "2010"], 2) == [(1, 3), (3, 1)]
    assert identical_seeds(["x"], ["x"], 1) == [(0, 0)]


def rotated_pair(rng, n=300, dim=16, noise=0.01, n_seeds=24, n_wrong=0):
    """Source words w0..; target = a permuted, renamed, rotated and noised copy, `n_seeds` names shared.

    Returns source and target words and vectors, the rotation, and the true translation of each source word."""
    src = rng.standard_normal((n, dim)).astype(np.float32)
    rot = random_rotation(dim, rng)
    # Target row perm[i] is the translation of source row i: frequency ranks differ a little across languages.
    perm = np.argsort(np.argsort(np.arange(n) + rng.uniform(0, 30, size=n)))
    tgt = np.empty_like(src)
    tgt[perm] = src @ rot.T + noise * rng.standard_normal((n, dim))
    src_words = [f"w{i}" for i in range(n)]
    tgt_words = [None] * n
    for i in range(n):
        tgt_words[perm[i]] = src_words[i] if i < n_seeds else f"t{i}"
    # Wrong seeds: target words spelled like source words they do not translate.
    for i in range(n_seeds, n_seeds + n_wrong):
        tgt_words[perm[i]] = f"w{i + 100}"
    truth = {src_words[i]: tgt_words[perm[i]] for i in range(n)}
    return src_words, src, tgt_words, tgt, rot, truth, perm


@pytest.mark.parametrize("n_wrong", [0, 8])
def test_refinement_recovers_the_rotation_and_the_lexicon(n_wrong):
    rng = np.random.default_rng(3)
    src_words, src, tgt_words, tgt, rot, truth, perm = rotated_pair(rng, n_wrong=n_wrong)
    src_n, tgt_n = normalize_embeddings(src), normalize_embeddings(tgt)
    seeds = identical_seeds(src_words, tgt_words)
    assert len(seeds) == 24 + n_wrong
    mapping = refine(src_n, tgt_n, seeds, iterations=3, max_rank=200, k=10)
    assert mapping.pairs[0] == 24 + n_wrong and len(mapping.pairs) == 4
    # Nearly every source word among the 200 most frequent whose translation is too is a mutual NN.
    assert mapping.pairs[-1] >= 0.95 * np.sum(perm[:200] < 200)
    np.testing.assert_allclose(mapping.w.T @ mapping.w, np.eye(16), atol=1e-5)
    # Centring commutes with a rotation, so the map of normalised spaces is the rotation itself.
    assert np.linalg.norm(mapping.w - rot) < 0.02
    idx, _ = csls_top(src_n @ mapping.w.T, tgt_n, top=3, k=10)
    p_at_1 = np.mean([tgt_words[row[0]] == truth[w] for w, row in zip(src_words, idx)])
    assert p_at_1 >= 0.99


def test_mutual_nearest_neighbours_of_a_permutation():
    rng = np.random.default_rng(4)
    x = normalize_embeddings(rng.standard_normal((30, 6)))
    perm = rng.permutation(30)
    y = np.empty_like(x)
    y[perm] = x
    assert mutual_nearest_neighbours(x, y, k=3) == [(i, int(perm[i])) for i in range(30)]


def test_refine_without_seeds_fails():
    with pytest.raises(ToolkitError, match="no seed pairs"):
        refine(np.eye(3, dtype=np.float32), np.eye(3, dtype=np.float32), [], 1)


def test_induce_lexicon_step(tmp_path, capsys):
    rng = np.random.default_rng(5)
    src_words, src, tgt_words, tgt, _, truth, _ = rotated_pair(rng)
    write_vectors(tmp_path / "src.vec", src_words, src)
    write_vectors(tmp_path / "tgt.vec", tgt_words, tgt)
    # Reference: 100 words; the last 10 given a wrong first-choice-only translation, plus an ignored phrase.
    ref = [f"{w}\t{truth[w]}" for w in src_words[:90]] + [f"{w}\tnope" for w in src_words[90:100]]
    (tmp_path / "ref.tsv").write_text("\n".join(ref + ["two words\tdeux mots"]) + "\n", encoding="utf-8")
    argv = ["--max-words", "150", "--refine-iters", "2", "--top-k", "3", "--reference", str(tmp_path / "ref.tsv"),
            "--report", str(tmp_path / "report.json"), str(tmp_path / "src.vec"), str(tmp_path / "tgt.vec"),
            str(tmp_path / "lex.tsv")]
    assert induce_lexicon.main(argv) == 0
    lines = (tmp_path / "lex.tsv").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 150 * 3
    pairs = [line.split("\t") for line in lines]
    assert [s for s, _ in pairs[::3]] == src_words[:150]
    assert all(t == truth[s] for s, t in pairs[::3])
    assert len({tuple(p) for p in pairs}) == len(pairs)
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["seeds"] == 24 and len(report["mutual_nn_pairs"]) == 2
    assert report["evaluated_words"] == 100 and report["precision_at_1"] == pytest.approx(0.9)

    (tmp_path / "bad.tsv").write_text("a\tb\n\n", encoding="utf-8")
    argv[argv.index(str(tmp_path / "ref.tsv"))] = str(tmp_path / "bad.tsv")
    assert cli.run(induce_lexicon.main, argv) == 1
    assert "bad.tsv:2: expected source<TAB>target" in capsys.readouterr().err
