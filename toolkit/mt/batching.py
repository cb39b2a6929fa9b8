"""Token-budget minibatches of sentence pairs (fairseq's --max-tokens) and their padded tensors.

Pairs are sorted by length (ties broken by a seeded shuffle), cut into batches whose padded
size (sentences x longest side, bos/eos included) stays within the budget, and the batches
are visited in a seeded random order: similar lengths share a batch, and every epoch sees
different batch compositions and order. The same seed and epoch always give the same batches,
which is what makes a resumed run repeat the interrupted one.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from toolkit.errors import ToolkitError
from toolkit.mt.vocab import BOS, EOS, PAD


@dataclass
class Batch:
    """src: (B, S) long, the source pieces + EOS, PAD-padded; tgt_in: (B, T) BOS + target; tgt_out: (B, T)
    target + EOS (PAD where tgt_in is padding); index: (B,) positions of the pairs in their set."""

    src: torch.Tensor
    tgt_in: torch.Tensor
    tgt_out: torch.Tensor
    index: list[int]

    @property
    def num_target_tokens(self) -> int:
        return int((self.tgt_out != PAD).sum())

    @property
    def num_source_tokens(self) -> int:
        return int((self.src != PAD).sum())


def pad_sequences(seqs: Sequence[Sequence[int]], prefix: Sequence[int] = (),
                  suffix: Sequence[int] = (), device: torch.device | str | None = None) -> torch.Tensor:
    """(len(seqs), longest) long tensor of prefix + seq + suffix, right-padded with PAD, on `device`
    (built on the CPU and copied in one transfer)."""
    width = max(len(s) for s in seqs) + len(prefix) + len(suffix)
    out = torch.full((len(seqs), width), PAD, dtype=torch.long)
    for b, s in enumerate(seqs):
        row = [*prefix, *s, *suffix]
        out[b, :len(row)] = torch.tensor(row, dtype=torch.long)
    return out if device is None else out.to(device)


def source_tensor(seqs: list[list[int]], device: torch.device | str | None = None) -> torch.Tensor:
    """(B, S) model input for source piece sequences: pieces + EOS, PAD-padded."""
    return pad_sequences(seqs, suffix=[EOS], device=device)


def collate(src: list[list[int]], tgt: list[list[int]], index: list[int],
            device: torch.device | str | None = None) -> Batch:
    """The padded tensors of the pairs (src[i], tgt[i]), on `device`."""
    return Batch(source_tensor(src, device), pad_sequences(tgt, prefix=[BOS], device=device),
                 pad_sequences(tgt, suffix=[EOS], device=device), list(index))


def token_batches(src_lengths: list[int], tgt_lengths: list[int], max_tokens: int,
                  generator: torch.Generator | None = None, max_sentences: int | None = None) -> list[list[int]]:
    """Batches of pair indices, each with sentences x (longest side + 1) <= max_tokens.

    Without a generator, pairs are in length order and batches in order (for evaluation);
    with one, equal lengths are shuffled and so is the batch order.
    """
    n = len(src_lengths)
    sizes = [max(s, t) + 1 for s, t in zip(src_lengths, tgt_lengths)]  # +1: the eos (or bos) each side gets
    if n and max(sizes) > max_tokens:
        raise ToolkitError(f"--max-tokens {max_tokens} is less than the longest pair ({max(sizes)} tokens)")
    order = torch.randperm(n, generator=generator).tolist() if generator is not None else list(range(n))
    order.sort(key=lambda i: (sizes[i], src_lengths[i]))  # stable: the shuffle decides among equals
    batches, current, longest = [], [], 0
    for i in order:
        longest_if = max(longest, sizes[i])
        if current and (longest_if * (len(current) + 1) > max_tokens or
                        (max_sentences is not None and len(current) >= max_sentences)):
            batches.append(current)
            current, longest_if = [], sizes[i]
        current.append(i)
        longest = longest_if
    if current:
        batches.append(current)
    if generator is not None:
        batches = [batches[j] for j in torch.randperm(len(batches), generator=generator).tolist()]
    return batches
