"""Transforms on disk: Kaldi float matrix archives, read and written through toolkit.io.archive.

Per-speaker fMLLR transforms are archives keyed by speaker (`trans.JOB.ark`, as Kaldi's
gmm-est-fmllr writes them). A global transform (`final.mat`, LDA or LDA+MLLT) is a
single-entry archive with the key `global`: the same format as every other matrix here,
readable with kaldi-io or Kaldi's `copy-matrix ark:final.mat ark,t:-`. (Kaldi itself
writes a bare binary matrix for final.mat; the archive form keeps one reader for all.)
Matrices are stored as float64.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

import numpy as np

from toolkit.errors import InputError
from toolkit.io.archive import read_matrices, write_matrices

GLOBAL_KEY = "global"


def write_transforms(ark: str | os.PathLike, transforms: Mapping[str, np.ndarray] | Iterable[tuple[str, np.ndarray]]) -> None:
    """Write `key -> (d, D[+1])` transforms (e.g. per speaker) to `ark`, atomically."""
    items = transforms.items() if isinstance(transforms, Mapping) else transforms
    write_matrices(ark, None, ((key, np.asarray(m, dtype=np.float64)) for key, m in items))


def read_transforms(arks: str | os.PathLike | Iterable[str | os.PathLike]) -> dict[str, np.ndarray]:
    """All transforms of one or several archives (e.g. every job's trans.JOB.ark); a key twice is an error."""
    if isinstance(arks, (str, os.PathLike)):
        arks = [arks]
    out: dict[str, np.ndarray] = {}
    for ark in arks:
        for key, m in read_matrices(ark):
            if key in out:
                raise InputError(f"transform for '{key}' appears twice", ark)
            out[key] = np.asarray(m, dtype=np.float64)
    return out


def save_global_transform(path: str | os.PathLike, m: np.ndarray) -> None:
    """Write one transform (final.mat) as a single-entry archive with key `global`."""
    write_transforms(path, [(GLOBAL_KEY, m)])


def load_global_transform(path: str | os.PathLike) -> np.ndarray:
    """The transform written by `save_global_transform`; InputError naming the file otherwise."""
    entries = list(read_matrices(path))
    if len(entries) != 1 or entries[0][0] != GLOBAL_KEY:
        keys = [k for k, _ in entries][:3]
        raise InputError(f"expected one matrix with key '{GLOBAL_KEY}', found {len(entries)} (keys {keys})", path)
    return np.asarray(entries[0][1], dtype=np.float64)
