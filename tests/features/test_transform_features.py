"""transform_features and local/make_fmllr_feats.sh: the features a GMM system sees (CMVN, splicing, final.mat,
per-speaker fMLLR), dumped as plain features, against FeatureReader and a direct computation."""
import subprocess
from pathlib import Path

import kaldi_io
import numpy as np
import pytest

from toolkit import cli
from toolkit.bin import transform_features
from toolkit.features.cmvn import cmvn_stats
from toolkit.features.pipeline import FeatureReader
from toolkit.io.archive import write_matrices
from toolkit.io.table import read_table
from toolkit.transform.store import load_global_transform, read_transforms, save_global_transform, write_transforms

ROOT = Path(__file__).resolve().parents[2]
DIM, OUT_DIM, CONTEXT = 6, 5, 2
UTTS = {"s1": 3, "s2": 2, "s3": 2}  # utterances per speaker
SPLIT_TRANSFORMS = {"trans.1.ark": ("s1",), "trans.2.ark": ("s2",), "trans.3.ark": ("s3",)}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """data/ (raw features, CMVN stats, text, wav.scp, utt2dur, spk2gender), exp/ with feat_opts and an affine
    final.mat, and exp/trans/trans.{1,2,3}.ark with one speaker's fMLLR transform each."""
    root = tmp_path_factory.mktemp("transform_features")
    rng = np.random.default_rng(0)
    data, exp = root / "data", root / "exp"
    data.mkdir()
    (exp / "trans").mkdir(parents=True)
    feats, tables = [], {n: [] for n in ("utt2spk", "text", "wav.scp", "utt2dur")}
    for spk, n in UTTS.items():
        offset = rng.normal(0, 5, DIM)  # a speaker's channel: CMVN must remove it
        for i in range(n):
            utt = f"{spk}-u{i}"
            feats.append((utt, (offset + rng.normal(0, 1, (int(rng.integers(20, 40)), DIM))).astype(np.float32)))
            for name, value in (("utt2spk", spk), ("text", "A B"), ("wav.scp", f"/corpus/{utt}.wav"),
                                ("utt2dur", f"{len(feats[-1][1]) / 100:g}")):
                tables[name].append(f"{utt} {value}\n")
    write_matrices(root / "raw.ark", data / "feats.scp", feats)
    write_matrices(root / "cmvn.ark", data / "cmvn.scp",
                   [(s, sum(cmvn_stats(x) for u, x in feats if u.startswith(s + "-"))) for s in UTTS])
    for name, lines in tables.items():
        (data / name).write_text("".join(lines))
    (data / "spk2utt").write_text("".join(f"{s} {' '.join(f'{s}-u{i}' for i in range(n))}\n" for s, n in UTTS.items()))
    (data / "spk2gender").write_text("s1 m\ns2 f\ns3 m\n")
    save_global_transform(exp / "final.mat", rng.normal(0, 0.3, (OUT_DIM, DIM * (2 * CONTEXT + 1) + 1)))
    (exp / "feat_opts").write_text(f"--cmvn --delta-order 0 --splice-left {CONTEXT} --splice-right {CONTEXT} "
                                   f"--transform {exp / 'final.mat'}\n")
    speaker = {s: np.concatenate([np.eye(OUT_DIM) + 0.2 * rng.normal(size=(OUT_DIM, OUT_DIM)),
                                  rng.normal(0, 1, (OUT_DIM, 1))], 1) for s in UTTS}
    for ark, speakers in SPLIT_TRANSFORMS.items():
        write_transforms(exp / "trans" / ark, {s: speaker[s] for s in speakers})
    return {"root": root, "data": data, "exp": exp, "raw": dict(feats), "speaker": speaker,
            "opts": (exp / "feat_opts").read_text().split(), "arks": sorted((exp / "trans").glob("trans.*.ark"))}


def _reference_reader(system) -> FeatureReader:
    return FeatureReader(system["data"], splice=(CONTEXT, CONTEXT), transform=load_global_transform(
        system["exp"] / "final.mat"), speaker_transforms=read_transforms(system["arks"]))


def _direct(system, utt: str) -> np.ndarray:
    """(T, OUT_DIM): the speaker's mean removed, +-CONTEXT frames stacked (edges repeated), final.mat, fMLLR."""
    spk = utt.split("-")[0]
    x = system["raw"][utt].astype(np.float64)
    x = x - np.concatenate([f for u, f in system["raw"].items() if u.startswith(spk + "-")]).mean(0)
    t = np.arange(len(x))
    x = np.concatenate([x[np.clip(t + k, 0, len(x) - 1)] for k in range(-CONTEXT, CONTEXT + 1)], 1)
    m = load_global_transform(system["exp"] / "final.mat")
    y = x @ m[:, :-1].T + m[:, -1]
    w = system["speaker"][spk]
    return y @ w[:, :-1].T + w[:, -1]


def _transform_args(system, arks):
    return [*system["opts"], *(a for ark in arks for a in ("--speaker-transforms", str(ark)))]


