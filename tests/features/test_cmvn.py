"""CMVN statistics in Kaldi's (2, D+1) layout and their application, against hand computation and kaldi-native-fbank."""
import kaldi_native_fbank as knf
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.features.cmvn import apply_cmvn, cmvn_stats, fake_cmvn_stats


def test_stats_layout_by_hand():
    feats = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 0.5]], dtype=np.float32)
    expected = np.array([[1 + 3 + 5, 2 - 4 + 0.5, 3],
                         [1 + 9 + 25, 4 + 16 + 0.25, 0]])
    stats = cmvn_stats(feats)
    assert stats.dtype == np.float64
    np.testing.assert_array_equal(stats, expected)
    np.testing.assert_allclose(stats, knf.compute_cmvn_stats(feats))


def test_speaker_stats_are_sums_and_normalise_to_zero_mean_unit_variance():
    rng = np.random.default_rng(0)
    utts = [rng.normal(5, 3, (n, 4)).astype(np.float32) for n in (50, 70, 30)]
    stats = sum(cmvn_stats(u) for u in utts)
    np.testing.assert_allclose(stats, cmvn_stats(np.concatenate(utts)))
    normed = np.concatenate([apply_cmvn(u, stats, norm_vars=True) for u in utts])
    np.testing.assert_allclose(normed.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(normed.std(axis=0), 1, atol=1e-5)
    means_only = np.concatenate([apply_cmvn(u, stats) for u in utts])
    np.testing.assert_allclose(means_only.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(means_only.std(axis=0), np.concatenate(utts).std(axis=0), rtol=1e-5)


@pytest.mark.parametrize("norm_vars", [False, True])
def test_application_agrees_with_kaldi_native_fbank(norm_vars):
    rng = np.random.default_rng(1)
    feats = rng.normal(-2, 7, (40, 13)).astype(np.float32)
    stats = cmvn_stats(rng.normal(1, 4, (90, 13)))
    opts = knf.CmvnOptions()
    opts.norm_vars = norm_vars
    np.testing.assert_allclose(apply_cmvn(feats, stats, norm_vars=norm_vars), knf.apply_cmvn(stats, opts, feats),
                               rtol=1e-5, atol=1e-5)


def test_fake_stats_and_constant_dimension():
    feats = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.testing.assert_array_equal(apply_cmvn(feats, fake_cmvn_stats(3), norm_vars=True), feats)
    np.testing.assert_array_equal(apply_cmvn(feats, cmvn_stats(feats + 5), norm_means=False), feats)
    # A constant dimension has zero variance: Kaldi floors it instead of dividing by zero.
    constant = np.ones((5, 2), dtype=np.float32)
    assert np.all(np.isfinite(apply_cmvn(constant, cmvn_stats(constant), norm_vars=True)))


def test_errors():
    stats = cmvn_stats(np.ones((3, 2)))
    with pytest.raises(ToolkitError, match="do not fit features of dimension 3"):
        apply_cmvn(np.ones((3, 3)), stats)
    with pytest.raises(ToolkitError, match="without normalising the mean"):
        apply_cmvn(np.ones((3, 2)), stats, norm_means=False, norm_vars=True)
    with pytest.raises(ToolkitError, match="insufficient CMVN stats"):
        apply_cmvn(np.ones((3, 2)), np.zeros((2, 3)))
    with pytest.raises(ToolkitError, match="two-row"):
        apply_cmvn(np.ones((3, 2)), stats[:1], norm_vars=True)
