"""Decoder inputs of the non-autoregressive Transformer: source embeddings copied by fertility (Gu et al. 2017).

Each source token i is copied f_i times, in source order, so the target length is sum(f).
The uniform-copy baseline instead gives target position t the source token round(t * S / T).
Noisy parallel decoding draws fertility sequences from the predicted distributions; the
argmax sequence is always the first candidate, so NPD can only help against the teacher's score.
"""
from __future__ import annotations

import torch


def copy_indices(fertility: torch.Tensor, max_len: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Source position of every target position, and the target mask.

    fertility: (B, S) non-negative int, zero on padding. Returns `index` (B, T) long, the source
    position each target position copies (0 where masked), and `mask` (B, T) bool, True on real
    target positions; T = max(sum(fertility[b])) or `max_len` (longer sequences are cut).
    Hand case: fertilities [2, 0, 1] give source positions [0, 0, 2].
    """
    if fertility.dim() != 2:
        raise ValueError(f"fertility must be (B, S), got shape {tuple(fertility.shape)}")
    if (fertility < 0).any():
        raise ValueError("negative fertility")
    fertility = fertility.long()
    lengths = fertility.sum(1)
    T = int(lengths.max()) if fertility.numel() else 0
    if max_len is not None:
        T = min(T, max_len)
    ends = fertility.cumsum(1)  # target positions [ends[i-1], ends[i]) copy source token i
    pos = torch.arange(T, device=fertility.device).expand(fertility.shape[0], T).contiguous()
    index = torch.searchsorted(ends, pos, right=True)
    mask = pos < lengths[:, None]
    index = torch.where(mask, index, torch.zeros_like(index))
    return index, mask


def uniform_indices(src_lengths: torch.Tensor, tgt_lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Uniform copy: target position t of a length-T target copies source position round(t * S / T).

    src_lengths, tgt_lengths: (B,) long. Returns `index` (B, T_max) long and `mask` (B, T_max) bool.
    """
    T = int(tgt_lengths.max()) if tgt_lengths.numel() else 0
    pos = torch.arange(T, device=src_lengths.device, dtype=torch.float64)[None, :]
    ratio = src_lengths.double()[:, None] / tgt_lengths.clamp(min=1).double()[:, None]
    index = torch.round(pos * ratio).long()
    index = torch.minimum(index, (src_lengths - 1).clamp(min=0)[:, None])
    mask = pos < tgt_lengths[:, None]
    index = torch.where(mask, index, torch.zeros_like(index))
    return index, mask


def gather_positions(states: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """states: (B, S, D), index: (B, T) -> (B, T, D) with out[b, t] = states[b, index[b, t]]."""
    return states.gather(1, index[:, :, None].expand(-1, -1, states.shape[2]))


def sample_fertilities(log_probs: torch.Tensor, src_mask: torch.Tensor, num_samples: int,
                       generator: torch.Generator | None = None) -> torch.Tensor:
    """Fertility sequences for noisy parallel decoding of one batch of sources.

    log_probs: (B, S, L+1) log-distributions over fertilities 0..L; src_mask: (B, S) bool.
    Returns (B, num_samples, S) long: sample 0 is the argmax sequence, the others are drawn
    position by position from the distributions; padding positions get 0.
    """
    if num_samples < 1:
        raise ValueError("num_samples must be at least 1")
    B, S, _ = log_probs.shape
    best = log_probs.argmax(-1)
    out = best[:, None, :].repeat(1, num_samples, 1)
    if num_samples > 1:
        probs = log_probs.exp().reshape(B * S, -1)
        draws = torch.multinomial(probs, num_samples - 1, replacement=True, generator=generator)
        out[:, 1:, :] = draws.reshape(B, S, num_samples - 1).permute(0, 2, 1)
    return out * src_mask[:, None, :].long()


def average_fertilities(log_probs: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
    """Expected-value decoding: each fertility is the rounded mean of its distribution.

    log_probs: (B, S, L+1); src_mask: (B, S) bool -> (B, S) long.
    """
    values = torch.arange(log_probs.shape[-1], dtype=log_probs.dtype, device=log_probs.device)
    mean = (log_probs.exp() * values).sum(-1)
    return torch.round(mean).long() * src_mask.long()


def select_best(scores: torch.Tensor) -> torch.Tensor:
    """NPD's choice: scores (B, N) of N candidates per source (the teacher's length-normalised
    log-probabilities, -inf for invalid ones) -> (B,) index of the best; ties go to the lowest index (the argmax
    fertility candidate)."""
    return scores.argmax(1)