def test_dump_equals_the_pipeline(system, tmp_path):
    out, arkdir = tmp_path / "dev_fmllr", tmp_path / "fmllr"
    assert cli.run(transform_features.main, [*_transform_args(system, system["arks"]), str(system["data"]),
                                             str(arkdir), str(out)]) == 0
    ark, scp = arkdir / "raw_fmllr_dev_fmllr.1.ark", arkdir / "raw_fmllr_dev_fmllr.1.scp"
    assert sorted(p.name for p in arkdir.iterdir()) == [ark.name, scp.name]
    assert read_table(out / "feats.scp") == read_table(scp)
    assert all(v.startswith(f"{ark}:") for v in read_table(scp).values())  # absolute, as make_mfcc.sh writes
    reader = _reference_reader(system)
    dumped = dict(kaldi_io.read_mat_scp(str(out / "feats.scp")))
    assert sorted(dumped) == sorted(system["raw"]) == [u for u, _ in kaldi_io.read_mat_ark(str(ark))]
    for utt, x in dumped.items():
        assert x.dtype == np.float32 and x.shape == (len(system["raw"][utt]), OUT_DIM)
        np.testing.assert_array_equal(x, reader[utt])
        np.testing.assert_allclose(x, _direct(system, utt), rtol=1e-4, atol=1e-4)
    assert read_table(out / "utt2num_frames") == {u: str(len(x)) for u, x in system["raw"].items()}
    # The input's other tables come along; its CMVN stats do not describe the new features.
    assert not (out / "cmvn.scp").exists()
    for name in ("utt2spk", "spk2utt", "text", "wav.scp", "utt2dur", "spk2gender"):
        assert read_table(out / name) == read_table(system["data"] / name), name


def test_missing_speaker_transform(system, tmp_path, capsys):
    out, arkdir = tmp_path / "out", tmp_path / "fmllr"
    partial = system["arks"][:2]  # nothing for s3
    assert cli.run(transform_features.main, [*_transform_args(system, partial), str(system["data"]), str(arkdir),
                                             str(out)]) == 1
    err = capsys.readouterr().err
    assert "no transform for 1 of the 3 speakers" in err and "'s3' (utterance 's3-u0')" in err
    assert f"{partial[0]},{partial[1]}" in err  # the archives searched
    assert not out.exists() and not any(arkdir.glob("*.ark")) and not any(arkdir.glob("*.scp"))


def _run(cwd, cmd):
    return subprocess.run(["bash", "-c", f". {ROOT}/path.sh; {cmd}"], cwd=cwd, capture_output=True, text=True)


def test_make_fmllr_feats_script(system, tmp_path):
    """Two jobs over three transform archives (every job reads all, as Kaldi does when the job counts differ),
    gathered into a valid data directory; a failed rerun leaves no features behind."""
    data, exp, out = system["data"], system["exp"], tmp_path / "data-fmllr" / "dev"
    args = f"{out} {data} {exp} {tmp_path / 'log'} {tmp_path / 'fmllr'}"
    proc = _run(tmp_path, f"make_fmllr_feats.sh --nj 2 --transform-dir {exp / 'trans'} {args}")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert f"Features for {out}: 7 utterances of dim {OUT_DIM}" in proc.stderr
    assert sorted(p.name for p in (tmp_path / "fmllr").iterdir()) == \
        [f"raw_fmllr_dev.{j}.{e}" for j in (1, 2) for e in ("ark", "scp")]
    reader = _reference_reader(system)
    dumped = dict(kaldi_io.read_mat_scp(str(out / "feats.scp")))
    assert sorted(dumped) == sorted(system["raw"])
    for utt, x in dumped.items():
        np.testing.assert_array_equal(x, reader[utt])
    assert read_table(out / "utt2num_frames") == {u: str(len(x)) for u, x in system["raw"].items()}
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == \
        ["feats.scp", "spk2gender", "spk2utt", "text", "utt2dur", "utt2num_frames", "utt2spk", "wav.scp"]

    # s3's transform missing: the job fails naming it, and the old output is gone.
    partial = tmp_path / "partial"
    partial.mkdir()
    for ark in system["arks"][:2]:
        (partial / ark.name).symlink_to(ark)
    proc = _run(tmp_path, f"make_fmllr_feats.sh --nj 2 --transform-dir {partial} {args}")
    assert proc.returncode != 0
    logs = "".join(p.read_text() for p in (tmp_path / "log").glob("make_fmllr_feats_dev.*.log"))
    assert "no transform for 1 of the 2 speakers" in logs and "'s3' (utterance 's3-u0')" in logs
    assert not (out / "feats.scp").exists()

    # Archives not numbered 1..N (a left-over of another run) are refused before anything runs.
    (partial / "trans.2.ark").rename(partial / "trans.3.ark")
    proc = _run(tmp_path, f"make_fmllr_feats.sh --transform-dir {partial} {args}")
    assert proc.returncode != 0 and "no trans.2.ark" in proc.stderr
    proc = _run(tmp_path, f"make_fmllr_feats.sh {data} {data} {exp} {tmp_path / 'log'} {tmp_path / 'fmllr'}")
    assert proc.returncode != 0 and "is <data-out>" in proc.stderr and (data / "feats.scp").exists()
