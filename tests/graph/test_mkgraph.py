"""HCLG for the digits: L o G paths by hand, build time, determinism, no epsilon cycles, stochasticity, graph dir."""
import math
import shutil
import time

import kaldifst
import numpy as np
import pytest

from toolkit.errors import InputError
from toolkit.graph.mkgraph import (
    STAMP,
    compose_lg,
    make_graph,
    make_hclg,
    remove_input_symbols,
    stochasticity,
)
from toolkit.io.fst import read_fst
from toolkit.io.fst_arrays import fst_to_arrays
from toolkit.lang.symbols import read_symbol_table
from toolkit.lang.topology import make_topology, write_topology


def paths(fst):
    """Every complete path of an acyclic FST as (input labels, output labels, cost), by depth-first search."""
    t = fst_to_arrays(fst)
    out = []

    def walk(s, ins, outs, cost):
        if math.isfinite(t.final[s]):
            out.append((tuple(ins), tuple(outs), round(cost + t.final[s], 2)))
        for k in np.flatnonzero(t.src == s):
            i, o = int(t.ilabel[k]), int(t.olabel[k])
            walk(int(t.dst[k]), ins + [i] * (i != 0), outs + [o] * (o != 0), cost + t.weight[k])

    walk(t.start, [], [], 0.0)
    return out


def test_lg_of_a_two_word_sentence(digits):
    lang, _, _ = digits
    words = lang.words.ids(["two", "oh"])
    LG = compose_lg(read_fst(lang.L_disambig), kaldifst.make_linear_acceptor(words))
    ph = lang.phones
    sil = ph.id("SIL")
    found = {(tuple(p for p in ins if p not in lang.disambig), outs, cost) for ins, outs, cost in paths(LG)}
    # Optional silence at the start, between the words and at the end: 8 paths, each with
    # three silence decisions of probability 0.5.
    expected = set()
    for a in (0, 1):
        for b in (0, 1):
            for c in (0, 1):
                seq = [sil] * a + ph.ids(["T_B", "UW_E"]) + [sil] * b + [ph.id("OW_S")] + [sil] * c
                expected.add((tuple(seq), tuple(words), round(3 * math.log(2), 2)))
    assert found == expected


def test_remove_input_symbols():
    f = kaldifst.make_linear_acceptor([3, 7, 3, 5])
    t = fst_to_arrays(remove_input_symbols(f, [3, 5]))
    assert t.ilabel.tolist() == [0, 7, 0, 0] and t.olabel.tolist() == [3, 7, 3, 5]


def local_determinism_and_eps_cycles(fst):
    t = fst_to_arrays(fst)
    nz = t.ilabel != 0
    pairs = np.stack([t.src[nz], t.ilabel[nz]], axis=1)
    deterministic = len(np.unique(pairs, axis=0)) == len(pairs)
    # input-epsilon cycles: depth-first search over epsilon arcs only
    eps = {}
    for s, d in zip(t.src[~nz].tolist(), t.dst[~nz].tolist()):
        eps.setdefault(s, []).append(d)
    state = {}

    def cyclic(s):
        state[s] = 1
        for d in eps.get(s, []):
            if state.get(d) == 1 or (d not in state and cyclic(d)):
                return True
        state[s] = 2
        return False

    return deterministic, any(cyclic(s) for s in list(eps) if s not in state)


def test_digits_hclg(digits):
    lang, ctx, tm = digits
    start = time.perf_counter()
    HCLG, disambig_tids = make_hclg(read_fst(lang.L_disambig), read_fst(lang.path / "G.fst"), lang.disambig, tm, ctx)
    seconds = time.perf_counter() - start
    assert seconds < 5.0
    assert disambig_tids == [tm.num_tids + 1]  # the #3 after optional silence; N=1 has no #-1
    t = fst_to_arrays(HCLG)
    assert t.start >= 0 and np.isfinite(t.final).any()
    assert set(t.ilabel.tolist()) - {0} <= set(range(1, tm.num_tids + 1))  # no disambiguation symbol left
    digit_ids = {lang.words.id(w) for w in ("oh", "zero", "one", "two", "three", "four", "five", "six", "seven",
                                             "eight", "nine")}
    assert set(t.olabel.tolist()) - {0} == digit_ids
    deterministic, eps_cycle = local_determinism_and_eps_cycles(HCLG)
    assert deterministic and not eps_cycle
    # every self-loop transition id appears on a self-loop arc, and only there
    loops = tm.tid_is_self_loop[t.ilabel]
    assert np.all(t.src[loops] == t.dst[loops]) and loops.any()


def test_hclg_is_stochastic_with_unit_scales(digits_one_pron, digits):
    lang, ctx, tm = digits_one_pron
    HCLG, _ = make_hclg(read_fst(lang.L_disambig), read_fst(lang.path / "G.fst"), lang.disambig, tm, ctx,
                        transition_scale=1.0, self_loop_scale=1.0)
    lo, hi = stochasticity(HCLG)
    assert abs(lo) < 1e-3 and abs(hi) < 1e-3
    # Two pronunciations of 'zero', each with probability 1, make L o G (and HCLG) sum above one.
    lang2, ctx2, tm2 = digits
    HCLG2, _ = make_hclg(read_fst(lang2.L_disambig), read_fst(lang2.path / "G.fst"), lang2.disambig, tm2, ctx2,
                         transition_scale=1.0, self_loop_scale=1.0)
    assert stochasticity(HCLG2)[0] < -0.05


def test_make_graph_dir_and_skip(digits, tmp_path):
    lang, ctx, tm = digits
    out = tmp_path / "graph"
    assert make_graph(lang.path, tm, ctx, out) is True
    for name in ("HCLG.fst", "words.txt", "phones.txt", "phones/silence.csl", "phones/word_boundary.int",
                 "phones/align_lexicon.int", "disambig_tid.int", STAMP):
        assert (out / name).is_file(), name
    assert (out / "num_pdfs").read_text() == f"{tm.num_pdfs}\n"
    assert read_symbol_table(out / "words.txt").items() == lang.words.items()
    assert read_fst(out / "HCLG.fst").num_states > 0
    mtime = (out / "HCLG.fst").stat().st_mtime_ns
    assert make_graph(lang.path, tm, ctx, out) is False  # up to date
    assert (out / "HCLG.fst").stat().st_mtime_ns == mtime
    assert make_graph(lang.path, tm, ctx, out, self_loop_scale=1.0) is True  # an input changed
    assert make_graph(lang.path, tm, ctx, out, self_loop_scale=1.0, force=True) is True


def test_make_graph_needs_g_and_the_same_topology(digits, tmp_path):
    lang, ctx, tm = digits
    no_g = tmp_path / "lang"
    shutil.copytree(lang.path, no_g)
    (no_g / "G.fst").unlink()
    with pytest.raises(InputError, match="G.fst"):
        make_graph(no_g, tm, ctx, tmp_path / "g")
    (no_g / "G.fst").write_bytes((lang.path / "G.fst").read_bytes())
    write_topology(no_g / "topo", make_topology(lang.nonsilence, lang.silence, num_nonsil_states=2))
    with pytest.raises(InputError, match="topology"):
        make_graph(no_g, tm, ctx, tmp_path / "g")
    assert not (tmp_path / "g").exists()
