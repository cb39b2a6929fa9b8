"""Features of a data directory kept in one file for the length of a training run.

Kaldi's trainers pipe every iteration's features through apply-cmvn | add-deltas (or
splice-feats | transform-feats | ...) again; here the processes of one run share the
result. `cached_features(reader, path)` gives the matrices of a FeatureReader from PATH when
PATH was written for a reader with the same fingerprint (options, transforms, the data
directory's tables and the archives they point into), and otherwise computes them and writes
PATH for the next process. A GMM accumulation job then spends its time on the statistics
rather than on the feature pipeline; the trainers delete their caches when they finish.
"""
from __future__ import annotations

import os
from typing import Iterator

import numpy as np

from toolkit.errors import InputError
from toolkit.features.pipeline import FeatureReader
from toolkit.io.npz import load_npz, save_npz
from toolkit.log import get_logger

FORMAT = "toolkit-feature-cache"
VERSION = 1
_log = get_logger(__name__)


class CachedFeatures:
    """FeatureReader's interface (keys, `reader[utt]` -> (T, dim) float32, items; data_dir and the
    speaker_transforms applied, as the reader had them) over one (frames, dim) float32 matrix of all
    utterances in memory."""

    def __init__(self, reader: FeatureReader, keys: list[str], matrix: np.ndarray, offsets: np.ndarray):
        self.data_dir = reader.data_dir
        self.speaker_transforms = reader.speaker_transforms
        self.speaker_transforms_name = reader.speaker_transforms_name
        self._keys = keys
        self._index = {key: i for i, key in enumerate(keys)}
        self._matrix = matrix
        self._offsets = offsets

    def keys(self) -> list[str]:
        return list(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, utt: str) -> bool:
        return utt in self._index

    def __getitem__(self, utt: str) -> np.ndarray:
        i = self._index[utt]
        return self._matrix[self._offsets[i]:self._offsets[i + 1]]

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        for utt in self._keys:
            yield utt, self[utt]


def cached_features(reader: FeatureReader, path: str | os.PathLike) -> CachedFeatures:
    """`reader`'s matrices, from PATH if it holds them (same fingerprint), otherwise computed and
    written to PATH (atomically; a stale or unreadable PATH is replaced)."""
    fingerprint = reader.fingerprint()
    if os.path.exists(path):
        try:
            arrays = load_npz(path, FORMAT, "feature cache", VERSION)
            if str(arrays["fingerprint"]) == fingerprint:
                matrix = arrays["matrix"]
                matrix.setflags(write=False)
                return CachedFeatures(reader, [str(k) for k in arrays["keys"]], matrix, arrays["offsets"])
            _log.info("%s was written for other features: computing them again", path)
        except (InputError, KeyError) as e:
            _log.warning("ignoring the feature cache %s (%s): computing the features again", path, e)
    keys = reader.keys()
    mats = [reader[utt] for utt in keys]
    dim = mats[0].shape[1] if mats else 0
    matrix = np.concatenate(mats) if mats else np.zeros((0, dim), dtype=np.float32)
    offsets = np.concatenate([[0], np.cumsum([len(m) for m in mats], dtype=np.int64)])
    save_npz(path, FORMAT, {"fingerprint": np.array(fingerprint), "keys": np.array(keys, dtype=str),
                            "matrix": matrix, "offsets": offsets}, VERSION)
    matrix.setflags(write=False)
    return CachedFeatures(reader, keys, matrix, offsets)
