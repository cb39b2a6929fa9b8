"""acc_mllt, est_mllt, gmm_transform_means and compose_transforms on a tiny aligned system (LDA+MLLT, tri2).

References: the library on independently computed features, numpy products, the
semi-tied full-covariance density, and the EM bound of one train_lda_mllt iteration.
"""
import subprocess
import sys

import numpy as np
import pytest

from toolkit import cli
from toolkit.bin import acc_mllt, compose_transforms, est_mllt, gmm_transform_means
from toolkit.errors import ToolkitError
from toolkit.features.splice import splice_frames
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.gmm.model import load_model, save_model
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import write_int_vectors, write_matrices
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.lang_dir import prepare_lang, read_lang_dir
from toolkit.lang.lexicon import LexiconEntry as E
from toolkit.transform.affine import apply_transform
from toolkit.transform.mllt import (MlltStats, accumulate_mllt, estimate_mllt, mllt_objective,
                                    sum_mllt_stats)
from toolkit.transform.store import load_global_transform, save_global_transform

DICT = DictDir(
    lexicon=[E("!SIL", ("SIL",)), E("<UNK>", ("SPN",)), E("A", ("x", "y")), E("B", ("y", "z"))],
    silence_phones=[["SIL"], ["SPN"]],
    nonsilence_phones=[["x"], ["y"], ["z"]],
    optional_silence="SIL",
)
RAW_DIM, SPLICE, DIM = 4, 1, 5
FEATS = ["--no-cmvn", "--delta-order", "0", "--splice-left", str(SPLICE), "--splice-right", str(SPLICE)]


def _features(x, mat):
    """The pipeline's features computed here: splice, then the global transform."""
    return apply_transform(splice_frames(x, SPLICE, SPLICE), mat).astype(np.float64)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """Lang, a 2-Gaussian-per-pdf model in the space of a random 'LDA' matrix, 10 aligned utterances of correlated
    4-dim frames (data dir), alignments as two jobs and as one archive."""
    root = tmp_path_factory.mktemp("mllt_steps")
    prepare_lang(DICT, "<UNK>", root / "lang")
    lang = read_lang_dir(root / "lang")
    ctx = monophone_context(lang.topology, lang.sets)
    tm = TransitionModel.build(lang.topology, ctx)
    rng = np.random.default_rng(0)
    lda = rng.standard_normal((DIM, RAW_DIM * (2 * SPLICE + 1)))
    save_global_transform(root / "0.mat", lda)
    centers = rng.normal(0, 3, (tm.num_pdfs, RAW_DIM))
    mix = np.eye(RAW_DIM) + 0.5 * rng.standard_normal((RAW_DIM, RAW_DIM))
    feats, alis = {}, {}
    for i in range(10):
        tids = rng.integers(1, tm.num_tids + 1, 200)
        feats[f"u{i}"] = (centers[tm.tid2pdf[tids]] + rng.standard_normal((200, RAW_DIM)) @ mix).astype(np.float32)
        alis[f"u{i}"] = tids
    data = root / "data"
    data.mkdir()
    write_matrices(root / "feats.ark", data / "feats.scp", feats.items())
    (data / "utt2spk").write_text("".join(f"{u} s\n" for u in feats))
    utts = sorted(feats)
    write_int_vectors(root / "ali.1.ark", [(u, alis[u]) for u in utts[:4]])
    write_int_vectors(root / "ali.2.ark", [(u, alis[u]) for u in utts[4:]])
    write_int_vectors(root / "ali.all.ark", [(u, alis[u]) for u in utts])
    # Diagonal model fitted per pdf in the transformed space: two Gaussians either side of the mean.
    z = np.concatenate([_features(feats[u], lda) for u in utts])
    pdfs = np.concatenate([tm.tid2pdf[alis[u]] for u in utts])
    means, variances = [], []
    for p in range(tm.num_pdfs):
        zp = z[pdfs == p]
        shift = 0.3 * zp.std(0)
        means += [zp.mean(0) - shift, zp.mean(0) + shift]
        variances += [zp.var(0)] * 2
    am = AmDiagGmm.from_variances(np.array(means), np.array(variances), np.full(2 * tm.num_pdfs, 0.5),
                                  np.repeat(np.arange(tm.num_pdfs), 2))
    save_model(root / "0.mdl", tm, ctx, am)
    sil = lang.silence[0]
    weights = np.concatenate([np.where(tm.tid2phone[alis[u]] == sil, 0.0, 1.0) for u in utts])
    return {"root": root, "data": data, "tm": tm, "am": am, "lda": lda, "sil": sil,
            "z": z, "pdfs": pdfs, "weights": weights}


