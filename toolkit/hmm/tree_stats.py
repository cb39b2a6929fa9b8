"""Decision-tree statistics: one diagonal Gaussian's sufficient statistics per (triphone, pdf class) (Kaldi's acc-tree-stats).

A key is (left phone, phone, right phone, pdf class): the window of context width 3 with
central position 1 around each phone of an alignment (0 beyond the utterance edges) and the
pdf class of the HMM state a frame sits in. For a context-independent central phone the
left and right entries are NO_CONTEXT (-1), so that no tree can ask about its context (as
Kaldi leaves those keys out of the event). Each key holds the frame count, the sum of the
feature vectors and the sum of their squares.

File format (`save`/`load`): an uncompressed `.npz` with `format` "toolkit-tree-stats",
`keys` (K, 4) int32 sorted rows, `counts` (K,) float64, `sums` (K, D), `sumsq` (K, D).
"""
from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.hmm.alignment import split_to_phones
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.npz import load_npz, save_npz

FORMAT = "toolkit-tree-stats"
CONTEXT_WIDTH = 3
CENTRAL_POSITION = 1
_CHUNK_FRAMES = 200_000
NO_CONTEXT = -1


class TreeStats:
    """Per-key Gaussian statistics: `keys` (K, 4) int32 (left, phone, right, pdf class), sorted and unique;
    `counts` (K,) float64, `sums` (K, D), `sumsq` (K, D)."""

    def __init__(self, keys: np.ndarray, counts: np.ndarray, sums: np.ndarray, sumsq: np.ndarray):
        self.keys = np.asarray(keys, dtype=np.int32).reshape(-1, 4)
        self.counts = np.asarray(counts, dtype=np.float64)
        self.sums = np.asarray(sums, dtype=np.float64)
        self.sumsq = np.asarray(sumsq, dtype=np.float64)
        k = len(self.keys)
        if self.counts.shape != (k,) or self.sums.ndim != 2 or self.sums.shape[0] != k or self.sumsq.shape != self.sums.shape:
            raise ToolkitError(f"tree stats: inconsistent shapes keys {self.keys.shape}, counts {self.counts.shape}, "
                               f"sums {self.sums.shape}, sumsq {self.sumsq.shape}")

    @property
    def dim(self) -> int:
        return self.sums.shape[1]

    @classmethod
    def empty(cls, dim: int) -> TreeStats:
        return cls(np.zeros((0, 4), np.int32), np.zeros(0), np.zeros((0, dim)), np.zeros((0, dim)))

    @classmethod
    def from_items(cls, keys: np.ndarray, counts: np.ndarray, sums: np.ndarray, sumsq: np.ndarray) -> TreeStats:
        """Statistics with duplicate keys summed and keys sorted."""
        keys = np.asarray(keys, dtype=np.int32).reshape(-1, 4)
        counts, sums, sumsq = np.asarray(counts, np.float64), np.asarray(sums, np.float64), np.asarray(sumsq, np.float64)
        if len(keys) == 0:
            return cls(keys, counts, sums, sumsq)
        # One int64 code per key, in lexicographic order: far faster to sort than 4 columns.
        shifted = keys.astype(np.int64) - NO_CONTEXT  # all >= 0
        base = int(shifted.max()) + 1
        code = ((shifted[:, 0] * base + shifted[:, 1]) * base + shifted[:, 2]) * base + shifted[:, 3]
        _, first, inv = np.unique(code, return_index=True, return_inverse=True)
        # Imported here, not at the top: every GMM step imports this package, and loading
        # torch would add about 2 s to each of their many short processes.
        import torch

        inv = torch.from_numpy(inv.reshape(-1))
        uniq = keys[first]
        # torch's index_add_ sums millions of rows several times faster than numpy's reduceat/add.at.
        c = np.bincount(inv.numpy(), weights=counts, minlength=len(uniq))
        s = torch.zeros(len(uniq), sums.shape[1], dtype=torch.float64).index_add_(0, inv, torch.from_numpy(sums)).numpy()
        q = torch.zeros(len(uniq), sums.shape[1], dtype=torch.float64).index_add_(0, inv, torch.from_numpy(sumsq)).numpy()
        return cls(uniq, c, s, q)

    def add(self, other: TreeStats) -> TreeStats:
        """The sum of two statistics (over different jobs); ToolkitError if the dimensions differ."""
        if other.dim != self.dim:
            raise ToolkitError(f"tree stats: cannot add dimension {other.dim} to dimension {self.dim}")
        return TreeStats.from_items(np.concatenate([self.keys, other.keys]), np.concatenate([self.counts, other.counts]),
                                    np.concatenate([self.sums, other.sums]), np.concatenate([self.sumsq, other.sumsq]))

    def save(self, path: str | os.PathLike) -> None:
        save_npz(path, FORMAT, {"keys": self.keys, "counts": self.counts, "sums": self.sums, "sumsq": self.sumsq})

    @classmethod
    def load(cls, path: str | os.PathLike) -> TreeStats:
        """The statistics `save` wrote; InputError naming the file otherwise."""
        z = load_npz(path, FORMAT, "tree statistics")
        try:
            return cls(z["keys"], z["counts"], z["sums"], z["sumsq"])
        except (ValueError, KeyError) as e:
            raise InputError(f"cannot read tree statistics ({e})", path) from None
        except ToolkitError as e:
            raise InputError(str(e), path) from None


