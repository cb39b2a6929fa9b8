"""gmm_init_mono, gmm_acc_stats, gmm_sum_accs and gmm_est on a tiny synthetic system, and their errors."""
import numpy as np
import pytest

from toolkit import cli
from toolkit.bin import gmm_acc_stats, gmm_align, gmm_est, gmm_init_mono, gmm_sum_accs, split_data_dir
from toolkit.features.cmvn import cmvn_stats
from toolkit.features.pipeline import FeatureReader
from toolkit.gmm.accumulate import GmmAccumulator
from toolkit.gmm.model import load_model
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import write_int_vectors, write_matrices
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.lang_dir import prepare_lang, read_lang_dir
from toolkit.lang.lexicon import LexiconEntry as E

DICT = DictDir(
    lexicon=[E("!SIL", ("SIL",)), E("<UNK>", ("SPN",)), E("A", ("x", "y")), E("B", ("y", "z")), E("C", ("z",))],
    silence_phones=[["SIL"], ["SPN"]],
    nonsilence_phones=[["x"], ["y"], ["z"]],
    optional_silence="SIL",
)
RAW = ["--no-cmvn", "--delta-order", "0"]


def linear_alignment(tm, ctx, phones, rng):
    """Transition ids of a left-to-right pass through each phone's states, 4-9 frames per state."""
    tids = []
    for phone in phones:
        states = tm.topology.entry(phone).states
        for i, state in enumerate(states[:-1]):
            pdf = ctx.pdf((phone,), state.pdf_class)
            tstate = tm.tstate(phone, i, pdf, pdf)
            loop = next(k for k, (dest, _) in enumerate(state.transitions) if dest == i)
            forward = next(k for k, (dest, _) in enumerate(state.transitions) if dest == i + 1)
            tids += [tm.tid(tstate, loop)] * int(rng.integers(3, 9)) + [tm.tid(tstate, forward)]
    return np.array(tids)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """A lang dir, a 13-dim data dir (2 speakers x 8 utterances) whose frames come from one
    Gaussian per pdf, and the alignments that generated them."""
    root = tmp_path_factory.mktemp("gmm_steps")
    prepare_lang(DICT, "<UNK>", root / "lang")
    model = root / "0.mdl"
    assert cli.run(gmm_init_mono.main, [*RAW, "--num-utts", "0", str(root / "seed_data"), str(root / "lang"),
                                        str(model)]) == 1  # no data yet: it must fail cleanly
    tm, ctx = _hmm(root / "lang")
    rng = np.random.default_rng(0)
    centers = rng.normal(0, 4, size=(ctx.num_pdfs, 13))
    data = root / "data"
    data.mkdir()
    feats, alis, utt2spk = [], [], []
    for spk in ("s1", "s2"):
        for i in range(8):
            utt = f"{spk}-u{i}"
            phones = rng.choice(tm.topology.phones, size=6)
            tids = linear_alignment(tm, ctx, phones, rng)
            pdfs = tm.tid2pdf[tids]
            x = centers[pdfs] + rng.normal(0, 0.7, size=(len(tids), 13)) + (3.0 if spk == "s2" else 0.0)
            feats.append((utt, x.astype(np.float32)))
            alis.append((utt, tids))
            utt2spk.append(f"{utt} {spk}\n")
    write_matrices(root / "feats.ark", data / "feats.scp", feats)
    write_int_vectors(root / "ali.ark", alis)
    (data / "utt2spk").write_text("".join(utt2spk))
    (data / "spk2utt").write_text("".join(f"{s} {' '.join(f'{s}-u{i}' for i in range(8))}\n" for s in ("s1", "s2")))
    write_matrices(root / "cmvn.ark", data / "cmvn.scp",
                   [(s, sum(cmvn_stats(x) for u, x in feats if u.startswith(s))) for s in ("s1", "s2")])
    assert cli.run(split_data_dir.main, [str(data), "2"]) == 0
    return {"root": root, "lang": root / "lang", "data": data, "ali": root / "ali.ark",
            "feats": dict(feats), "alis": dict(alis)}


def test_acc_stats_through_the_feature_cache(system, tmp_path):
    """The statistics are the same whether a job computes its features, writes them to the cache or reads them."""
    model = tmp_path / "0.mdl"
    assert cli.run(gmm_init_mono.main, ["--delta-order", "2", str(system["data"]), str(system["lang"]),
                                        str(model)]) == 0
    opts = ["--delta-order", "2", str(model), str(system["data"]), str(system["ali"])]
    cache = tmp_path / "feats.cache"
    assert cli.run(gmm_acc_stats.main, [*opts, str(tmp_path / "plain.acc")]) == 0
    for run in ("writes", "reads"):
        assert cli.run(gmm_acc_stats.main, ["--feature-cache", str(cache), *opts, str(tmp_path / f"{run}.acc")]) == 0
        assert cache.is_dir()
        plain, cached = GmmAccumulator.load(tmp_path / "plain.acc"), GmmAccumulator.load(tmp_path / f"{run}.acc")
        np.testing.assert_array_equal(cached.var_acc, plain.var_acc)
        np.testing.assert_array_equal(cached.tid_counts, plain.tid_counts)


