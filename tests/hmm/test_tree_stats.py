"""Tree statistics from synthetic alignments against a direct per-frame count; job sums; the tree steps end to end
(statistics, tree, the first triphone model, converted alignments)."""
import logging

import numpy as np
import pytest

from toolkit.bin import acc_tree_stats
from toolkit.bin import build_tree as build_tree_step
from toolkit.bin import convert_ali, gmm_init_model
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.gmm.model import load_model, save_model
from toolkit.hmm import tree_stats
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.hmm.tree import load_tree
from toolkit.hmm.tree_stats import (
    NO_CONTEXT,
    TreeStats,
    accumulate_tree_stats,
    gaussian_objective,
    sum_tree_stats,
)
from toolkit.io.archive import read_int_vectors, write_int_vectors, write_matrices
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.lang_dir import prepare_lang, read_lang_dir
from toolkit.lang.lexicon import LexiconEntry as E
from toolkit.lang.topology import make_topology


def phone_tids(tm, ctx, phone, durations):
    """Transition ids of one phone (Kaldi's non-reordered order: self-loops, then the forward transition)."""
    out = []
    states = tm.topology.entry(phone).states
    for s, d in enumerate(durations):
        pdf = ctx.pdf((phone,), states[s].pdf_class)
        ts = tm.tstate(phone, s, pdf, pdf)
        fwd = next(t for t in range(tm.tstate_first_tid[ts], tm.tstate_first_tid[ts + 1]) if tm.tid2dest[t] == s + 1)
        out += [int(tm.self_loop_tid[ts])] * (d - 1) + [fwd]
    return out


def synthetic_utterances(tm, ctx, phones, n_utts, dim, rng, left_effect=3.0):
    """(feats, alignment, per-frame (left, phone, right, pdf class)) with means that depend on the left phone."""
    utts = []
    for _ in range(n_utts):
        seq = list(rng.choice(phones, size=rng.integers(1, 6)))
        ali, keys = [], []
        padded = [0, *seq, 0]
        for i, p in enumerate(seq):
            n_states = len(tm.topology.entry(p).states) - 1
            durs = rng.integers(1, 4, size=n_states)
            ali += phone_tids(tm, ctx, p, durs)
            for s, d in enumerate(durs):
                keys += [(padded[i], p, padded[i + 2], s)] * int(d)
        keys = np.array(keys)
        feats = rng.normal(size=(len(ali), dim)) + left_effect * keys[:, :1] + 0.5 * keys[:, 1:2] + 0.1 * keys[:, 3:4]
        utts.append((feats.astype(np.float32), np.array(ali, dtype=np.int32), keys))
    return utts


@pytest.fixture(scope="module")
def mono():
    topo = make_topology([2, 3, 4], [1], 3, 5)
    ctx = monophone_context(topo)
    return topo, ctx, TransitionModel.build(topo, ctx)


@pytest.mark.parametrize("chunk_frames", [200_000, 50])
def test_stats_match_a_direct_count_and_sum_over_jobs(mono, monkeypatch, chunk_frames):
    _, ctx, tm = mono
    monkeypatch.setattr(tree_stats, "_CHUNK_FRAMES", chunk_frames)  # one reduction, or many partial ones
    utts = synthetic_utterances(tm, ctx, [1, 2, 3, 4], 30, 2, np.random.default_rng(0))
    stats = accumulate_tree_stats(tm, ((f, a) for f, a, _ in utts))
    ref: dict[tuple, list] = {}
    for feats, _, keys in utts:
        for x, k in zip(feats.astype(np.float64), map(tuple, keys)):
            r = ref.setdefault(k, [0.0, np.zeros(2), np.zeros(2)])
            r[0] += 1
            r[1] += x
            r[2] += x * x
    assert sorted(ref) == [tuple(k) for k in stats.keys]
    for i, k in enumerate(map(tuple, stats.keys)):
        assert stats.counts[i] == ref[k][0]
        np.testing.assert_allclose(stats.sums[i], ref[k][1], rtol=1e-10)
        np.testing.assert_allclose(stats.sumsq[i], ref[k][2], rtol=1e-10)
    assert (stats.keys[:, 0] == 0).any() and (stats.keys[:, 2] == 0).any()  # utterance edges are phone 0

    halves = [accumulate_tree_stats(tm, ((f, a) for f, a, _ in part)) for part in (utts[:12], utts[12:])]
    summed = halves[0].add(halves[1])
    np.testing.assert_array_equal(summed.keys, stats.keys)
    np.testing.assert_allclose(summed.counts, stats.counts)
    np.testing.assert_allclose(summed.sums, stats.sums, rtol=1e-10)
    np.testing.assert_allclose(summed.sumsq, stats.sumsq, rtol=1e-10)


