"""The fMLLR steps on a synthetic system whose speakers' features are known affine maps of the model's:
est_fmllr, the alignment model's statistics (gmm_acc_stats --posterior-speaker-transforms), the
best-path alignments of gmm_decode, and decode_fmllr.sh end to end."""
import json
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from toolkit import cli
from toolkit.bin import est_fmllr, gmm_acc_stats, gmm_decode, gmm_est, make_graph
from toolkit.decode.decoder import best_path_at, decode_lattice, lattice_best_path
from toolkit.gmm.accumulate import GmmAccumulator
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.gmm.model import load_model, save_model
from toolkit.graph.training_graphs import TrainingGraphCompiler
from toolkit.hmm.alignment import equal_alignment, split_to_phones
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import read_int_vectors, write_int_vectors, write_matrices
from toolkit.io.fst import read_fst, write_fst
from toolkit.io.table import read_table
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.grammar import make_word_loop_grammar
from toolkit.lang.lang_dir import prepare_lang, read_lang_dir
from toolkit.lang.lexicon import LexiconEntry as E
from toolkit.transform.affine import apply_transform, compose_transforms, invert_affine
from toolkit.transform.fmllr import identity_transform
from toolkit.transform.gauss_stats import aligned_posteriors
from toolkit.transform.store import read_transforms, write_transforms

ROOT = Path(__file__).resolve().parents[2]
DICT = DictDir(
    lexicon=[E("!SIL", ("SIL",)), E("<UNK>", ("SPN",)), E("A", ("x", "y")), E("B", ("y", "z")), E("C", ("z",))],
    silence_phones=[["SIL"], ["SPN"]],
    nonsilence_phones=[["x"], ["y"], ["z"]],
    optional_silence="SIL",
)
RAW = ["--no-cmvn", "--delta-order", "0"]
DIM = 5
# Utterances per speaker; s3 has too few frames for fMLLR (< 500).
SPEAKERS = {"s1": 20, "s2": 20, "s3": 2}


