"""The feature cache of a training run: same matrices as the pipeline, reused only for the same inputs."""
import os

import numpy as np
import pytest

from toolkit.features import cache as cache_module
from toolkit.features.cache import cached_features
from toolkit.features.cmvn import cmvn_stats
from toolkit.features.pipeline import FeatureReader
from toolkit.io.archive import write_matrices


@pytest.fixture
def data_dir(tmp_path):
    rng = np.random.default_rng(3)
    feats = [(f"s{s}-u{i}", rng.normal(s, 1, (20 + 7 * i, 13)).astype(np.float32)) for s in (1, 2) for i in range(3)]
    d = tmp_path / "data"
    d.mkdir()
    write_matrices(tmp_path / "feats.ark", d / "feats.scp", feats)
    (d / "utt2spk").write_text("".join(f"{u} {u.split('-')[0]}\n" for u, _ in feats))
    write_matrices(tmp_path / "cmvn.ark", d / "cmvn.scp",
                   [(s, sum(cmvn_stats(x) for u, x in feats if u.startswith(s))) for s in ("s1", "s2")])
    return d


def _never_computed(monkeypatch):
    def fail(self, utt):
        raise AssertionError(f"features of {utt} computed again")
    monkeypatch.setattr(FeatureReader, "__getitem__", fail)


def test_cache_holds_the_pipeline_output_and_is_reused(data_dir, tmp_path, monkeypatch):
    reader = FeatureReader(data_dir, delta_order=2)
    path = tmp_path / "feats.1.cache"
    first = cached_features(reader, path)
    assert sorted(p.name for p in path.iterdir()) == [cache_module.INDEX, cache_module.MATRIX]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftover staging
    assert first.keys() == reader.keys() and len(first) == 6 and "s2-u1" in first
    for utt, x in reader.items():
        np.testing.assert_array_equal(first[utt], x)
    _never_computed(monkeypatch)
    again = cached_features(FeatureReader(data_dir, delta_order=2), path)
    assert [u for u, _ in again.items()] == reader.keys()
    np.testing.assert_array_equal(again["s1-u2"], first["s1-u2"])
    assert not again["s1-u2"].flags.writeable


def test_other_options_or_changed_inputs_recompute(data_dir, tmp_path):
    path = tmp_path / "feats.1.cache"
    assert cached_features(FeatureReader(data_dir, delta_order=2), path)["s1-u0"].shape == (20, 39)
    # Other options: a different fingerprint, so the cache is rewritten.
    assert cached_features(FeatureReader(data_dir, delta_order=0), path)["s1-u0"].shape == (20, 13)
    transform = np.eye(13)[:5]
    np.testing.assert_allclose(cached_features(FeatureReader(data_dir, delta_order=0, transform=transform), path)
                               ["s1-u0"], FeatureReader(data_dir, delta_order=0)["s1-u0"][:, :5], rtol=1e-6)
    # Per-speaker transforms are part of the fingerprint, and the cache reports them as the reader does.
    shift = {s: np.hstack([np.eye(13), np.full((13, 1), k)]) for k, s in enumerate(("s1", "s2"))}
    adapted = cached_features(FeatureReader(data_dir, delta_order=0, speaker_transforms=shift), path)
    assert adapted.speaker_transforms is shift
    np.testing.assert_allclose(adapted["s2-u0"], FeatureReader(data_dir, delta_order=0)["s2-u0"] + 1, rtol=1e-6)
    # Features rewritten in place (same scp, new archive contents and time): computed again.
    new = [(u, np.full_like(FeatureReader(data_dir, cmvn=False)[u], 7.0)) for u in FeatureReader(data_dir).keys()]
    write_matrices(tmp_path / "feats.ark", data_dir / "feats.scp", new)
    os.utime(tmp_path / "feats.ark", ns=(1, 1))
    np.testing.assert_array_equal(cached_features(FeatureReader(data_dir, cmvn=False, delta_order=0), path)["s2-u2"],
                                  new[-1][1])


@pytest.mark.parametrize("damage", ["garbage index", "plain file"])
def test_unreadable_cache_is_replaced(data_dir, tmp_path, caplog, damage):
    path = tmp_path / "feats.1.cache"
    if damage == "plain file":  # e.g. left by another version
        path.write_bytes(b"not a cache")
    else:
        path.mkdir()
        (path / cache_module.INDEX).write_bytes(b"not an archive")
    reader = FeatureReader(data_dir, delta_order=1)
    np.testing.assert_array_equal(cached_features(reader, path)["s1-u1"], reader["s1-u1"])
    assert path.is_dir() and (path / cache_module.MATRIX).stat().st_size == 4 * 26 * sum(20 + 7 * i for i in range(3)) * 2
    if damage == "garbage index":
        assert "ignoring the feature cache" in caplog.text


def test_a_failed_computation_leaves_the_old_cache(data_dir, tmp_path, monkeypatch):
    path = tmp_path / "feats.1.cache"
    cached_features(FeatureReader(data_dir, delta_order=2), path)
    before = (path / cache_module.INDEX).read_bytes()

    def fail(self, utt):
        raise OSError("disk gone")
    monkeypatch.setattr(FeatureReader, "__getitem__", fail)
    with pytest.raises(OSError):
        cached_features(FeatureReader(data_dir, delta_order=0), path)
    assert (path / cache_module.INDEX).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