def _acc(system, ali, out, *extra):
    root = system["root"]
    return cli.run(acc_mllt.main, [*FEATS, "--transform", str(root / "0.mat"), "--silence-phones", str(system["sil"]),
                                   *extra, str(root / "0.mdl"), str(system["data"]), str(ali), str(out)])


@pytest.fixture(scope="module")
def job_accs(system):
    root = system["root"]
    accs = [root / "0.1.macc", root / "0.2.macc"]
    for j, acc in enumerate(accs, 1):
        # Each job sees all utterances but has alignments for its own only (the rest are skipped).
        assert _acc(system, root / f"ali.{j}.ark", acc) == 0
    return accs


def test_acc_mllt_jobs_sum_to_one_pass_and_match_the_library(system, job_accs, tmp_path):
    assert _acc(system, system["root"] / "ali.all.ark", tmp_path / "all.macc") == 0
    summed, whole = sum_mllt_stats(job_accs), MlltStats.load(tmp_path / "all.macc")
    np.testing.assert_allclose(summed.G, whole.G, rtol=1e-10)
    assert summed.beta == pytest.approx(whole.beta, rel=1e-12)
    assert summed.log_like == pytest.approx(whole.log_like, rel=1e-10)
    expect = MlltStats(DIM)
    expect.accumulate(system["am"], system["z"], system["pdfs"], system["weights"])
    np.testing.assert_allclose(whole.G, expect.G, rtol=1e-6)
    assert whole.log_like == pytest.approx(expect.log_like, rel=1e-6)
    # Posteriors share each frame's weight: silence frames (weight 0) add nothing.
    assert whole.beta == pytest.approx(system["weights"].sum(), rel=1e-9)
    assert 0 < whole.beta < len(system["weights"])
    assert _acc(system, system["root"] / "ali.all.ark", tmp_path / "half.macc", "--silence-weight", "0.5") == 0
    nonsil = system["weights"].sum()
    half = MlltStats.load(tmp_path / "half.macc")
    assert half.beta == pytest.approx(nonsil + 0.5 * (len(system["weights"]) - nonsil))


def test_accumulate_mllt_does_not_depend_on_chunking(system):
    z, pdfs, w = system["z"], system["pdfs"], system["weights"]
    utts = [(z[s:s + 200], pdfs[s:s + 200], w[s:s + 200]) for s in range(0, len(z), 200)]
    small, big = accumulate_mllt(system["am"], utts, chunk_frames=150), accumulate_mllt(system["am"], utts)
    np.testing.assert_allclose(small.G, big.G, rtol=1e-10)
    assert small.beta == pytest.approx(big.beta) and small.log_like == pytest.approx(big.log_like)
    with pytest.raises(ToolkitError, match="3 frames, 2 pdf labels"):
        accumulate_mllt(system["am"], [(z[:3], pdfs[:2], w[:3])])


def test_rand_prune_keeps_the_statistics_unbiased(system):
    z, pdfs, w = system["z"], system["pdfs"], system["weights"]
    utts = [(z, pdfs, w)]
    whole = accumulate_mllt(system["am"], utts)
    draws = [accumulate_mllt(system["am"], utts, prune=4.0, seed=s) for s in range(40)]
    assert all(d.beta != whole.beta for d in draws)
    assert draws[0].log_like == pytest.approx(whole.log_like)  # the likelihood is of every frame
    mean_g = np.mean([d.G for d in draws], axis=0)
    # averaged over draws the pruned statistics approach the exact ones (40 draws of ~1/4 of the entries)
    assert np.linalg.norm(mean_g - whole.G) < 0.03 * np.linalg.norm(whole.G)
    assert np.mean([d.beta for d in draws]) == pytest.approx(whole.beta, rel=0.02)
    np.testing.assert_array_equal(accumulate_mllt(system["am"], utts, prune=4.0, seed=0).G, draws[0].G)


