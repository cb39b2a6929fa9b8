"""splice-feats: neighbouring frames stacked, edges repeated."""
import kaldi_native_fbank as knf
import numpy as np
import pytest

from toolkit.features.splice import splice_frames


def test_edges_by_hand():
    x = np.array([[1, 10], [2, 20], [3, 30]], dtype=np.float32)
    expected = [[1, 10, 1, 10, 1, 10, 2, 20],
                [1, 10, 1, 10, 2, 20, 3, 30],
                [1, 10, 2, 20, 3, 30, 3, 30]]
    np.testing.assert_array_equal(splice_frames(x, 2, 1), expected)
    np.testing.assert_array_equal(splice_frames(x, 0, 0), x)


@pytest.mark.parametrize("left, right, frames", [(4, 4, 20), (3, 0, 5), (5, 5, 2)])
def test_agrees_with_kaldi_native_fbank(left, right, frames):
    feats = np.random.default_rng(frames).normal(size=(frames, 6)).astype(np.float32)
    expected = knf.splice_frames(feats, knf.SpliceOptions(left_context=left, right_context=right))
    np.testing.assert_array_equal(splice_frames(feats, left, right), expected)


def test_empty_and_negative():
    assert splice_frames(np.zeros((0, 3), np.float32), 1, 1).shape == (0, 9)
    with pytest.raises(ValueError, match="must not be negative"):
        splice_frames(np.zeros((2, 3)), -1, 1)
