"""Features of a data directory kept on disk for the length of a training run.

Kaldi's trainers pipe every iteration's features through apply-cmvn | add-deltas (or
splice-feats | transform-feats | ...) again; here the processes of one run share the
result. `cached_features(reader, path)` gives the matrices of a FeatureReader from the
directory PATH when it was written for a reader with the same fingerprint (options,
transforms, the data directory's tables and the archives they point into), and otherwise
computes them and writes PATH for the next process. A GMM accumulation job then spends its
time on the statistics rather than on the feature pipeline; the trainers delete their caches
when they finish.

PATH holds `matrix.f32` (every utterance's frames, float32, row after row; memory-mapped when
read, so a job's features need not fit in memory) and `index.npz` (fingerprint, utterance
ids, row offsets, shape). A new cache is written beside PATH and then moved into its place.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.features.pipeline import FeatureReader
from toolkit.io.npz import load_npz, save_npz
from toolkit.log import get_logger

FORMAT = "toolkit-feature-cache"
VERSION = 2
MATRIX = "matrix.f32"
INDEX = "index.npz"
_log = get_logger(__name__)


class CachedFeatures:
    """FeatureReader's interface (keys, `reader[utt]` -> (T, dim) float32, items; data_dir and the
    speaker_transforms applied, as the reader had them) over one read-only (frames, dim) float32
    matrix of all utterances."""

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
        return np.asarray(self._matrix[self._offsets[i]:self._offsets[i + 1]])

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        for utt in self._keys:
            yield utt, self[utt]


def cached_features(reader: FeatureReader, path: str | os.PathLike) -> CachedFeatures:
    """`reader`'s matrices, from the directory PATH if it holds them (same fingerprint), otherwise
    computed and written there (a stale or unreadable PATH is replaced)."""
    path = Path(path)
    fingerprint = reader.fingerprint()
    if (path / INDEX).exists():
        try:
            cached = _open(reader, path, fingerprint)
            if cached is not None:
                return cached
            _log.info("%s was written for other features: computing them again", path)
        except (InputError, KeyError, ValueError, OSError) as e:
            _log.warning("ignoring the feature cache %s (%s): computing the features again", path, e)
    _write(reader, path, fingerprint)
    cached = _open(reader, path, fingerprint)
    if cached is None:
        raise ToolkitError(f"{path}: the feature cache just written does not read back")
    return cached


def _open(reader: FeatureReader, path: Path, fingerprint: str) -> CachedFeatures | None:
    """The cache in PATH, or None if it was written for another fingerprint."""
    index = load_npz(path / INDEX, FORMAT, "feature cache index", VERSION)
    if str(index["fingerprint"]) != fingerprint:
        return None
    rows, dim = (int(v) for v in index["shape"])
    if rows == 0:
        matrix = np.zeros((0, dim), dtype=np.float32)
    else:
        matrix = np.memmap(path / MATRIX, dtype=np.float32, mode="r", shape=(rows, dim))
    return CachedFeatures(reader, [str(k) for k in index["keys"]], matrix, index["offsets"])


def _write(reader: FeatureReader, path: Path, fingerprint: str) -> None:
    """Compute every utterance's features into a new directory beside PATH, then put it in PATH's place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{path.name}.new-", dir=path.parent))
    try:
        keys = reader.keys()
        lengths, dim = [], None
        with open(new / MATRIX, "wb") as f:
            for utt in keys:
                x = np.ascontiguousarray(reader[utt], dtype=np.float32)
                if dim is not None and x.shape[1] != dim:
                    raise ToolkitError(f"utterance '{utt}' has features of dimension {x.shape[1]}, the others {dim}")
                dim = x.shape[1]
                f.write(x.tobytes())
                lengths.append(len(x))
        offsets = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
        save_npz(new / INDEX, FORMAT, {"fingerprint": np.array(fingerprint), "keys": np.array(keys, dtype=str),
                                       "offsets": offsets, "shape": np.array([offsets[-1], dim or 0])}, VERSION)
        old = None
        if path.exists() or path.is_symlink():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
            os.replace(path, old / "cache")
        os.replace(new, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
