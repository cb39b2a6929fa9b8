"""Features of a data directory paired with their transition-id alignments, as every statistics step reads them.

Utterances without an alignment, or whose alignment length differs from their number of
frames, are skipped with a warning (the first few named) and counted, as Kaldi's
accumulators do; features of the wrong dimension or transition ids outside the model are
errors naming the file, since they mean the wrong model or feature options.
"""
from __future__ import annotations

import os
from typing import Iterator

import numpy as np

from toolkit.errors import InputError
from toolkit.features.pipeline import FeatureReader
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import read_int_vectors
from toolkit.log import get_logger

_log = get_logger(__name__)
_SHOWN = 10


class AlignedFeatures:
    """Iterates `(utt, feats (T, D) float32, tids (T,) int32)` over READER's utterances in order.

    `dim`: the dimension the features must have (None: not checked). After iterating,
    `counts` holds how many were used ("done") and skipped ("no alignment", "wrong length").
    """

    def __init__(self, reader: FeatureReader, alignments: str | os.PathLike, trans_model: TransitionModel,
                 model_name: str, dim: int | None = None):
        self.reader = reader
        self.alignments_path = os.fspath(alignments)
        self.alignments = dict(read_int_vectors(alignments))
        self.trans_model = trans_model
        self.model_name = model_name
        self.dim = dim
        self.counts = {"done": 0, "no alignment": 0, "wrong length": 0}

    def __len__(self) -> int:
        return len(self.reader)

    def _skip(self, reason: str, utt: str, detail: str = "") -> None:
        self.counts[reason] += 1
        if self.counts[reason] <= _SHOWN:
            _log.warning("utterance '%s' skipped: %s%s", utt, reason, detail)

    def __iter__(self) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
        num_tids = self.trans_model.num_tids
        for utt in self.reader.keys():
            tids = self.alignments.get(utt)
            if tids is None:
                self._skip("no alignment", utt)
                continue
            feats = self.reader[utt]
            if self.dim is not None and feats.shape[1] != self.dim:
                raise InputError(f"utterance '{utt}': features have dimension {feats.shape[1]} but the model "
                                 f"{self.model_name} has {self.dim} (do the feature options match the model's?)",
                                 self.reader.data_dir)
            if len(tids) != len(feats):
                self._skip("wrong length", utt, f" ({len(tids)} transition ids for {len(feats)} frames)")
                continue
            if len(tids) and (tids.min() < 1 or tids.max() > num_tids):
                raise InputError(f"utterance '{utt}': transition ids {tids.min()} .. {tids.max()} are outside "
                                 f"1 .. {num_tids} of {self.model_name}", self.alignments_path)
            self.counts["done"] += 1
            yield utt, feats, tids

    def summary(self) -> str:
        """`done N utterances, M with errors (A without alignment, B of the wrong length)`."""
        c = self.counts
        return (f"done {c['done']} utterances, {c['no alignment'] + c['wrong length']} with errors "
                f"({c['no alignment']} without alignment, {c['wrong length']} of the wrong length)")
