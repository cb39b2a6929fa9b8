"""add-deltas: Kaldi's regression filters, checked by hand and against kaldi-native-fbank."""
import kaldi_native_fbank as knf
import numpy as np
import pytest

from toolkit.features.deltas import add_deltas, delta_scales


def test_filters_by_hand():
    s = delta_scales(2, 1)
    np.testing.assert_allclose(s[1], [-0.5, 0, 0.5])
    np.testing.assert_allclose(s[2], [0.25, 0, -0.5, 0, 0.25])
    s = delta_scales(2, 2)
    np.testing.assert_allclose(s[1], [-0.2, -0.1, 0, 0.1, 0.2])
    np.testing.assert_allclose(s[2], [0.04, 0.04, 0.01, -0.04, -0.1, -0.04, 0.01, 0.04, 0.04])


def test_hand_worked_example_with_edge_replication():
    # x = [1, 2, 4], window 1: delta_t = (x[t+1] - x[t-1]) / 2 with edges repeated,
    # delta2_t = (x[t-2] - 2 x[t] + x[t+2]) / 4.
    x = np.array([[1.0], [2.0], [4.0]], dtype=np.float32)
    expected = [[1, 0.5, 0.75], [2, 1.5, 0.25], [4, 1.0, -0.75]]
    np.testing.assert_allclose(add_deltas(x, order=2, window=1), expected, atol=1e-6)
    # Window 2 (the default): delta_2 of [3, 1, 4, 1, 5] = (-2*3 - 1 + 1 + 2*5) / 10 = 0.4.
    y = np.array([[3.0], [1.0], [4.0], [1.0], [5.0]], dtype=np.float32)
    np.testing.assert_allclose(add_deltas(y, order=1)[:, 1], [0.0, -0.3, 0.4, 0.9, 0.6], atol=1e-6)


@pytest.mark.parametrize("order, window, frames", [(2, 2, 50), (1, 3, 7), (3, 1, 2), (2, 2, 1)])
def test_agrees_with_kaldi_native_fbank(order, window, frames):
    feats = np.random.default_rng(order + frames).normal(0, 10, (frames, 13)).astype(np.float32)
    out = add_deltas(feats, order, window)
    assert out.shape == (frames, 13 * (order + 1))
    np.testing.assert_array_equal(out[:, :13], feats)
    np.testing.assert_allclose(out, knf.compute_deltas(knf.DeltaOptions(order=order, window=window), feats),
                               rtol=1e-6, atol=1e-5)


def test_empty_input():
    assert add_deltas(np.zeros((0, 4), np.float32)).shape == (0, 12)
