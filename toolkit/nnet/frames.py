"""Training frames in memory, served as spliced windows for frame-shuffled minibatches.

Splicing every frame up front would multiply memory by the window (11 for +-5); instead
each utterance is stored once, padded with copies of its first and last frames, and a
minibatch gathers its windows by index arithmetic. A window is exactly what
`toolkit.features.splice.splice_frames` gives for that frame (edge frames repeated).
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import numpy as np
import torch

from toolkit.errors import ToolkitError


class SplicedFrames:
    """The frames of some utterances with their targets.

    `utterances` yields (utt, feats (T, D) float32, targets (T,) int or None). `batch(ids)`
    gives ((B, D * (left + 1 + right)) float32 windows, (B,) int64 targets) for frame ids
    in 0..num_frames-1 (frames numbered utterance after utterance).
    """

    def __init__(self, utterances: Iterable[tuple[str, np.ndarray, np.ndarray | None]], left: int, right: int):
        if left < 0 or right < 0:
            raise ToolkitError(f"splice contexts must be >= 0, got {left} and {right}")
        self.left, self.right = left, right
        blocks, centres, targets, self.utterances = [], [], [], []
        offset = 0
        dim = None
        for utt, feats, tgt in utterances:
            feats = np.asarray(feats, dtype=np.float32)
            if feats.ndim != 2 or len(feats) == 0:
                raise ToolkitError(f"utterance '{utt}': features of shape {feats.shape}")
            if dim is None:
                dim = feats.shape[1]
            elif feats.shape[1] != dim:
                raise ToolkitError(f"utterance '{utt}': features have dimension {feats.shape[1]}, others {dim}")
            padded = np.concatenate([np.repeat(feats[:1], left, 0), feats, np.repeat(feats[-1:], right, 0)])
            blocks.append(padded)
            centres.append(offset + left + np.arange(len(feats)))
            if tgt is not None:
                targets.append(np.asarray(tgt, dtype=np.int64))
            offset += len(padded)
            self.utterances.append(utt)
        if dim is None:
            raise ToolkitError("no utterances to train on")
        if targets and len(targets) != len(blocks):
            raise ToolkitError("either every utterance or none has targets")
        self.store = torch.from_numpy(np.concatenate(blocks))
        self.centres = torch.from_numpy(np.concatenate(centres))
        self.targets = torch.from_numpy(np.concatenate(targets)) if targets else None
        self.offsets = torch.arange(-left, right + 1)
        self.dim = dim

    def digest(self) -> str:
        """SHA-256 of the frames, their targets and the splice contexts (what training on them depends on)."""
        h = hashlib.sha256(f"{self.left} {self.right} {self.dim}".encode())
        for t in (self.store, self.centres, self.targets):
            if t is not None:
                h.update(np.ascontiguousarray(t.numpy()))
        return h.hexdigest()

    @property
    def num_frames(self) -> int:
        return int(self.centres.numel())

    @property
    def window_dim(self) -> int:
        return self.dim * (self.left + 1 + self.right)

    def mean_std(self) -> tuple[np.ndarray, np.ndarray]:
        """(D,), (D,) float64 mean and standard deviation of the (unpadded) frames."""
        x = self.store[self.centres].double()
        return x.mean(0).numpy(), x.std(0, unbiased=False).clamp_min(1e-5).numpy()

    def batch(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        rows = self.centres[ids][:, None] + self.offsets
        x = self.store[rows].reshape(len(ids), -1)
        return x, (self.targets[ids] if self.targets is not None else None)

    def minibatches(self, batch_size: int, generator: torch.Generator | None = None,
                    drop_last: bool = False) -> Iterator[tuple[torch.Tensor, torch.Tensor | None]]:
        """Minibatches over all frames (shuffled with `generator`, in order without).

        With `drop_last` the final incomplete batch is left out, as training must: a batch of a
        few frames takes a full-size step on them alone (the mean loss), which can wreck the network.
        """
        n = self.num_frames
        order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
        end = n - n % batch_size if drop_last and n >= batch_size else n
        for start in range(0, end, batch_size):
            yield self.batch(order[start:start + batch_size])
