"""SplicedFrames serves exactly the windows splice_frames makes, edges included."""
import numpy as np
import pytest
import torch

from toolkit.errors import ToolkitError
from toolkit.features.splice import splice_frames
from toolkit.nnet.frames import SplicedFrames


def _utts(rng, lengths, dim=3):
    return [(f"u{i}", rng.standard_normal((n, dim)).astype(np.float32), rng.integers(0, 7, n)) for i, n in
            enumerate(lengths)]


@pytest.mark.parametrize("left,right", [(0, 0), (2, 2), (5, 1)])
def test_windows_equal_splice_frames(left, right):
    rng = np.random.default_rng(0)
    utts = _utts(rng, [1, 4, 9])
    frames = SplicedFrames(utts, left, right)
    assert frames.num_frames == 14 and frames.window_dim == 3 * (left + 1 + right)
    x, y = frames.batch(torch.arange(frames.num_frames))
    expected = np.concatenate([splice_frames(f, left, right) for _, f, _ in utts])
    np.testing.assert_array_equal(x.numpy(), expected)
    np.testing.assert_array_equal(y.numpy(), np.concatenate([t for *_, t in utts]))


def test_edge_frames_repeat_first_and_last():
    feats = np.arange(6, dtype=np.float32).reshape(3, 2)  # frames [0 1] [2 3] [4 5]
    frames = SplicedFrames([("u", feats, None)], 2, 2)
    x, y = frames.batch(torch.tensor([0, 2]))
    assert y is None
    np.testing.assert_array_equal(x[0].numpy(), [0, 1, 0, 1, 0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(x[1].numpy(), [0, 1, 2, 3, 4, 5, 4, 5, 4, 5])


def test_minibatches_cover_every_frame_once_and_shuffle():
    rng = np.random.default_rng(1)
    frames = SplicedFrames(_utts(rng, [5, 7, 11], dim=1), 0, 0)
    seen = torch.cat([x[:, 0] for x, _ in frames.minibatches(4, torch.Generator().manual_seed(3))])
    in_order = torch.cat([x[:, 0] for x, _ in frames.minibatches(4)])
    assert sorted(seen.tolist()) == sorted(in_order.tolist())
    assert not torch.equal(seen, in_order)


def test_mean_std_ignore_padding():
    feats = np.array([[0.0], [10.0]], dtype=np.float32)
    mean, std = SplicedFrames([("u", feats, None)], 5, 5).mean_std()
    assert mean[0] == pytest.approx(5.0) and std[0] == pytest.approx(5.0)


def test_inconsistent_input_is_refused():
    rng = np.random.default_rng(2)
    with pytest.raises(ToolkitError, match="dimension"):
        SplicedFrames([("a", rng.standard_normal((3, 2)), None), ("b", rng.standard_normal((3, 4)), None)], 1, 1)
    with pytest.raises(ToolkitError, match="no utterances"):
        SplicedFrames([], 1, 1)


def test_training_batches_leave_out_the_incomplete_last_one():
    # A final batch of a few frames would take a full step on them alone (it once wrecked a network).
    frames = SplicedFrames(_utts(np.random.default_rng(3), [10, 3]), 0, 0)
    sizes = [len(y) for _, y in frames.minibatches(4, torch.Generator().manual_seed(0), drop_last=True)]
    assert sizes == [4, 4, 4]
    assert [len(y) for _, y in frames.minibatches(4)] == [4, 4, 4, 1]
    assert [len(y) for _, y in frames.minibatches(20, drop_last=True)] == [13]  # fewer frames than a batch