def _sample(am: AmDiagGmm, pdfs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(T, D) frames drawn from the mixtures of `pdfs (T,)`."""
    gauss = np.empty(len(pdfs), dtype=np.int64)
    for t, p in enumerate(pdfs):
        first, end = am.offsets[p], am.offsets[p + 1]
        gauss[t] = first + rng.choice(end - first, p=am.weights[first:end])
    return am.means[gauss] + rng.standard_normal((len(pdfs), am.dim)) * np.sqrt(am.variances[gauss])


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """exp/final.mdl (2 Gaussians per pdf), data/ (features of each speaker distorted by a known affine map
    `applied[spk]`, true alignments in ali.ark), lang_test with a word loop and exp/graph."""
    root = tmp_path_factory.mktemp("fmllr_steps")
    prepare_lang(DICT, "<UNK>", root / "lang")
    lang = read_lang_dir(root / "lang")
    write_fst(make_word_loop_grammar(["A", "B", "C"], lang.words), root / "lang" / "G.fst")
    ctx = monophone_context(lang.topology, lang.sets)
    tm = TransitionModel.build(lang.topology, ctx)
    rng = np.random.default_rng(0)
    num_pdfs = ctx.num_pdfs
    pdf_of_gauss = np.repeat(np.arange(num_pdfs), 2)
    am = AmDiagGmm.from_variances(rng.normal(0, 3, (2 * num_pdfs, DIM)), rng.uniform(0.3, 1.0, (2 * num_pdfs, DIM)),
                                  np.concatenate([rng.dirichlet([5, 5]) for _ in range(num_pdfs)]), pdf_of_gauss,
                                  num_pdfs)
    exp = root / "exp"
    exp.mkdir()
    save_model(exp / "final.mdl", tm, ctx, am)
    (exp / "feat_opts").write_text(" ".join(RAW) + "\n")
    assert cli.run(make_graph.main, [str(root / "lang"), str(exp), str(exp / "graph")]) == 0

    compiler = TrainingGraphCompiler(tm, ctx, read_fst(lang.L), lang.disambig)
    data = root / "data"
    data.mkdir()
    feats, clean, alis, texts, utt2spk, applied = [], {}, [], [], [], {}
    for spk, n in SPEAKERS.items():
        m = np.eye(DIM) + 0.4 * rng.standard_normal((DIM, DIM))
        applied[spk] = np.concatenate([m, rng.normal(0, 1.5, (DIM, 1))], 1)
        for i in range(n):
            utt = f"{spk}-u{i:02d}"
            words = list(rng.choice(["A", "B", "C"], size=3))
            ali = equal_alignment(compiler.compile(lang.words.ids(words)), int(rng.integers(100, 140)), seed=i)
            x = _sample(am, tm.tid2pdf[ali], rng)
            clean[utt] = x
            feats.append((utt, apply_transform(x, applied[spk])))
            alis.append((utt, ali))
            texts.append(f"{utt} {' '.join(words)}\n")
            utt2spk.append(f"{utt} {spk}\n")
    write_matrices(root / "feats.ark", data / "feats.scp", feats)
    write_int_vectors(root / "ali.ark", alis)
    (data / "text").write_text("".join(texts))
    (data / "utt2spk").write_text("".join(utt2spk))
    (data / "spk2utt").write_text("".join(f"{s} {' '.join(f'{s}-u{i:02d}' for i in range(n))}\n"
                                          for s, n in SPEAKERS.items()))
    return {"root": root, "exp": exp, "data": data, "ali": root / "ali.ark", "tm": tm, "am": am,
            "lang": lang, "silence": (root / "lang/phones/silence.csl").read_text().strip(),
            "feats": dict(feats), "clean": clean, "alis": dict(alis), "applied": applied}


def _speaker_frames(system, spk, transform=None):
    """(frames, pdfs) of all of a speaker's utterances, through `transform` if given."""
    utts = [u for u in system["feats"] if u.startswith(spk + "-")]
    x = np.concatenate([system["feats"][u] for u in utts]).astype(np.float64)
    pdfs = system["tm"].tid2pdf[np.concatenate([system["alis"][u] for u in utts])]
    return (x if transform is None else apply_transform(x, transform).astype(np.float64)), pdfs


def _log_like(system, spk, w):
    """Log-likelihood of the speaker's aligned frames through `w`, with the Jacobian log|det A| per frame."""
    x, pdfs = _speaker_frames(system, spk, w)
    return aligned_posteriors(system["am"], x, pdfs).log_like + len(x) * np.linalg.slogdet(w[:, :DIM])[1]


def _error(w, spk, system):
    """(largest difference from the inverse of the speaker's distortion, RMS distance of the adapted
    frames from the undistorted ones)."""
    clean = np.concatenate([x for u, x in system["clean"].items() if u.startswith(spk + "-")])
    adapted = _speaker_frames(system, spk, w)[0]
    return np.abs(w - invert_affine(system["applied"][spk])).max(), np.sqrt(((adapted - clean) ** 2).mean())


def _est(system, out, *options):
    args = [*RAW, *options, "--silence-phones", system["silence"], str(system["exp"] / "final.mdl"),
            str(system["data"]), str(system["ali"]), str(out)]
    assert cli.run(est_fmllr.main, args) == 0
    return read_transforms(out)


def test_est_fmllr_undoes_the_distortion(system, tmp_path, capsys):
    trans = _est(system, tmp_path / "trans.ark", "--write-timing", str(tmp_path / "timing.json"))
    log = capsys.readouterr().err
    assert sorted(trans) == ["s1", "s2", "s3"]
    for spk in ("s1", "s2"):
        w = trans[spk]
        # One pass takes its Gaussian posteriors from the distorted frames: close, not exact (see below).
        error, unadapted = _error(w, spk, system), _error(identity_transform(DIM), spk, system)
        assert error[0] < 0.25 * unadapted[0] and error[1] < 0.25 * unadapted[1]
        frames = len(_speaker_frames(system, spk)[0])
        assert _log_like(system, spk, w) > _log_like(system, spk, identity_transform(DIM)) + 1.0 * frames
    np.testing.assert_array_equal(trans["s3"], identity_transform(DIM))  # below --fmllr-min-count
    # Silence frames have weight 0: each speaker's count is its frames of non-silence phones.
    sil = [int(p) for p in system["silence"].split(":")]
    tm = system["tm"]
    nonsil = sum(int(np.sum(~np.isin(tm.tid2phone[a], sil))) for u, a in system["alis"].items() if u < "s2")
    assert re.search(rf"speaker s1: auxf improvement per frame \d+\.\d+ over {nonsil}\.0 frames", log)
    assert "1 of 3 speakers have fewer than 500 frames and keep the identity: s3 (" in log
    timing = json.loads((tmp_path / "timing.json").read_text())
    assert timing["utterances"] == sum(SPEAKERS.values()) and timing["decode_seconds"] > 0


def test_est_fmllr_composes_with_the_previous_transforms(system, tmp_path):
    """A second estimate on the adapted features (posteriors now from nearly undistorted frames)
    is composed after the first: the result maps the raw features, closer to the truth."""
    first = _est(system, tmp_path / "first.ark")
    first["s3"] = np.concatenate([2.0 * np.eye(DIM), np.ones((DIM, 1))], 1)
    write_transforms(tmp_path / "old.ark", first)
    second = _est(system, tmp_path / "second.ark", "--speaker-transforms", str(tmp_path / "old.ark"))
    for spk in ("s1", "s2"):
        error, before = _error(second[spk], spk, system), _error(first[spk], spk, system)
        assert error[0] < 0.5 * before[0] and error[1] < 0.5 * before[1]
        assert _log_like(system, spk, second[spk]) > _log_like(system, spk, first[spk])
        new_only = compose_transforms(second[spk], invert_affine(first[spk]), b_is_affine=True)
        assert _error(new_only, spk, system)[1] > 2 * before[1]  # so an uncomposed result would have failed
    np.testing.assert_allclose(second["s3"], first["s3"], atol=1e-12)  # too few frames: the old one stays


def test_est_fmllr_bad_inputs(system, tmp_path, capsys):
    common = [str(system["exp"] / "final.mdl"), str(system["data"]), str(system["ali"]), str(tmp_path / "t.ark")]
    write_transforms(tmp_path / "part.ark", {"s1": identity_transform(DIM)})
    assert cli.run(est_fmllr.main, [*RAW, "--speaker-transforms", str(tmp_path / "part.ark"), *common]) == 1
    assert "no transform for speaker 's2'" in capsys.readouterr().err
    assert cli.run(est_fmllr.main, [*RAW, "--silence-phones", "1:x", *common]) == 1
    assert "--silence-phones" in capsys.readouterr().err
    write_int_vectors(tmp_path / "none.ark", [("nobody", np.array([1, 2]))])
    assert cli.run(est_fmllr.main, [*RAW, *common[:2], str(tmp_path / "none.ark"), common[3]]) == 1
    assert "no utterance" in capsys.readouterr().err
    assert not (tmp_path / "t.ark").exists()


def test_twofeats_statistics(system, tmp_path):
    model, data, ali = str(system["exp"] / "final.mdl"), str(system["data"]), str(system["ali"])
    write_transforms(tmp_path / "identity.ark", {spk: identity_transform(DIM) for spk in SPEAKERS})
    assert cli.run(gmm_acc_stats.main, [*RAW, model, data, ali, str(tmp_path / "plain.acc")]) == 0
    assert cli.run(gmm_acc_stats.main, [*RAW, "--posterior-speaker-transforms", str(tmp_path / "identity.ark"),
                                        model, data, ali, str(tmp_path / "ident.acc")]) == 0
    plain, ident = GmmAccumulator.load(tmp_path / "plain.acc"), GmmAccumulator.load(tmp_path / "ident.acc")
    for a in ("occupancy", "mean_acc", "var_acc", "tid_counts"):
        np.testing.assert_allclose(getattr(ident, a), getattr(plain, a), rtol=1e-12, atol=1e-12)
    assert ident.tot_like == pytest.approx(plain.tot_like, rel=1e-12) and ident.num_frames == plain.num_frames

    # Posteriors from the adapted features, sums of the unadapted ones: against the sparse posteriors.
    assert cli.run(est_fmllr.main, [*RAW, model, data, ali, str(tmp_path / "trans.ark")]) == 0
    trans = read_transforms(tmp_path / "trans.ark")
    assert cli.run(gmm_acc_stats.main, [*RAW, "--posterior-speaker-transforms", str(tmp_path / "trans.ark"),
                                        model, data, ali, str(tmp_path / "two.acc")]) == 0
    two = GmmAccumulator.load(tmp_path / "two.acc")
    am = system["am"]
    occ, mean_acc, tot_like = np.zeros(am.num_gauss), np.zeros((am.num_gauss, DIM)), 0.0
    for spk in SPEAKERS:
        x, pdfs = _speaker_frames(system, spk)
        post = aligned_posteriors(am, apply_transform(x, trans[spk]), pdfs)
        np.add.at(occ, post.gauss, post.post)
        np.add.at(mean_acc, post.gauss, post.post[:, None] * x[post.frames])
        tot_like += post.log_like
    np.testing.assert_allclose(two.occupancy, occ, rtol=1e-9)
    np.testing.assert_allclose(two.mean_acc, mean_acc, rtol=1e-9, atol=1e-9)
    assert two.tot_like == pytest.approx(tot_like, rel=1e-9)

    # The alignment model keeps every Gaussian and fits the unadapted features better than the model.
    assert cli.run(gmm_est.main, ["--no-remove-low-count-gaussians", model, str(tmp_path / "two.acc"),
                                  str(tmp_path / "final.alimdl")]) == 0
    alimdl = load_model(tmp_path / "final.alimdl")[2]
    assert alimdl.num_gauss == am.num_gauss
    x, pdfs = np.concatenate([_speaker_frames(system, s)[0] for s in SPEAKERS]), \
        np.concatenate([_speaker_frames(system, s)[1] for s in SPEAKERS])
    assert aligned_posteriors(alimdl, x, pdfs).log_like > aligned_posteriors(am, x, pdfs).log_like + 0.5 * len(x)


def test_lattice_best_path_is_the_grid_point_at_the_decoding_scale(system):
    tm, am = system["tm"], system["am"]
    hclg = read_fst(system["exp"] / "graph" / "HCLG.fst")
    rng = np.random.default_rng(3)
    for utt in sorted(system["feats"])[:6]:
        x = system["feats"][utt] + rng.normal(0, 1.5, system["feats"][utt].shape)  # many competing paths
        lattice, _ = decode_lattice(hclg, am.log_likelihoods(x.astype(np.float32)), tm, acoustic_scale=0.1,
                                    lattice_beam=8.0)
        fast, grid = lattice_best_path(lattice, 0.1), best_path_at(lattice, 10.0)
        assert fast.words == grid.words and np.array_equal(fast.alignment, grid.alignment)
        assert fast.graph_cost == pytest.approx(grid.graph_cost, abs=1e-3)
        assert fast.acoustic_cost == pytest.approx(grid.acoustic_cost, rel=1e-5)


def test_decode_writes_best_path_alignments(system, tmp_path):
    model, graph, data = str(system["exp"] / "final.mdl"), str(system["exp"] / "graph"), str(system["data"])
    (tmp_path / "earlier.json").write_text(json.dumps({"decode_seconds": 100.0}))
    assert cli.run(gmm_decode.main, [*RAW, "--acoustic-scale", "0.1", "--lm-weights", "10 12",
                                     "--word-ins-penalties", "0", "--write-alignments", str(tmp_path / "ali.ark"),
                                     "--add-timing", str(tmp_path / "earlier.json"),
                                     model, graph, data, str(tmp_path / "hyp")]) == 0
    alis = dict(read_int_vectors(tmp_path / "ali.ark"))
    assert sorted(alis) == sorted(system["feats"])
    hyps = read_table(tmp_path / "hyp" / "10_0.txt")
    lang, tm = system["lang"], system["tm"]
    lexicon = {int(r.split()[0]): [int(p) for p in r.split()[2:]]
               for r in (Path(graph) / "phones/align_lexicon.int").read_text().splitlines()}
    silence = set(lang.silence)
    for utt, ali in alis.items():
        assert len(ali) == len(system["feats"][utt])
        # The alignment's phones are the pronunciations of the hypothesis at LM weight 1 / acoustic scale.
        phones = [seg.phone for seg in split_to_phones(tm, ali) if seg.phone not in silence]
        expected = [p for w in lang.words.ids(hyps[utt].split()) for p in lexicon[w]]
        assert phones == expected, utt
    timing = json.loads((tmp_path / "hyp" / "timing.json").read_text())
    assert timing["decode_seconds"] == pytest.approx(100.0 + timing["pass_seconds"])
    assert timing["earlier"] == {str(tmp_path / "earlier.json"): 100.0}


def test_decode_fmllr_script(system, tmp_path):
    """decode_fmllr.sh end to end with two estimations: the SI pass with final.alimdl, fMLLR from its
    best paths, an adapted pass (.fmllr1), fMLLR again composed with the first, the final pass."""
    exp = tmp_path / "exp"
    exp.mkdir()
    for f in ("final.mdl", "feat_opts"):
        os.symlink(system["exp"] / f, exp / f)
    os.symlink(system["exp"] / "final.mdl", exp / "final.alimdl")

    def run(cmd):
        return subprocess.run(["bash", "-c", f". {ROOT}/path.sh; {cmd}"], cwd=tmp_path, capture_output=True, text=True)

    proc = run(f"decode_fmllr.sh --nj 2 --acwt 0.1 --lm-weights '8 10' --word-ins-penalties 0 --fmllr-passes 2 "
               f"--silence-weight 0.0 {system['exp'] / 'graph'} {system['data']} {exp / 'decode_dev'}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    errors = {d: json.loads((exp / d / "scoring.json").read_text())["errors"]
              for d in ("decode_dev.si", "decode_dev.fmllr1", "decode_dev")}
    assert errors["decode_dev.fmllr1"] < errors["decode_dev.si"] and errors["decode_dev"] < errors["decode_dev.si"]
    for d, limit in (("decode_dev.fmllr1", 0.5), ("decode_dev", 0.25)):  # the second estimate gets closer
        trans = read_transforms(sorted((exp / d).glob("trans.*.ark")))
        assert sorted(trans) == ["s1", "s2", "s3"]
        for spk in ("s1", "s2"):
            assert _error(trans[spk], spk, system)[1] < limit * _error(identity_transform(DIM), spk, system)[1]
    # The real-time factor of the adapted decoding counts every pass and estimation.
    for job in (1, 2):
        t = [json.loads((exp / f"{d}/hyp.{job}/timing.json").read_text())
             for d in ("decode_dev.si", "decode_dev.fmllr1", "decode_dev")]
        assert t[2]["decode_seconds"] > t[2]["pass_seconds"] + t[1]["decode_seconds"] > t[1]["pass_seconds"] + \
            t[0]["decode_seconds"]
    # Kaldi's rule: as many jobs as transform archives.
    proc = run(f"decode.sh --nj 1 --transform-dir {exp / 'decode_dev'} {system['exp'] / 'graph'} {system['data']} "
               f"{exp / 'decode_x'}")
    assert proc.returncode != 0 and "has 2 transform archives (trans.JOB.ark)" in proc.stderr


def test_decode_lm_weight_range(system, tmp_path):
    """decode.sh's grid is --min-lmwt..--max-lmwt (Kaldi's scoring options); an empty range is refused."""
    exp = tmp_path / "exp"
    exp.mkdir()
    for f in ("final.mdl", "feat_opts"):
        os.symlink(system["exp"] / f, exp / f)

    def run(opts, out):
        return subprocess.run(["bash", "-c", f". {ROOT}/path.sh; decode.sh --nj 1 --acwt 0.1 {opts} "
                               f"{system['exp'] / 'graph'} {system['data']} {exp / out}"],
                              cwd=tmp_path, capture_output=True, text=True)

    proc = run("--min-lmwt 9 --max-lmwt 11 --word-ins-penalties 0", "decode_dev")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    assert json.loads((exp / "decode_dev" / "scoring.json").read_text())["settings"] == ["9_0", "10_0", "11_0"]
    proc = run("--min-lmwt 12 --max-lmwt 10", "decode_bad")
    assert proc.returncode != 0 and "--min-lmwt 12 --max-lmwt 10: an empty range of LM weights" in proc.stderr
