"""The features of a data directory as Kaldi's training scripts pipe them into a model.

`apply-cmvn --utt2spk=ark:DIR/utt2spk scp:DIR/cmvn.scp scp:DIR/feats.scp ark:- |
add-deltas ark:- ark:-` becomes `FeatureReader(DIR, delta_order=2)`; splice-feats is
`splice=(left, right)`, transform-feats with final.mat `transform=M`, and transform-feats
with per-speaker fMLLR transforms `speaker_transforms={spk: W}`. The order is Kaldi's:
CMVN, deltas, splicing, the global transform, the speaker's transform.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Iterator

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.features.cmvn import apply_cmvn
from toolkit.features.deltas import add_deltas
from toolkit.features.splice import splice_frames
from toolkit.io.archive import MatrixScp
from toolkit.io.table import read_table
from toolkit.transform.affine import apply_transform


class FeatureReader:
    """Random and sequential access to normalised features: `reader[utt]` -> (T, dim) float32.

    With `cmvn` (the default) the utterance's speaker stats from DIR/cmvn.scp are applied
    (means, and variances with `norm_vars`); `delta_order` > 0 appends deltas over
    `delta_window` frames; `splice` = (left, right) stacks neighbouring frames;
    `transform` (d, D) or (d, D + 1) multiplies every frame (LDA, LDA+MLLT);
    `speaker_transforms` maps each speaker of DIR/utt2spk to its (d, d + 1) fMLLR transform,
    applied last (an utterance whose speaker has none is an error naming
    `speaker_transforms_name`). Keys are the utterances of DIR/feats.scp, in its order.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike,
        *,
        cmvn: bool = True,
        norm_vars: bool = False,
        delta_order: int = 0,
        delta_window: int = 2,
        splice: tuple[int, int] | None = None,
        transform: np.ndarray | None = None,
        speaker_transforms: Mapping[str, np.ndarray] | None = None,
        speaker_transforms_name: str = "speaker transforms",
    ):
        self.data_dir = Path(data_dir)
        self.feats = MatrixScp(self.data_dir / "feats.scp")
        self.norm_vars = norm_vars
        self.delta_order = delta_order
        self.delta_window = delta_window
        self.splice = splice
        self.transform = transform
        self.speaker_transforms = speaker_transforms
        self.speaker_transforms_name = speaker_transforms_name
        need_speakers = cmvn or speaker_transforms is not None
        self._utt2spk = read_table(self.data_dir / "utt2spk") if need_speakers else None
        self._cmvn = MatrixScp(self.data_dir / "cmvn.scp") if cmvn else None
        self._stats: dict[str, np.ndarray] = {}

    def keys(self) -> list[str]:
        return self.feats.keys()

    def __len__(self) -> int:
        return len(self.feats)

    def __contains__(self, utt: str) -> bool:
        return utt in self.feats

    def _speaker(self, utt: str) -> str:
        speaker = self._utt2spk.get(utt)
        if speaker is None:
            raise InputError(f"utterance '{utt}' is not in utt2spk", self.data_dir / "utt2spk")
        return speaker

    def _speaker_stats(self, utt: str) -> np.ndarray:
        speaker = self._speaker(utt)
        if speaker not in self._stats:
            if speaker not in self._cmvn:
                raise InputError(f"no CMVN stats for speaker '{speaker}' (of utterance '{utt}')",
                                 self.data_dir / "cmvn.scp")
            self._stats[speaker] = self._cmvn[speaker]
        return self._stats[speaker]

    def __getitem__(self, utt: str) -> np.ndarray:
        feats = self.feats[utt]
        if self._cmvn is not None:
            stats = self._speaker_stats(utt)
            try:
                feats = apply_cmvn(feats, stats, norm_vars=self.norm_vars)
            except ToolkitError as e:
                raise InputError(f"utterance '{utt}': {e}", self.data_dir / "cmvn.scp") from None
        if self.delta_order > 0:
            feats = add_deltas(feats, self.delta_order, self.delta_window)
        if self.splice is not None:
            feats = splice_frames(feats, *self.splice)
        if self.transform is not None:
            feats = self._apply(feats, self.transform, utt, "the global transform (--transform)")
        if self.speaker_transforms is not None:
            speaker = self._speaker(utt)
            if speaker not in self.speaker_transforms:
                raise InputError(f"no transform for speaker '{speaker}' (of utterance '{utt}')",
                                 self.speaker_transforms_name)
            feats = self._apply(feats, self.speaker_transforms[speaker], utt, self.speaker_transforms_name)
        return np.asarray(feats, dtype=np.float32)

    @staticmethod
    def _apply(feats: np.ndarray, m: np.ndarray, utt: str, where: str) -> np.ndarray:
        try:
            return apply_transform(feats, m)
        except ToolkitError as e:
            raise InputError(f"utterance '{utt}': {e}", where) from None

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        for utt in self.keys():
            yield utt, self[utt]

    def fingerprint(self) -> str:
        """A digest of everything the matrices depend on: the options and transforms, the data
        directory's feats.scp, cmvn.scp and utt2spk, and the size and modification time of every
        archive those scp files point into (as make would see a changed input)."""
        h = hashlib.sha256()
        h.update(repr((self._cmvn is not None, self.norm_vars, self.delta_order, self.delta_window,
                       self.splice)).encode())
        tables = [self.feats] + ([self._cmvn] if self._cmvn is not None else [])
        for scp in tables:
            h.update(Path(scp.path).read_bytes())
            for ark in scp.archives():
                st = os.stat(ark) if os.path.exists(ark) else None
                h.update(f"{ark} {st and st.st_size} {st and st.st_mtime_ns}".encode())
        if self._utt2spk is not None:
            h.update(repr(sorted(self._utt2spk.items())).encode())
        speakers = sorted((self.speaker_transforms or {}).items())
        for name, m in [("global transform", self.transform)] + [(f"speaker {k}", m) for k, m in speakers]:
            if m is not None:
                m = np.ascontiguousarray(m, dtype=np.float64)
                h.update(f"{name} {m.shape}".encode() + m.tobytes())
        return h.hexdigest()
