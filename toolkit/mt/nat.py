"""The non-autoregressive Transformer with fertility of Gu et al. (2017).

- Encoder: the autoregressive Transformer's (`TransformerEncoder`), usually initialised from
  the teacher's parameters.
- Fertility predictor: a one-hidden-layer ReLU network on each encoder state, softmax over
  fertilities 0..max_fertility.
- Decoder inputs: the source tokens' embeddings (scaled, without their positions) copied by
  fertility (`toolkit/mt/fertility.py`), plus the target positions' encodings; with
  `decoder_input="uniform"` the uniform-copy baseline of the paper instead.
- Decoder: layers with no causal mask (padding masked), positional attention (queries and
  keys are position encodings), attention to the encoder, feed-forward; all target tokens are
  predicted at once through the output projection (tied to the joint embedding table).

Training (`loss`) uses reference fertilities from a word aligner: the decoder input then has
the reference's length, and the fertility predictor learns those fertilities (clipped at
max_fertility) by cross-entropy. Decoding takes fertilities from the predictor: argmax,
rounded expectation, or NPD samples rescored by the teacher (`noisy_parallel_decode`).
Gu et al. also keep each decoder query from attending to itself; this model does not.
"""
from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from toolkit.errors import InputError, ToolkitError
from toolkit.io.torch_file import load_torch_file, save_torch_file
from toolkit.mt.batching import source_tensor
from toolkit.mt.device import device_of
from toolkit.mt.fertility import (
    average_fertilities,
    copy_indices,
    gather_positions,
    sample_fertilities,
    select_best,
    uniform_indices,
)
from toolkit.mt.search import Hypothesis, length_normalised, score_sequences
from toolkit.mt.training import label_smoothed_loss
from toolkit.mt.transformer import (
    TokenEmbedding,
    Transformer,
    TransformerConfig,
    TransformerDecoderLayer,
    TransformerEncoder,
    padding_or_none,
)
from toolkit.mt.vocab import PAD

FORMAT = "toolkit-mt-nat"
VERSION = 1
DECODER_INPUTS = ("fertility", "uniform")


@dataclass
class NatConfig(TransformerConfig):
    """A TransformerConfig plus the NAT's own settings."""

    max_fertility: int = 12              # fertilities above are clipped in the predictor's target
    decoder_input: str = "fertility"     # "fertility" copy, or the "uniform" copy baseline
    fertility_loss_weight: float = 1.0   # weight of the fertility cross-entropy in `loss`

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.max_fertility < 1:
            raise ToolkitError(f"max_fertility must be at least 1, got {self.max_fertility}")
        if self.decoder_input not in DECODER_INPUTS:
            raise ToolkitError(f"decoder_input must be one of {DECODER_INPUTS}, got '{self.decoder_input}'")


