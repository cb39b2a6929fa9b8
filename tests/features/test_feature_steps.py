"""The feature steps end to end on a tiny data directory: extraction with a broken WAV, split jobs, gather, CMVN."""
import zlib

import numpy as np
import pytest
import soundfile

from toolkit import cli
from toolkit.bin import compute_cmvn_stats, compute_features, gather_features, split_data_dir
from toolkit.features.cmvn import cmvn_stats
from toolkit.features.config import default_options, read_config
from toolkit.features.extract import FeatureExtractor
from toolkit.features.pipeline import FeatureReader
from toolkit.features.reference import KnfExtractor
from toolkit.io.archive import MatrixScp, read_matrices
from toolkit.io.table import read_table
from toolkit.io.wav import read_wav

GOOD = ("spk1-a", "spk1-b", "spk2-a")


@pytest.fixture
def data(tmp_path, speech_like):
    """data/train: four utterances of two speakers; spk2-b's WAV is broken."""
    d = tmp_path / "data" / "train"
    d.mkdir(parents=True)
    wav_scp, utt2spk = [], []
    for i, utt in enumerate(("spk1-a", "spk1-b", "spk2-a", "spk2-b")):
        path = tmp_path / f"{utt}.wav"
        if utt == "spk2-b":
            path.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
        else:
            soundfile.write(path, speech_like(i, seconds=0.6 + 0.1 * i) / 32768, 16000, subtype="PCM_16")
        wav_scp.append(f"{utt} {path}\n")
        utt2spk.append(f"{utt} {utt.split('-')[0]}\n")
    (d / "wav.scp").write_text("".join(wav_scp))
    (d / "utt2spk").write_text("".join(utt2spk))
    (tmp_path / "mfcc.conf").write_text("--use-energy=false\n--dither=0   # deterministic\n")
    return d


def run(module, *argv):
    return cli.run(module.main, [str(a) for a in argv])


def test_extracts_good_utterances_and_lists_the_broken_one(data, tmp_path, capsys):
    conf, ark_dir = tmp_path / "mfcc.conf", tmp_path / "mfcc"
    assert run(compute_features, "--config", conf, data, ark_dir) == 0
    feats_scp = read_table(data / "feats.scp")
    assert list(feats_scp) == list(GOOD)
    assert all(v.startswith(str(ark_dir / "raw_mfcc_train.1.ark:")) for v in feats_scp.values())
    bad = read_table(ark_dir / "raw_mfcc_train.1.bad")
    assert list(bad) == ["spk2-b"] and "cannot read audio" in bad["spk2-b"]
    assert "WARNING: utterance 'spk2-b' dropped: " in capsys.readouterr().err
    # Archive content: kaldi-native-fbank's features of the same audio, to 1e-3.
    reference = KnfExtractor(read_config(conf, "mfcc"))
    wav_scp = read_table(data / "wav.scp")
    frames = read_table(data / "utt2num_frames")
    for utt, feats in read_matrices(ark_dir / "raw_mfcc_train.1.ark"):
        expected = reference.compute(read_wav(wav_scp[utt])[0] * 32768)
        np.testing.assert_allclose(feats, expected, atol=1e-3)
        assert int(frames[utt]) == len(feats) and feats.dtype == np.float32