def test_save_load_and_sum_files(mono, tmp_path):
    _, ctx, tm = mono
    utts = synthetic_utterances(tm, ctx, [1, 2, 3, 4], 10, 3, np.random.default_rng(1))
    a = accumulate_tree_stats(tm, ((f, x) for f, x, _ in utts[:5]))
    b = accumulate_tree_stats(tm, ((f, x) for f, x, _ in utts[5:]))
    a.save(tmp_path / "1.acc")
    b.save(tmp_path / "2.acc")
    total = sum_tree_stats([tmp_path / "1.acc", tmp_path / "2.acc"])
    direct = a.add(b)
    np.testing.assert_array_equal(total.keys, direct.keys)
    np.testing.assert_array_equal(total.sumsq, direct.sumsq)
    (tmp_path / "bad.acc").write_text("junk")
    with pytest.raises(InputError, match="bad.acc"):
        TreeStats.load(tmp_path / "bad.acc")
    with pytest.raises(ToolkitError, match="dimension"):
        a.add(TreeStats.empty(7))


def test_alignment_not_matching_the_model_is_an_error(mono):
    _, ctx, tm = mono
    feats, ali, _ = synthetic_utterances(tm, ctx, [2], 1, 2, np.random.default_rng(2))[0]
    with pytest.raises(ToolkitError, match="frames"):
        accumulate_tree_stats(tm, [(feats[:-1], ali)])
    with pytest.raises(ToolkitError, match="whole phones"):
        accumulate_tree_stats(tm, [(feats[:-1], ali[:-1])])


def test_gaussian_objective_is_the_log_likelihood_under_the_ml_gaussian():
    x = np.random.default_rng(3).normal(size=(50, 3)) * [1.0, 2.0, 0.5]
    mean, var = x.mean(0), x.var(0)
    direct = np.sum(-0.5 * np.log(2 * np.pi * var) - 0.5 * (x - mean) ** 2 / var)
    got = gaussian_objective(np.array(50.0), x.sum(0), (x * x).sum(0), 1e-6)
    assert got == pytest.approx(direct, rel=1e-10)
    assert gaussian_objective(np.array(0.0), np.zeros(3), np.zeros(3), 0.01) == 0.0


DICT = DictDir(
    lexicon=[E("!SIL", ("SIL",)), E("<UNK>", ("SPN",)), E("A", ("x", "y")), E("B", ("y", "x", "z")), E("C", ("z", "x"))],
    silence_phones=[["SIL"], ["SPN"]],
    nonsilence_phones=[["x"], ["y"], ["z"]],
    optional_silence="SIL",
    extra_questions=[],
)


