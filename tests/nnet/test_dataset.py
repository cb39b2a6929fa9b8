"""Features with their targets: mismatched frame counts are refused before any training."""
from pathlib import Path

import numpy as np
import pytest

from toolkit.errors import InputError
from toolkit.nnet.dataset import load_frames


class _Reader:
    """The part of FeatureReader that load_frames uses."""

    def __init__(self, feats):
        self.feats, self.data_dir = feats, Path("data/train")

    def keys(self):
        return list(self.feats)

    def __getitem__(self, utt):
        return self.feats[utt]


def test_frame_count_mismatch_names_the_utterance():
    reader = _Reader({"a": np.zeros((5, 2), np.float32), "b": np.zeros((4, 2), np.float32)})
    with pytest.raises(InputError, match=r"data/train: utterance 'b' has 4 frames of features but 3 in ali"):
        load_frames(reader, 1, 1, {"a": np.zeros(5, int), "b": np.zeros(3, int)}, "ali")


def test_utterances_without_targets_are_left_out_and_none_left_is_an_error():
    reader = _Reader({"a": np.zeros((5, 2), np.float32), "b": np.ones((4, 2), np.float32)})
    frames = load_frames(reader, 0, 0, {"b": np.arange(4)})
    assert frames.utterances == ["b"] and frames.num_frames == 4
    with pytest.raises(InputError, match="no utterances"):
        load_frames(reader, 0, 0, {})
