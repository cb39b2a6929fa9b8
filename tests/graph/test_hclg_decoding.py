"""Decoding the digits HCLG: log-likelihoods that favour a known state sequence give back its words."""
import kaldifst
import numpy as np
import pytest

from toolkit.decode.decoder import (
    align,
    best_path_at,
    best_paths,
    decode_best_path,
    decode_lattice,
)
from toolkit.graph.mkgraph import make_hclg
from toolkit.graph.training_graphs import TrainingGraphCompiler
from toolkit.hmm.alignment import equal_alignment
from toolkit.io.fst import read_fst

SENTENCES = ["seven four oh zero", "one", "nine nine eight two", "three six five oh one two"]


@pytest.fixture(scope="module")
def setup(digits):
    lang, ctx, tm = digits
    HCLG, _ = make_hclg(read_fst(lang.L_disambig), read_fst(lang.path / "G.fst"), lang.disambig, tm, ctx)
    return lang, tm, HCLG, TrainingGraphCompiler(tm, ctx, read_fst(lang.L), lang.disambig)


def favouring(tm, ali, rng):
    """(T, num_pdfs) log-likelihoods: noise around -60, and -40 for the pdf of each frame's transition id."""
    ll = rng.normal(-60.0, 3.0, size=(len(ali), tm.num_pdfs)).astype(np.float32)
    ll[np.arange(len(ali)), tm.tid2pdf[ali]] = -40.0
    return ll


@pytest.mark.parametrize("i", range(len(SENTENCES)))
def test_decoders_return_the_words(setup, i):
    lang, tm, HCLG, compiler = setup
    words = lang.words.ids(SENTENCES[i].split())
    graph = compiler.compile(words)
    rng = np.random.default_rng(i)
    ali = equal_alignment(graph, 30 * len(words) + 20, seed=i)
    ll = favouring(tm, ali, rng)
    hyp, final = decode_best_path(HCLG, ll, tm)
    assert final and hyp.words == words
    assert hyp.acoustic_cost == pytest.approx(40.0 * len(ali))  # the favoured pdf on every frame
    assert np.array_equal(tm.tid2pdf[hyp.alignment], tm.tid2pdf[ali])
    lattice, final = decode_lattice(HCLG, ll, tm)
    assert final
    for lm_weight in (1.0, 10.0):
        assert best_path_at(lattice, lm_weight, 0.5).words == words
    forced = align(graph, ll, tm)
    assert forced.words == words and np.array_equal(tm.tid2pdf[forced.alignment], tm.tid2pdf[ali])


def test_alignment_fails_without_a_path_of_the_right_length(setup):
    lang, tm, _, compiler = setup
    graph = compiler.compile(lang.words.ids(["seven", "four"]))  # 8 phones: at least 24 frames
    ll = np.random.default_rng(0).normal(-60.0, 3.0, size=(20, tm.num_pdfs)).astype(np.float32)
    assert align(graph, ll, tm) is None
    ll = np.random.default_rng(0).normal(-60.0, 3.0, size=(24, tm.num_pdfs)).astype(np.float32)
    assert len(align(graph, ll, tm).alignment) == 24


def with_penalty(lattice, penalty):
    """A copy with `penalty` added to the graph cost of every word arc, arc by arc (lattice-add-penalty)."""
    from kaldifst.lib._kaldifst import _ArcIteratorLattice

    lat = kaldifst.Lattice(lattice)
    for s in range(lat.num_states):
        it, arcs = _ArcIteratorLattice(lat, s), []
        while not it.done:
            a = it.value
            extra = penalty if a.olabel else 0.0
            arcs.append(kaldifst.LatticeArc(a.ilabel, a.olabel,
                                            kaldifst.LatticeWeight(a.weight.value1 + extra, a.weight.value2),
                                            a.nextstate))
            it.next()
        lat.delete_arcs(s, len(arcs))
        for a in arcs:
            lat.add_arc(s, a)
    return lat


def reference_best(lattice, lm_weight):
    """OpenFst's shortest path after lattice-scale --inv-acoustic-scale=lm_weight."""
    lat = kaldifst.Lattice(lattice)
    kaldifst.scale_lattice(kaldifst.lattice_scale(lmwt=1.0, acwt=1.0 / lm_weight), lat)
    _, _, words, w = kaldifst.get_linear_symbol_sequence(kaldifst.shortest_path(lat))
    return words, w.value1 + w.value2


def test_lattice_sweep_matches_openfst_shortest_path(setup):
    lang, tm, HCLG, compiler = setup
    words = lang.words.ids(["three", "six", "five", "oh"])
    rng = np.random.default_rng(7)
    ali = equal_alignment(compiler.compile(words), 150, seed=3)
    # weakly favoured pdfs: a lattice with many competing paths
    ll = rng.normal(-60.0, 4.0, size=(len(ali), tm.num_pdfs)).astype(np.float32)
    ll[np.arange(len(ali)), tm.tid2pdf[ali]] += 5.0
    lattice, _ = decode_lattice(HCLG, ll, tm, acoustic_scale=0.1, lattice_beam=8.0)
    assert lattice.num_states > 500
    lm_weights, penalties = [1.0, 4.0, 10.0, 17.0], [-2.0, 0.0, 1.5]
    grid = best_paths(lattice, lm_weights, penalties)
    assert len(grid) == 12
    distinct = set()
    penalized = {p: with_penalty(lattice, p) for p in penalties}
    for (w, p), hyp in grid.items():
        ref_words, ref_cost = reference_best(penalized[p], w)
        cost = hyp.graph_cost + hyp.acoustic_cost / w + p * len(hyp.words)
        assert cost == pytest.approx(ref_cost, rel=1e-6, abs=1e-3), (w, p)  # float32 sums in OpenFst
        assert hyp.words == ref_words or cost == pytest.approx(ref_cost, rel=1e-6)  # ties may differ
        assert len(hyp.alignment) == len(ali)
        distinct.add(tuple(hyp.words))
    assert len(distinct) > 1  # the grid does change the answer