def test_steps_end_to_end(tmp_path, caplog):
    prepare_lang(DICT, "<UNK>", tmp_path / "lang")
    lang = read_lang_dir(tmp_path / "lang")
    ctx = monophone_context(lang.topology, lang.sets)
    tm = TransitionModel.build(lang.topology, ctx)
    dim = 2
    am = AmDiagGmm.from_variances(np.zeros((ctx.num_pdfs, dim)), np.ones((ctx.num_pdfs, dim)), np.ones(ctx.num_pdfs),
                                  np.arange(ctx.num_pdfs), ctx.num_pdfs)
    save_model(tmp_path / "final.mdl", tm, ctx, am)
    phones = [lang.phones.id(s) for s in ("x_B", "x_E", "y_B", "y_E", "z_I", "SIL")]
    utts = synthetic_utterances(tm, ctx, phones, 300, dim, np.random.default_rng(4), left_effect=0.3)
    data = tmp_path / "data"
    data.mkdir()
    names = [f"u{i:03d}" for i in range(len(utts))]
    write_matrices(data / "feats.ark", data / "feats.scp", zip(names, (f for f, _, _ in utts)))
    (data / "utt2spk").write_text("".join(f"{n} {n}\n" for n in names))
    write_int_vectors(tmp_path / "ali.1.ark", zip(names[:150], (a for _, a, _ in utts[:150])))
    write_int_vectors(tmp_path / "ali.2.ark", zip(names[150:], (a for _, a, _ in utts[150:])))
    feat_opts = ["--no-cmvn", "--delta-order", "0"]
    for j in (1, 2):
        assert acc_tree_stats.main([*feat_opts, str(tmp_path / "final.mdl"), str(data), str(tmp_path / f"ali.{j}.ark"),
                                    str(tmp_path / f"{j}.acc")]) == 0
    accs = [str(tmp_path / "1.acc"), str(tmp_path / "2.acc")]
    assert build_tree_step.main(["--num-leaves", "40", "--thresh", "10", "--min-count", "20", str(tmp_path / "lang"),
                                 *accs, str(tmp_path / "tree")]) == 0
    tree = load_tree(tmp_path / "tree")
    assert len(lang.roots) * 1 < tree.num_pdfs <= 40
    # The tree plugs into the transition model and the model file like the monophone context.
    tri_tm = TransitionModel.build(lang.topology, tree)
    tri_am = AmDiagGmm.from_variances(np.zeros((tree.num_pdfs, dim)), np.ones((tree.num_pdfs, dim)),
                                      np.ones(tree.num_pdfs), np.arange(tree.num_pdfs), tree.num_pdfs)
    save_model(tmp_path / "tri.mdl", tri_tm, tree, tri_am)
    assert load_model(tmp_path / "tri.mdl")[1] == tree
    # Asking for more leaves than the data support gives fewer, and the log says so.
    with caplog.at_level(logging.INFO):
        assert build_tree_step.main(["--num-leaves", "1000", "--thresh", "10", "--min-count", "20",
                                     str(tmp_path / "lang"), *accs, str(tmp_path / "tree_big")]) == 0
    assert "too little data for 1000 leaves" in caplog.text
    assert load_tree(tmp_path / "tree_big").num_pdfs < 1000
    # Statistics from another lang directory (a phone it lacks) are refused with a clear message.
    other = TreeStats.load(accs[0])
    other.keys[:, 1] = 99
    other.save(tmp_path / "other.acc")
    with pytest.raises(ToolkitError, match="another lang directory"):
        build_tree_step.main([str(tmp_path / "lang"), str(tmp_path / "other.acc"), str(tmp_path / "tree2")])
    assert not (tmp_path / "tree2").exists()


def test_context_independent_phones_record_no_context(mono):
    _, ctx, tm = mono
    utts = synthetic_utterances(tm, ctx, [1, 2, 3], 20, 2, np.random.default_rng(5))
    plain = accumulate_tree_stats(tm, ((f, a) for f, a, _ in utts))
    ci = accumulate_tree_stats(tm, ((f, a) for f, a, _ in utts), ci_phones=[1])
    is_sil = ci.keys[:, 1] == 1
    assert (ci.keys[is_sil][:, [0, 2]] == NO_CONTEXT).all() and (ci.keys[~is_sil][:, [0, 2]] >= 0).all()
    # Same frames: phone 1's keys collapse per pdf class, the others are unchanged.
    assert ci.counts.sum() == plain.counts.sum()
    assert len(np.unique(ci.keys[is_sil][:, 3])) == is_sil.sum()
    np.testing.assert_array_equal(ci.keys[~is_sil], plain.keys[plain.keys[:, 1] != 1])