def test_split_jobs_gather_and_cmvn(data, tmp_path):
    ark_dir = tmp_path / "mfcc"
    assert run(split_data_dir, data, 2) == 0
    for job in (1, 2):
        # Default options: dither 1, seeded by utterance id.
        assert run(compute_features, data / "split2" / str(job), ark_dir) == 0
        assert (ark_dir / f"raw_mfcc_train.{job}.scp").is_file()
    assert run(gather_features, data / "split2", data) == 1  # 1 of 4 missing > 5 %
    assert run(gather_features, "--max-missing-fraction", 0.3, data / "split2", data) == 0
    gathered = MatrixScp(data / "feats.scp")
    assert gathered.keys() == list(GOOD)
    # The same features as one job over the whole directory: dither does not depend on the split.
    assert run(compute_features, "--nj", 1, "--name", "whole", data, ark_dir) == 0
    whole = MatrixScp(data / "feats.scp")
    for utt in GOOD:
        np.testing.assert_array_equal(gathered[utt], whole[utt])

    assert run(compute_cmvn_stats, data, ark_dir) == 0
    cmvn = MatrixScp(data / "cmvn.scp")
    assert cmvn.keys() == ["spk1", "spk2"]  # spk2 keeps the stats of spk2-a alone
    np.testing.assert_allclose(cmvn["spk1"], cmvn_stats(np.concatenate([whole["spk1-a"], whole["spk1-b"]])))
    assert cmvn["spk2"].shape == (2, 14) and cmvn["spk2"][0, -1] == len(whole["spk2-a"])

    reader = FeatureReader(data, norm_vars=True)
    spk1 = np.concatenate([reader["spk1-a"], reader["spk1-b"]])
    np.testing.assert_allclose(spk1.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(spk1.std(axis=0), 1, atol=1e-4)
    deltas = FeatureReader(data, delta_order=2)
    spliced = FeatureReader(data, cmvn=False, splice=(3, 3))
    assert deltas["spk2-a"].shape == (len(whole["spk2-a"]), 39)
    np.testing.assert_array_equal(spliced["spk1-a"][:, 39:52], whole["spk1-a"])


def test_parallel_jobs_match_one_job(data, tmp_path):
    assert run(compute_features, "--type", "fbank", "--nj", 2, data, tmp_path / "a") == 0
    two = {u: f for part in (1, 2) for u, f in read_matrices(tmp_path / "a" / f"raw_fbank_train.{part}.ark")}
    assert run(compute_features, "--type", "fbank", data, tmp_path / "b") == 0
    one = dict(read_matrices(tmp_path / "b" / "raw_fbank_train.1.ark"))
    assert sorted(two) == sorted(one) == list(GOOD)
    for utt in GOOD:
        np.testing.assert_array_equal(two[utt], one[utt])
    # Dither 1 by default, seeded per utterance.
    extractor = FeatureExtractor(default_options("fbank"))
    wav = read_table(data / "wav.scp")["spk1-b"]
    np.testing.assert_array_equal(one["spk1-b"], extractor.compute(read_wav(wav)[0] * 32768, zlib.crc32(b"spk1-b")))


def test_wrong_sample_rate_and_all_bad(data, tmp_path, capsys):
    (tmp_path / "8k.conf").write_text("--sample-frequency=8000\n")
    assert run(compute_features, "--config", tmp_path / "8k.conf", data, tmp_path / "mfcc") == 1
    err = capsys.readouterr().err
    assert "compute_features: error:" in err and "no utterance could be processed" in err
    bad = read_table(tmp_path / "mfcc" / "raw_mfcc_train.1.bad")
    assert bad["spk1-a"] == f"sample rate 16000 Hz does not match --sample-frequency=8000 in {tmp_path / '8k.conf'}"
    assert run(compute_features, "--max-bad-fraction", 0.1, data, tmp_path / "mfcc") == 1
    assert "1 of 4 utterances have no features" in capsys.readouterr().err


def test_segments(tmp_path, speech_like):
    d = tmp_path / "seg"
    d.mkdir()
    recording = speech_like(0, seconds=2.0)
    soundfile.write(tmp_path / "rec.wav", recording / 32768, 16000, subtype="PCM_16")
    (d / "wav.scp").write_text(f"rec {tmp_path / 'rec.wav'}\n")
    (d / "segments").write_text("s-1 rec 0.10 0.75\ns-2 rec 0.70 2.30\ns-3 rec 1.90 2.70\n")
    (d / "utt2spk").write_text("s-1 s\ns-2 s\ns-3 s\n")
    assert run(compute_features, "--type", "fbank", d, tmp_path / "fbank") == 0
    feats = MatrixScp(d / "feats.scp")
    assert feats.keys() == ["s-1", "s-2"]  # s-3 ends 0.7 s after the recording
    assert "more than 0.5 s after the end" in read_table(tmp_path / "fbank" / "raw_fbank_seg.1.bad")["s-3"]
    extractor = FeatureExtractor(default_options("fbank"))
    audio = read_wav(str(tmp_path / "rec.wav"))[0] * 32768
    np.testing.assert_array_equal(feats["s-1"], extractor.compute(audio[1600:12000], zlib.crc32(b"s-1")))
    # s-2 overshoots by 0.3 s: cut at the end of the recording.
    np.testing.assert_array_equal(feats["s-2"], extractor.compute(audio[11200:], zlib.crc32(b"s-2")))