def _hmm(lang):
    lang = read_lang_dir(lang)
    ctx = monophone_context(lang.topology, lang.sets)
    return TransitionModel.build(lang.topology, ctx), ctx


def test_init_mono_uses_global_stats(system, tmp_path):
    model = tmp_path / "0.mdl"
    assert cli.run(gmm_init_mono.main, [*RAW, "--num-utts", "0", str(system["data"]), str(system["lang"]),
                                        str(model)]) == 0
    tm, ctx, am = load_model(model)
    ref_tm, ref_ctx = _hmm(system["lang"])
    assert tm == ref_tm and ctx == ref_ctx
    x = np.concatenate(list(system["feats"].values())).astype(np.float64)
    assert (am.num_pdfs, am.num_gauss, am.dim) == (ctx.num_pdfs, ctx.num_pdfs, 13)
    np.testing.assert_allclose(am.means, np.tile(x.mean(0), (am.num_pdfs, 1)), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(am.variances, np.tile(x.var(0), (am.num_pdfs, 1)), rtol=1e-9)

    # Default pipeline: CMN (means) + deltas -> 39 dims, stats of the first --num-utts utterances.
    assert cli.run(gmm_init_mono.main, ["--num-utts", "3", str(system["data"]), str(system["lang"]), str(model)]) == 0
    am = load_model(model)[2]
    reader = FeatureReader(system["data"], delta_order=2)
    y = np.concatenate([reader[u] for u in reader.keys()[:3]]).astype(np.float64)
    assert am.dim == 39
    np.testing.assert_allclose(am.means[0], y.mean(0), rtol=1e-6, atol=1e-6)


def test_acc_sum_est(system, tmp_path):
    model = tmp_path / "0.mdl"
    assert cli.run(gmm_init_mono.main, [*RAW, str(system["data"]), str(system["lang"]), str(model)]) == 0
    split = system["data"] / "split2"
    for j in (1, 2):
        assert cli.run(gmm_acc_stats.main, [*RAW, str(model), str(split / str(j)), str(system["ali"]),
                                            str(tmp_path / f"0.{j}.acc")]) == 0
    assert cli.run(gmm_acc_stats.main, [*RAW, str(model), str(system["data"]), str(system["ali"]),
                                        str(tmp_path / "whole.acc")]) == 0
    assert cli.run(gmm_sum_accs.main, [str(tmp_path / "sum.acc"), str(tmp_path / "0.1.acc"),
                                       str(tmp_path / "0.2.acc")]) == 0
    total, whole = GmmAccumulator.load(tmp_path / "sum.acc"), GmmAccumulator.load(tmp_path / "whole.acc")
    np.testing.assert_allclose(total.var_acc, whole.var_acc, rtol=1e-12)
    tids = np.concatenate(list(system["alis"].values()))
    assert total.tid_counts.tolist() == np.bincount(tids, minlength=total.num_tids + 1).tolist()

    assert cli.run(gmm_est.main, ["--write-occs", str(tmp_path / "occs"), str(model), str(tmp_path / "0.1.acc"),
                                  str(tmp_path / "0.2.acc"), str(tmp_path / "1.mdl")]) == 0
    tm0, _, am0 = load_model(model)
    tm1, _, am1 = load_model(tmp_path / "1.mdl")
    # Transitions: exactly the TransitionModel's own update applied to the alignment counts.
    tm0.update(np.bincount(tids, minlength=tm0.num_tids + 1).astype(float), 5.0, 0.01)
    np.testing.assert_allclose(tm1.log_probs, tm0.log_probs)
    # GMMs: one Gaussian per pdf -> the sample mean of its frames (if it had more than 10).
    x = np.concatenate(list(system["feats"].values())).astype(np.float64)
    pdfs = tm1.tid2pdf[tids]
    occs = np.bincount(pdfs, minlength=am1.num_pdfs)
    for p in range(am1.num_pdfs):
        expected = x[pdfs == p].mean(0) if occs[p] > 10 else am0.means[p]
        np.testing.assert_allclose(am1.means[p], expected, rtol=1e-9, atol=1e-9)
    written = np.array((tmp_path / "occs").read_text().strip(" []\n").split(), dtype=float)
    np.testing.assert_array_equal(written, occs)

    # Mixing up (1.mdl has 0.mdl's Gaussians, so the same statistics fit it).
    assert cli.run(gmm_est.main, ["--mix-up", str(2 * am1.num_pdfs), "--min-count", "5", str(tmp_path / "1.mdl"),
                                  str(tmp_path / "sum.acc"), str(tmp_path / "2.mdl")]) == 0
    am2 = load_model(tmp_path / "2.mdl")[2]
    assert am2.num_gauss == 2 * am1.num_pdfs
    pdf_means = np.stack([am2.weights[am2.pdf_of_gauss == p] @ am2.means[am2.pdf_of_gauss == p]
                          for p in range(am2.num_pdfs)])
    np.testing.assert_allclose(pdf_means, am1.means, atol=1e-9)


def test_errors_name_their_inputs(system, tmp_path, capsys):
    model = tmp_path / "0.mdl"
    assert cli.run(gmm_init_mono.main, [*RAW, str(system["data"]), str(system["lang"]), str(model)]) == 0
    # Features through the default pipeline are 39-dimensional; the model is 13.
    assert cli.run(gmm_acc_stats.main, [str(model), str(system["data"]), str(system["ali"]),
                                        str(tmp_path / "x.acc")]) == 1
    assert "has 13 (do the feature options match" in capsys.readouterr().err
    bad = tmp_path / "bad.mdl"
    bad.write_bytes(model.read_bytes()[:100])
    assert cli.run(gmm_acc_stats.main, [*RAW, str(bad), str(system["data"]), str(system["ali"]),
                                        str(tmp_path / "x.acc")]) == 1
    assert f"gmm_acc_stats: error: {bad}: " in capsys.readouterr().err
    # Alignments for other utterances only: nothing to accumulate.
    write_int_vectors(tmp_path / "other.ark", [("zz-u0", np.array([1, 2, 3]))])
    assert cli.run(gmm_acc_stats.main, [*RAW, str(model), str(system["data"]), str(tmp_path / "other.ark"),
                                        str(tmp_path / "x.acc")]) == 1
    assert "no utterance" in capsys.readouterr().err and not (tmp_path / "x.acc").exists()
    # One alignment too short, one missing: both skipped, the rest used.
    alis = dict(system["alis"])
    alis["s1-u0"] = alis["s1-u0"][:-1]
    del alis["s1-u1"]
    write_int_vectors(tmp_path / "some.ark", sorted(alis.items()))
    assert cli.run(gmm_acc_stats.main, [*RAW, str(model), str(system["data"]), str(tmp_path / "some.ark"),
                                        str(tmp_path / "some.acc")]) == 0
    acc = GmmAccumulator.load(tmp_path / "some.acc")
    assert acc.num_frames == sum(len(v) for k, v in system["alis"].items() if k not in ("s1-u0", "s1-u1"))
    # Out-of-range transition ids name the alignment archive.
    alis["s1-u2"] = np.full(len(alis["s1-u2"]), 10**6)
    write_int_vectors(tmp_path / "range.ark", sorted(alis.items()))
    assert cli.run(gmm_acc_stats.main, [*RAW, str(model), str(system["data"]), str(tmp_path / "range.ark"),
                                        str(tmp_path / "x.acc")]) == 1
    assert f"{tmp_path / 'range.ark'}: utterance 's1-u2'" in capsys.readouterr().err
    # Statistics of another model (39 dims) are refused by gmm_est, naming the statistics file.
    other = tmp_path / "39.mdl"
    assert cli.run(gmm_init_mono.main, [str(system["data"]), str(system["lang"]), str(other)]) == 0
    assert cli.run(gmm_est.main, [str(other), str(tmp_path / "some.acc"), str(tmp_path / "out.mdl")]) == 1
    assert f"gmm_est: error: {tmp_path / 'some.acc'}: " in capsys.readouterr().err


def test_align_boost_silence_options_are_checked(system, tmp_path, capsys):
    model = tmp_path / "0.mdl"
    assert cli.run(gmm_init_mono.main, [*RAW, str(system["data"]), str(system["lang"]), str(model)]) == 0
    rest = [str(model), str(tmp_path / "fsts.ark"), str(system["data"]), str(tmp_path / "ali.ark")]
    assert cli.run(gmm_align.main, [*RAW, "--boost-silence", "1.25", *rest]) == 1
    assert "--boost-silence needs --silence-phones" in capsys.readouterr().err
    assert cli.run(gmm_align.main, [*RAW, "--boost-silence", "-1", "--silence-phones", "1", *rest]) == 1
    assert "--boost-silence must be positive" in capsys.readouterr().err
    assert cli.run(gmm_align.main, [*RAW, "--boost-silence", "2", "--silence-phones", "1:x", *rest]) == 1
    assert "--silence-phones: expected integers" in capsys.readouterr().err
    assert not (tmp_path / "ali.ark").exists()