def test_est_mllt_raises_the_objective(system, job_accs, tmp_path, capsys):
    assert cli.run(est_mllt.main, [str(tmp_path / "a.mat"), *map(str, job_accs)]) == 0
    assert cli.run(est_mllt.main, ["--num-iters", "1", str(tmp_path / "a1.mat"), *map(str, job_accs)]) == 0
    stats = sum_mllt_stats(job_accs)
    a, a1 = load_global_transform(tmp_path / "a.mat"), load_global_transform(tmp_path / "a1.mat")
    np.testing.assert_allclose(a, estimate_mllt(stats).matrix, rtol=1e-9, atol=1e-12)
    q_id, q1, q = (mllt_objective(stats, m) for m in (np.eye(DIM), a1, a))
    assert q_id < q1 <= q + 1e-9 * abs(q)
    assert (q - q_id) / stats.beta > 0.01  # the spliced, projected dimensions are correlated


def test_compose_transforms_is_the_matrix_product(tmp_path):
    rng = np.random.default_rng(1)
    a_lin, a0 = rng.standard_normal((3, 5)), rng.standard_normal(3)
    b_lin, b0 = rng.standard_normal((5, 7)), rng.standard_normal(5)
    cases = [  # (A, B, --b-is-affine, A after B by numpy)
        (a_lin, b_lin, False, a_lin @ b_lin),
        (np.c_[a_lin, a0], b_lin, False, np.c_[a_lin @ b_lin, a0]),
        (a_lin, np.c_[b_lin, b0], True, np.c_[a_lin @ b_lin, a_lin @ b0]),
        (np.c_[a_lin, a0], np.c_[b_lin, b0], True, np.c_[a_lin @ b_lin, a_lin @ b0 + a0]),
    ]
    x = rng.standard_normal((20, 7)).astype(np.float32)
    for i, (a, b, b_is_affine, expect) in enumerate(cases):
        save_global_transform(tmp_path / "a.mat", a)
        save_global_transform(tmp_path / "b.mat", b)
        flags = ["--b-is-affine"] if b_is_affine else []
        assert cli.run(compose_transforms.main, [*flags, str(tmp_path / "a.mat"), str(tmp_path / "b.mat"),
                                                 str(tmp_path / f"c{i}.mat")]) == 0
        c = load_global_transform(tmp_path / f"c{i}.mat")
        np.testing.assert_allclose(c, expect, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(apply_transform(x, c), apply_transform(apply_transform(x, b), a), atol=1e-4)


def test_transformed_means_give_the_semi_tied_model(system, tmp_path):
    """log N(A x; A mu, S) + log|det A| = log N(x; mu, (A^T S^-1 A)^-1): the model stays a semi-tied one."""
    root, am = system["root"], system["am"]
    rng = np.random.default_rng(2)
    a = np.eye(DIM) + 0.3 * rng.standard_normal((DIM, DIM))
    save_global_transform(tmp_path / "a.mat", a)
    (tmp_path / "m.mdl").write_bytes((root / "0.mdl").read_bytes())
    # In place, as train_lda_mllt.sh does.
    assert cli.run(gmm_transform_means.main, [str(tmp_path / "a.mat"), str(tmp_path / "m.mdl"),
                                              str(tmp_path / "m.mdl")]) == 0
    tm, _, new = load_model(tmp_path / "m.mdl")
    assert tm == system["tm"]
    np.testing.assert_allclose(new.means, am.means @ a.T, rtol=1e-12)
    np.testing.assert_array_equal(new.inv_vars, am.inv_vars)
    np.testing.assert_array_equal(new.log_weights, am.log_weights)
    x = system["z"][:50]
    got = new.gauss_log_likelihoods(x @ a.T).T + np.linalg.slogdet(a)[1]  # (T, G)
    for g in range(0, am.num_gauss, 7):
        prec = a.T @ np.diag(am.inv_vars[g]) @ a
        d = x - am.means[g]
        direct = (am.log_weights[g] - 0.5 * DIM * np.log(2 * np.pi) + 0.5 * np.linalg.slogdet(prec)[1]
                  - 0.5 * np.einsum("ti,ij,tj->t", d, prec, d))
        np.testing.assert_allclose(got[:, g], direct, rtol=1e-5, atol=1e-3)
    # An affine matrix adds its offset.
    m = np.c_[a, rng.standard_normal(DIM)]
    save_global_transform(tmp_path / "m.mat", m)
    assert cli.run(gmm_transform_means.main, [str(tmp_path / "m.mat"), str(root / "0.mdl"),
                                              str(tmp_path / "aff.mdl")]) == 0
    np.testing.assert_allclose(load_model(tmp_path / "aff.mdl")[2].means, am.means @ a.T + m[:, -1], rtol=1e-12)


def test_one_lda_mllt_iteration_raises_the_likelihood(system, job_accs, tmp_path):
    """acc, est, transform means, compose, acc again (train_lda_mllt.sh): by EM, the likelihood of the
    original features (with the Jacobian log|det A|) rises by at least the auxiliary improvement."""
    root = system["root"]
    assert cli.run(est_mllt.main, [str(tmp_path / "a.mat"), *map(str, job_accs)]) == 0
    assert cli.run(gmm_transform_means.main, [str(tmp_path / "a.mat"), str(root / "0.mdl"),
                                              str(tmp_path / "1.mdl")]) == 0
    assert cli.run(compose_transforms.main, [str(tmp_path / "a.mat"), str(root / "0.mat"),
                                             str(tmp_path / "1.mat")]) == 0
    assert cli.run(acc_mllt.main, [*FEATS, "--transform", str(tmp_path / "1.mat"), "--silence-phones",
                                   str(system["sil"]), str(tmp_path / "1.mdl"), str(system["data"]),
                                   str(root / "ali.all.ark"), str(tmp_path / "1.macc")]) == 0
    before, after = sum_mllt_stats(job_accs), MlltStats.load(tmp_path / "1.macc")
    a = load_global_transform(tmp_path / "a.mat")
    assert after.beta == pytest.approx(before.beta, rel=1e-9)
    gain = after.log_like + after.beta * np.linalg.slogdet(a)[1] - before.log_like
    impr = mllt_objective(before, a) - mllt_objective(before, np.eye(DIM))
    assert gain >= impr - 1e-4 * abs(before.log_like), (gain, impr)
    assert impr > 0


def test_bad_inputs_fail_cleanly(system, job_accs, tmp_path, capsys):
    root = system["root"]
    save_global_transform(tmp_path / "small.mat", np.eye(DIM - 1))
    out = tmp_path / "out.mdl"
    assert cli.run(gmm_transform_means.main, [str(tmp_path / "small.mat"), str(root / "0.mdl"), str(out)]) == 1
    err = capsys.readouterr().err
    assert "small.mat" in err and "0.mdl" in err and "dimension 5" in err
    assert not out.exists()
    assert cli.run(compose_transforms.main, [str(tmp_path / "small.mat"), str(root / "0.mat"),
                                             str(tmp_path / "c.mat")]) == 1
    err = capsys.readouterr().err
    assert "small.mat" in err and "0.mat" in err
    assert not (tmp_path / "c.mat").exists()
    assert cli.run(est_mllt.main, [str(tmp_path / "a.mat"), str(job_accs[0]), str(tmp_path / "missing.macc")]) == 1
    assert "missing.macc" in capsys.readouterr().err
    MlltStats(3).save(tmp_path / "three.macc")
    assert cli.run(est_mllt.main, [str(tmp_path / "a.mat"), str(job_accs[0]), str(tmp_path / "three.macc")]) == 1
    assert "three.macc" in capsys.readouterr().err
    assert not (tmp_path / "a.mat").exists()
    # Without --transform the features (12-dim spliced) do not fit the 5-dim model.
    assert cli.run(acc_mllt.main, [*FEATS, str(root / "0.mdl"), str(system["data"]), str(root / "ali.1.ark"),
                                   str(tmp_path / "x.macc")]) == 1
    assert "0.mdl has 5" in capsys.readouterr().err
    write_int_vectors(tmp_path / "other.ark", [("nobody", np.array([1, 2]))])
    assert _acc(system, tmp_path / "other.ark", tmp_path / "x.macc") == 1
    assert "no utterance" in capsys.readouterr().err
    assert not (tmp_path / "x.macc").exists()


def test_steps_do_not_import_torch():
    """They run as many short processes (as the GMM steps do): torch would add about 2 s to each."""
    steps = ["acc_mllt", "est_mllt", "gmm_transform_means", "compose_transforms"]
    code = "; ".join(f"import toolkit.bin.{s}" for s in steps) + "; import sys; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