class NonAutoregressiveTransformer(nn.Module):
    """See the module docstring. Sources are (B, S) piece ids + EOS, PAD-padded; targets (B, T) pieces
    without BOS/EOS, PAD-padded."""

    def __init__(self, config: NatConfig):
        super().__init__()
        c = self.config = config
        self.embedding = TokenEmbedding(c.vocab_size, c.d_model, c.max_positions, c.dropout)
        self.encoder = TransformerEncoder(c, self.embedding)
        self.fertility_head = nn.Sequential(nn.Linear(c.d_model, c.d_model), nn.ReLU(),
                                            nn.Linear(c.d_model, c.max_fertility + 1))
        self.layers = nn.ModuleList(
            TransformerDecoderLayer(c.d_model, c.heads, c.ffn_dim, c.dropout, c.attention_dropout,
                                    c.activation_dropout, c.pre_norm, positional_attention=True)
            for _ in range(c.decoder_layers))
        self.final_norm = nn.LayerNorm(c.d_model) if c.pre_norm else None
        self.input_dropout = nn.Dropout(c.dropout)
        self._positional_cache: tuple[tuple, list[tuple[torch.Tensor, torch.Tensor]]] | None = None

    def init_from_teacher(self, teacher: Transformer) -> None:
        """Copy the teacher's embedding table and encoder (same shapes required)."""
        t = teacher.config
        if (t.vocab_size, t.d_model, t.heads, t.ffn_dim, t.encoder_layers, t.pre_norm) != (
                self.config.vocab_size, self.config.d_model, self.config.heads, self.config.ffn_dim,
                self.config.encoder_layers, self.config.pre_norm):
            raise ToolkitError("the teacher's encoder does not have the NAT's shape")
        self.encoder.load_state_dict(teacher.encoder.state_dict())

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(memory (B, S, D), pad_mask (B, S) True on padding)."""
        return self.encoder(src)

    def fertility_log_probs(self, memory: torch.Tensor) -> torch.Tensor:
        """(B, S, max_fertility + 1) log-distributions over each source token's fertility."""
        return F.log_softmax(self.fertility_head(memory).float(), dim=-1)

    def copy_plan(self, src: torch.Tensor, fertility: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(index (B, T), tgt_mask (B, T)): which source position each target position copies.

        For the uniform copy the target lengths are sum(fertility) (the reference length in
        training, the predicted one in decoding).
        """
        if self.config.decoder_input == "fertility":
            return copy_indices(fertility, self.config.max_positions)
        src_len = src.ne(PAD).sum(1)
        tgt_len = fertility.sum(1).clamp(max=self.config.max_positions)
        return uniform_indices(src_len, tgt_len)

    def decode(self, src: torch.Tensor, memory: torch.Tensor, pad_mask: torch.Tensor, index: torch.Tensor,
               tgt_mask: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, V) of every target position at once."""
        emb = self.embedding.table(src) * self.embedding.scale
        T = index.shape[1]
        x = self.input_dropout(gather_positions(emb, index) + self.embedding.positions(T))
        self_pad, pad_mask = padding_or_none(~tgt_mask), padding_or_none(pad_mask)
        for layer, qk in zip(self.layers, self.positional_queries_keys(T)):
            x = layer(x, memory, pad_mask, causal=False, self_pad_mask=self_pad, positional_qk=qk)
        if self.final_norm is not None:
            x = self.final_norm(x)
        return F.linear(x, self.embedding.table.weight)

    def positional_queries_keys(self, length: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Per decoder layer, the positional attention's queries and keys (1, H, length, D/H) of positions
        0..length-1. Outside autograd they depend on the parameters only: they are projected once for
        all max_positions, again only when a parameter changes (its storage or version) or autocast is
        switched, and sliced."""
        positions = self.embedding.positions(length)  # (raises if longer than the model's positions)
        attentions = [layer.pos_attn for layer in self.layers]
        if torch.is_grad_enabled():
            return [a.project_shared(positions) for a in attentions]
        key = (torch.is_autocast_enabled(positions.device.type),) + tuple(
            (p.data_ptr(), p._version) for a in attentions for lin in (a.q_proj, a.k_proj) for p in lin.parameters())
        if self._positional_cache is None or self._positional_cache[0] != key:
            every = self.embedding.positions(self.config.max_positions)
            self._positional_cache = (key, [a.project_shared(every) for a in attentions])
        return [(q[:, :, :length], k[:, :, :length]) for q, k in self._positional_cache[1]]

    def loss(self, src: torch.Tensor, tgt: torch.Tensor, fertility: torch.Tensor,
             label_smoothing: float) -> tuple[torch.Tensor, dict]:
        """Summed training loss of a batch and its parts.

        src (B, S), tgt (B, T) PAD-padded, fertility (B, S) reference fertilities (0 on padding and
        EOS, summing to each target's length). Returns (translation loss + weight * fertility
        loss, {"nll", "tokens", "fert_nll", "fert_correct", "src_tokens"}).
        """
        memory, pad_mask = self.encode(src)
        index, tgt_mask = self.copy_plan(src, fertility)
        if index.shape[1] != tgt.shape[1]:
            raise ToolkitError(f"fertilities give {index.shape[1]} target positions, the targets have {tgt.shape[1]}")
        logits = self.decode(src, memory, pad_mask, index, tgt_mask)
        loss, nll = label_smoothed_loss(logits, tgt.masked_fill(~tgt_mask, PAD), label_smoothing)
        fert_lp = self.fertility_log_probs(memory)
        target = fertility.clamp(max=self.config.max_fertility)
        real = ~pad_mask
        fert_nll = -fert_lp.gather(2, target[:, :, None]).squeeze(2).masked_fill(~real, 0.0).sum()
        correct = (fert_lp.argmax(-1).eq(target) & real).sum()
        stats = {"nll": nll.item(), "tokens": int(tgt_mask.sum()), "fert_nll": fert_nll.item(),
                 "fert_correct": int(correct), "src_tokens": int(real.sum())}
        return loss + self.config.fertility_loss_weight * fert_nll, stats

    @torch.inference_mode()
    def translate(self, src: torch.Tensor, fertility: torch.Tensor | None = None,
                  mode: str = "argmax") -> list[list[int]]:
        """Argmax tokens of each sentence for the given or predicted fertilities.

        mode: "argmax" (most likely fertility of each token) or "average" (its rounded
        expectation); ignored when `fertility` (B, S) is given.
        """
        memory, pad_mask = self.encode(src)
        if fertility is None:
            fertility = self.predict_fertilities(memory, pad_mask, mode)
        return self._tokens(src, memory, pad_mask, fertility)

    def predict_fertilities(self, memory: torch.Tensor, pad_mask: torch.Tensor, mode: str) -> torch.Tensor:
        """(B, S) fertilities from the predictor (0 on padding and EOS; at least one target token)."""
        lp = self.fertility_log_probs(memory)
        real = ~pad_mask
        if mode == "argmax":
            fert = lp.argmax(-1) * real.long()
        elif mode == "average":
            fert = average_fertilities(lp, real)
        else:
            raise ToolkitError(f"unknown fertility mode '{mode}' (argmax or average)")
        return _at_least_one(fert)

    def _tokens(self, src: torch.Tensor, memory: torch.Tensor, pad_mask: torch.Tensor,
                fertility: torch.Tensor) -> list[list[int]]:
        index, tgt_mask = self.copy_plan(src, fertility)
        out = self.decode(src, memory, pad_mask, index, tgt_mask).argmax(-1)
        lengths = tgt_mask.sum(1).tolist()
        return [row[:n] for row, n in zip(out.tolist(), lengths)]

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())


def _at_least_one(fertility: torch.Tensor) -> torch.Tensor:
    """Give source position 0 fertility 1 in rows whose fertilities are all zero (an empty output
    cannot be a translation, and the teacher cannot score it)."""
    empty = fertility.sum(1).eq(0)
    if empty.any():
        fertility = fertility.clone()
        fertility[empty, 0] = 1
    return fertility


@torch.inference_mode()
def noisy_parallel_decode(model: NonAutoregressiveTransformer, teacher: Transformer, src: torch.Tensor,
                          num_samples: int, generator: torch.Generator | None = None,
                          lenpen: float = 1.0) -> list[list[int]]:
    """Noisy parallel decoding: for each source, `num_samples` fertility sequences (the argmax one
    first, the others sampled), all decoded in one batch, every candidate scored by the teacher in
    one forward pass (each source encoded once); the best candidate is returned (ties go to the
    earlier candidate, so num_samples=1 is argmax decoding).

    A candidate's score is the teacher's log P(candidate + EOS | source) / (len + 1) ** lenpen,
    the normalisation of the teacher's own beam search: with lenpen 0 (the plain probability of
    Gu et al.) the short candidates win, since every token costs log-probability.
    """
    B = src.shape[0]
    memory, pad_mask = model.encode(src)
    fert = sample_fertilities(model.fertility_log_probs(memory), ~pad_mask, num_samples, generator)
    fert = _at_least_one(fert.reshape(B * num_samples, -1))
    rows = torch.arange(B, device=src.device).repeat_interleave(num_samples)
    candidates = model._tokens(src[rows], memory[rows], pad_mask[rows], fert)
    if num_samples == 1:
        return candidates
    log_probs = score_sequences(teacher, src, candidates, rows)
    lengths = torch.tensor([len(c) + 1 for c in candidates], dtype=log_probs.dtype, device=log_probs.device)
    best = select_best(length_normalised(log_probs, lengths, lenpen).reshape(B, num_samples)).tolist()
    return [candidates[b * num_samples + k] for b, k in enumerate(best)]


def save_nat(path: str | os.PathLike, model: NonAutoregressiveTransformer, info: dict | None = None) -> None:
    """Write the config and parameters (and `info`, plain values) to a torch file, atomically."""
    save_torch_file(path, FORMAT, VERSION, {"config": asdict(model.config), "state_dict": model.state_dict(),
                                            "info": info or {}})


def nat_from_state(config: dict, state_dict: dict, where: str | os.PathLike) -> NonAutoregressiveTransformer:
    """A NAT of `config` holding `state_dict`; InputError naming `where` if they do not fit."""
    known = {f.name for f in fields(NatConfig)}
    try:
        model = NonAutoregressiveTransformer(NatConfig(**{k: v for k, v in config.items() if k in known}))
        model.load_state_dict(state_dict)
    except (TypeError, RuntimeError, ToolkitError) as e:
        raise InputError(f"parameters do not fit the model's config ({e})", where) from None
    return model


def load_nat(path: str | os.PathLike) -> NonAutoregressiveTransformer:
    """The model `save_nat` wrote, in eval mode."""
    blob = load_torch_file(path, FORMAT, VERSION, "non-autoregressive Transformer")
    return nat_from_state(blob["config"], blob["state_dict"], path).eval()


MODES = ("argmax", "average", "npd")


def nat_search(model: NonAutoregressiveTransformer, mode: str, teacher: Transformer | None = None,
               samples: int = 10, generator: torch.Generator | None = None, lenpen: float = 1.0,
               max_candidates: int = 64) -> Callable[[list[list[int]]], list[list[Hypothesis]]]:
    """A `translate_lines` search (toolkit/mt/translate.py) decoding with the NAT: one hypothesis per
    sentence (its log_prob and score are NaN: the NAT gives no sequence probability). NPD ranks
    its candidates with `lenpen` (see `noisy_parallel_decode`) and decodes a batch in groups of
    max(1, max_candidates // samples) sentences: one sentence's candidates always share one
    pass, but (batch x samples)-row logits over the vocabulary would leave the caches (on one CPU
    thread, 64 sentences x 10 samples in one pass took 2.3x as long as groups of 4)."""
    if mode not in MODES:
        raise ToolkitError(f"unknown NAT decoding mode '{mode}' (one of {', '.join(MODES)})")
    if mode == "npd" and teacher is None:
        raise ToolkitError("noisy parallel decoding needs the teacher")
    model.eval()
    group = max(1, max_candidates // samples)
    device = device_of(model)

    def search(seqs: list[list[int]]) -> list[list[Hypothesis]]:
        with torch.inference_mode():
            if mode == "npd":
                tokens = [t for i in range(0, len(seqs), group)
                          for t in noisy_parallel_decode(model, teacher, source_tensor(seqs[i:i + group], device),
                                                         samples, generator, lenpen)]
            else:
                tokens = model.translate(source_tensor(seqs, device), mode=mode)
        return [[Hypothesis(t, math.nan, math.nan)] for t in tokens]

    return search
