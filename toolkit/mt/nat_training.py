"""Training data and batch loss of the non-autoregressive Transformer.

The training pairs are an `EncodedSet` (toolkit/mt/corpus.py) plus one fertility sequence per
pair, read from the aligner's fertility file (toolkit/bin/align_words.py): line n holds one
integer per source piece of pair n (the pieces `Vocabulary.pieces` gives, which are the
pieces `encode` gives), summing to the number of target pieces. The model's source is the
pieces + EOS, whose fertility is 0.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from toolkit.errors import InputError
from toolkit.mt.batching import pad_sequences, source_tensor
from toolkit.mt.corpus import EncodedSet
from toolkit.mt.device import device_of
from toolkit.mt.nat import NonAutoregressiveTransformer
from toolkit.text.parallel import read_lines


@dataclass
class FertilitySet(EncodedSet):
    """An EncodedSet whose pair i also has `fertility[i]` (len(src[i]) ints summing to len(tgt[i]))."""

    fertility: list[list[int]] | None = None


def read_fertilities(path: str | os.PathLike) -> list[list[int]]:
    """Every line of a fertility file as a list of non-negative ints (InputError naming file and line)."""
    out = []
    for n, line in enumerate(read_lines(path, allow_empty=True), start=1):
        try:
            values = [int(v) for v in line.split()]
        except ValueError:
            raise InputError(f"not a list of integers: '{line[:60]}'", path, n) from None
        if any(v < 0 for v in values):
            raise InputError("negative fertility", path, n)
        out.append(values)
    return out


def attach_fertilities(data: EncodedSet, fertilities: list[list[int]], where: str | os.PathLike) -> FertilitySet:
    """`data` with each kept pair's fertilities (by its line in the text files), checked against its pieces."""
    if len(fertilities) < max(data.lines, default=0):
        raise InputError(f"{len(fertilities)} lines, but the parallel set has {max(data.lines)}", where)
    fert = []
    for src, tgt, line in zip(data.src, data.tgt, data.lines):
        f = fertilities[line - 1]
        if len(f) != len(src) or sum(f) != len(tgt):
            raise InputError(f"{len(f)} fertilities summing to {sum(f)} for a pair of {len(src)} source and "
                             f"{len(tgt)} target pieces (was the aligner given this set's pieces?)", where, line)
        fert.append(f)
    return FertilitySet(data.src, data.tgt, data.lines, data.skipped_long, data.src_unknown, data.tgt_unknown, fert)


def fertility_batch_loss(model: NonAutoregressiveTransformer, data: FertilitySet, idx: list[int],
                         label_smoothing: float) -> tuple[torch.Tensor, torch.Tensor, int, int]:
    """The NAT's `BatchLoss` (toolkit/mt/training.py): translation loss given the reference fertilities
    plus the weighted fertility cross-entropy; the nll is the translation part's."""
    device = device_of(model)
    src = source_tensor([data.src[i] for i in idx], device)
    tgt = pad_sequences([data.tgt[i] for i in idx], device=device)
    fert = pad_sequences([data.fertility[i] + [0] for i in idx], device=device)  # EOS copies nothing
    loss, stats = model.loss(src, tgt, fert, label_smoothing)
    return loss, torch.tensor(stats["nll"]), stats["tokens"], stats["src_tokens"]
