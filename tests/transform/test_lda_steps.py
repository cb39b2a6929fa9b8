"""acc_lda and est_lda on a tiny aligned monophone system, checked against the library on the same frames."""
import numpy as np
import pytest

from toolkit import cli
from toolkit.bin import acc_lda, est_lda, gmm_init_mono
from toolkit.features.splice import splice_frames
from toolkit.gmm.model import load_model
from toolkit.io.archive import write_int_vectors, write_matrices
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.lang_dir import prepare_lang
from toolkit.lang.lexicon import LexiconEntry as E
from toolkit.transform.lda import LdaStats, estimate_lda
from toolkit.transform.store import load_global_transform

DICT = DictDir(
    lexicon=[E("!SIL", ("SIL",)), E("<UNK>", ("SPN",)), E("A", ("x", "y")), E("B", ("y", "z"))],
    silence_phones=[["SIL"], ["SPN"]],
    nonsilence_phones=[["x"], ["y"], ["z"]],
    optional_silence="SIL",
)
RAW = ["--no-cmvn", "--delta-order", "0"]


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """A monophone model, 10 utterances of 13-dim frames drawn per pdf, and their alignments."""
    root = tmp_path_factory.mktemp("lda_steps")
    prepare_lang(DICT, "<UNK>", root / "lang")
    rng = np.random.default_rng(0)
    data = root / "data"
    data.mkdir()
    write_matrices(root / "seed.ark", data / "feats.scp", [("u0", rng.standard_normal((50, 13)).astype(np.float32))])
    (data / "utt2spk").write_text("u0 s\n")
    assert cli.run(gmm_init_mono.main, [*RAW, str(data), str(root / "lang"), str(root / "0.mdl")]) == 0
    tm, _, _ = load_model(root / "0.mdl")
    # Every transition id of a phone's states for a few frames each: any sequence will do for LDA.
    centers = rng.normal(0, 3, (tm.num_pdfs, 13))
    feats, alis = [], []
    for i in range(10):
        tids = rng.integers(1, tm.num_tids + 1, 300)
        x = centers[tm.tid2pdf[tids]] + rng.standard_normal((300, 13))
        feats.append((f"u{i}", x.astype(np.float32)))
        alis.append((f"u{i}", tids))
    write_matrices(root / "feats.ark", data / "feats.scp", feats)
    (data / "utt2spk").write_text("".join(f"u{i} s\n" for i in range(10)))
    write_int_vectors(root / "ali.1.ark", alis[:4])
    write_int_vectors(root / "ali.2.ark", alis[4:])
    return {"root": root, "data": data, "tm": tm, "feats": dict(feats), "alis": dict(alis)}


def test_acc_and_est_match_the_library(system, tmp_path):
    root, tm = system["root"], system["tm"]
    sil = tm.tid2phone[1]  # the first phone (SIL) is a silence phone
    accs = []
    for j in (1, 2):
        accs.append(tmp_path / f"lda.{j}.acc")
        # Each job sees all utterances but has alignments for its own only (the rest are skipped).
        assert cli.run(acc_lda.main, [*RAW, "--splice-left", "1", "--splice-right", "1", "--silence-phones", str(sil),
                                      str(root / "0.mdl"), str(system["data"]), str(root / f"ali.{j}.ark"),
                                      str(accs[-1])]) == 0
    assert cli.run(est_lda.main, ["--dim", "6", str(tmp_path / "0.mat"), *map(str, accs)]) == 0
    expect = LdaStats(tm.num_pdfs, 39)
    for utt, x in system["feats"].items():
        tids = system["alis"][utt]
        expect.accumulate(splice_frames(x, 1, 1), tm.tid2pdf[tids], (tm.tid2phone[tids] != sil).astype(float))
    m = load_global_transform(tmp_path / "0.mat")
    np.testing.assert_allclose(m, estimate_lda(expect, 6).matrix, rtol=1e-6, atol=1e-8)
    assert LdaStats.load(accs[0]).total_count + LdaStats.load(accs[1]).total_count == expect.total_count


def test_rand_prune_samples_frames_at_the_threshold(system, tmp_path):
    root = system["root"]
    args = [*RAW, str(root / "0.mdl"), str(system["data"]), str(root / "ali.1.ark")]
    assert cli.run(acc_lda.main, [*args, str(tmp_path / "all.acc")]) == 0
    assert cli.run(acc_lda.main, ["--rand-prune", "4", "--seed", "3", *args, str(tmp_path / "p.acc")]) == 0
    assert cli.run(acc_lda.main, ["--rand-prune", "4", "--seed", "3", *args, str(tmp_path / "p2.acc")]) == 0
    whole, pruned = LdaStats.load(tmp_path / "all.acc"), LdaStats.load(tmp_path / "p.acc")
    # every count is a multiple of 4 (kept frames weigh 4), about a quarter of the frames are kept
    np.testing.assert_array_equal(pruned.counts % 4, 0)
    assert abs(pruned.total_count - whole.total_count) < 4 * 3 * np.sqrt(whole.total_count * 0.25 * 0.75)
    assert pruned.total_count != whole.total_count
    np.testing.assert_array_equal(LdaStats.load(tmp_path / "p2.acc").scatter, pruned.scatter)  # same seed, same draws


def test_bad_inputs_fail_cleanly(system, tmp_path, capsys):
    root = system["root"]
    args = [*RAW, str(root / "0.mdl"), str(system["data"])]
    assert cli.run(acc_lda.main, ["--silence-phones", "999", *args, str(root / "ali.1.ark"), str(tmp_path / "a")]) == 1
    assert "phone 999" in capsys.readouterr().err
    write_int_vectors(tmp_path / "other.ark", [("nobody", np.array([1, 2]))])
    assert cli.run(acc_lda.main, [*args, str(tmp_path / "other.ark"), str(tmp_path / "a")]) == 1
    assert "no utterance" in capsys.readouterr().err
    assert cli.run(est_lda.main, ["--dim", "6", str(tmp_path / "0.mat"), str(tmp_path / "missing.acc")]) == 1
    assert "missing.acc" in capsys.readouterr().err
    assert not (tmp_path / "0.mat").exists()