@pytest.fixture(scope="module")
def tree_system(tmp_path_factory):
    """A lang dir, a monophone model, synthetic features and alignments, and a tree built by the steps."""
    tmp = tmp_path_factory.mktemp("tree_system")
    prepare_lang(DICT, "<UNK>", tmp / "lang")
    lang = read_lang_dir(tmp / "lang")
    ctx = monophone_context(lang.topology, lang.sets)
    tm = TransitionModel.build(lang.topology, ctx)
    dim = 2
    am = AmDiagGmm.from_variances(np.zeros((ctx.num_pdfs, dim)), np.ones((ctx.num_pdfs, dim)), np.ones(ctx.num_pdfs),
                                  np.arange(ctx.num_pdfs), ctx.num_pdfs)
    save_model(tmp / "mono.mdl", tm, ctx, am)
    phones = [lang.phones.id(s) for s in ("x_B", "x_E", "y_B", "y_E", "z_I", "SIL")]
    utts = synthetic_utterances(tm, ctx, phones, 200, dim, np.random.default_rng(7), left_effect=0.3)
    names = [f"u{i:03d}" for i in range(len(utts))]
    (tmp / "data").mkdir()
    write_matrices(tmp / "data" / "feats.ark", tmp / "data" / "feats.scp", zip(names, (f for f, _, _ in utts)))
    (tmp / "data" / "utt2spk").write_text("".join(f"{n} {n}\n" for n in names))
    write_int_vectors(tmp / "ali.ark", zip(names, (a for _, a, _ in utts)))
    feat_opts = ["--no-cmvn", "--delta-order", "0"]
    assert acc_tree_stats.main([*feat_opts, str(tmp / "mono.mdl"), str(tmp / "data"), str(tmp / "ali.ark"),
                                str(tmp / "1.acc")]) == 0
    assert build_tree_step.main(["--num-leaves", "30", "--thresh", "10", "--min-count", "20", str(tmp / "lang"),
                                 str(tmp / "1.acc"), str(tmp / "tree")]) == 0
    return tmp, lang, tm, dict(zip(names, utts))


def test_init_model_gives_each_leaf_the_mean_of_its_frames(tree_system):
    tmp, lang, _, utts = tree_system
    assert gmm_init_model.main([str(tmp / "tree"), str(tmp / "lang"), str(tmp / "1.acc"), str(tmp / "1.mdl")]) == 0
    tm, tree, am = load_model(tmp / "1.mdl")
    assert tree == load_tree(tmp / "tree") and am.num_gauss == tree.num_pdfs
    # Reference: every frame sent to its leaf by the tree directly, from the synthetic keys.
    feats = np.concatenate([f for f, _, _ in utts.values()])
    keys = np.concatenate([k for _, _, k in utts.values()])
    pdfs = np.array([tree.pdf(k[:3], k[3]) for k in keys])
    for pdf in np.unique(pdfs):
        np.testing.assert_allclose(am.means[pdf], feats[pdfs == pdf].mean(0), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(am.variances[pdf], np.maximum(feats[pdfs == pdf].var(0), 0.01), rtol=1e-4)


def test_converted_alignments_keep_the_path_and_take_the_pdfs_of_the_tree(tree_system):
    tmp, lang, mono_tm, utts = tree_system
    assert convert_ali.main([str(tmp / "mono.mdl"), str(tmp / "1.mdl"), str(tmp / "ali.ark"), str(tmp / "tri.ark")]) == 0
    tm, tree, _ = load_model(tmp / "1.mdl")
    converted = dict(read_int_vectors(tmp / "tri.ark"))
    assert converted.keys() == utts.keys()
    for utt, (_, old, keys) in utts.items():
        new = converted[utt]
        np.testing.assert_array_equal(tm.tid2phone[new], mono_tm.tid2phone[old])
        np.testing.assert_array_equal(tm.tid2hmm_state[new], mono_tm.tid2hmm_state[old])
        np.testing.assert_array_equal(tm.tid_is_self_loop[new], mono_tm.tid_is_self_loop[old])
        np.testing.assert_array_equal(tm.tid2pdf[new], [tree.pdf(k[:3], k[3]) for k in keys])


def test_tree_and_alignments_that_do_not_belong_are_refused(tree_system, tmp_path):
    tmp, lang, _, _ = tree_system
    # Alignments of another model (here the triphone ones read as monophone ones) name the utterance.
    with pytest.raises(InputError, match="utterance 'u000'"):
        convert_ali.main([str(tmp / "1.mdl"), str(tmp / "1.mdl"), str(tmp / "ali.ark"), str(tmp_path / "x.ark")])
    assert not (tmp_path / "x.ark").exists()
    # A tree for a lang directory with other phones.
    other_dict = DictDir(lexicon=[E("!SIL", ("SIL",)), E("<UNK>", ("SPN",)), E("A", ("p", "q"))],
                         silence_phones=[["SIL"], ["SPN"]], nonsilence_phones=[["p"], ["q"]], optional_silence="SIL")
    prepare_lang(other_dict, "<UNK>", tmp_path / "lang2")
    with pytest.raises(InputError, match="another lang directory"):
        gmm_init_model.main([str(tmp / "tree"), str(tmp_path / "lang2"), str(tmp / "1.acc"), str(tmp_path / "m")])
    assert not (tmp_path / "m").exists()