def sum_tree_stats(paths: Iterable[str | os.PathLike]) -> TreeStats:
    """The sum of the statistics files `paths` (at least one)."""
    total = None
    for p in paths:
        s = TreeStats.load(p)
        total = s if total is None else total.add(s)
    if total is None:
        raise ToolkitError("no tree statistics files given")
    return total


def accumulate_tree_stats(trans_model: TransitionModel, utterances: Iterable[tuple[np.ndarray, np.ndarray]],
                          ci_phones: Iterable[int] = ()) -> TreeStats:
    """Statistics of (feats (T, D), transition-id alignment (T,)) pairs, as Kaldi's AccumulateTreeStats (N=3, P=1).

    Phones in `ci_phones` (Kaldi's --ci-phones) get NO_CONTEXT as left and right phone.

    ToolkitError if an alignment does not split into whole phones or its length differs from the features'.
    """
    pdf_class_of = np.zeros((trans_model.num_tids + 1,), dtype=np.int32)
    for tid in range(1, trans_model.num_tids + 1):
        phone, state = int(trans_model.tid2phone[tid]), int(trans_model.tid2hmm_state[tid])
        pdf_class_of[tid] = trans_model.topology.entry(phone).states[state].pdf_class
    ci = np.array(sorted(set(ci_phones)), dtype=np.int32)
    key_parts: list[np.ndarray] = []
    feat_parts: list[np.ndarray] = []
    total: TreeStats | None = None
    pending = 0

    def flush() -> None:
        # Reducing every _CHUNK_FRAMES frames bounds memory for large jobs.
        nonlocal total, pending
        pending = 0
        keys, x = np.concatenate(key_parts), np.concatenate(feat_parts)
        key_parts.clear()
        feat_parts.clear()
        part = TreeStats.from_items(keys, np.ones(len(keys)), x, x * x)
        total = part if total is None else total.add(part)

    for feats, ali in utterances:
        ali = np.asarray(ali)
        if len(ali) != len(feats):
            raise ToolkitError(f"alignment has {len(ali)} frames but the features {len(feats)}")
        segs = split_to_phones(trans_model, ali)
        phones = [0] + [s.phone for s in segs] + [0]
        keys = np.empty((len(ali), 4), dtype=np.int32)
        for i, s in enumerate(segs):
            keys[s.start:s.end, :3] = phones[i:i + 3]
        keys[:, 3] = pdf_class_of[ali]
        if ci.size:
            keys[np.isin(keys[:, 1], ci), 0::2] = NO_CONTEXT
        key_parts.append(keys)
        feat_parts.append(np.asarray(feats, dtype=np.float64))
        pending += len(keys)
        if pending >= _CHUNK_FRAMES:
            flush()
    if key_parts:
        flush()
    if total is None:
        raise ToolkitError("no utterances to accumulate tree statistics from")
    return total


def gaussian_objective(counts: np.ndarray, sums: np.ndarray, sumsq: np.ndarray, var_floor: float) -> np.ndarray:
    """Log-likelihood of the data under its own ML diagonal Gaussian (Kaldi's GaussClusterable::Objf).

    counts (...,), sums and sumsq (..., D) -> (...,): -0.5 n (D log 2pi + D + sum_d log var_d), with
    var_d = max(sumsq_d/n - (sums_d/n)^2, var_floor); 0 where n <= 0.
    """
    counts = np.asarray(counts, dtype=np.float64)
    n = np.where(counts > 0, counts, 1.0)[..., None]
    mean = sums / n
    var = np.maximum(sumsq / n - mean * mean, var_floor)
    dim = sums.shape[-1]
    objf = -0.5 * counts * (dim * (np.log(2 * np.pi) + 1.0) + np.log(var).sum(-1))
    return np.where(counts > 0, objf, 0.0)
