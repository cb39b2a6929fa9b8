"""The encoder-decoder Transformer (Vaswani et al. 2017) of the translation recipes, in separable parts.

Parts the non-autoregressive model reuses: `TokenEmbedding` (scaled embeddings + sinusoidal
positions), `MultiheadAttention` (any queries, keys and values: self-, cross- or positional
attention), `TransformerEncoder`, and `TransformerDecoderLayer` (causal or not, with an optional
positional-attention sublayer as in Gu et al. 2017). Layers are pre-norm by default (stable
without a long warm-up); `pre_norm=False` gives the original post-norm. With a joint vocabulary
one embedding table can serve source, target and (transposed) the output projection.

Incremental decoding keeps, per decoder layer, the keys and values of the tokens generated so
far and the projected encoder states (`cache`: a list of dicts of (N, ...) tensors, batch first,
so a search can reorder or shrink it with index_select on dim 0); it gives the same logits as
the full forward pass. On disk a model is a torch file (toolkit/io/torch_file.py) holding the
config and the parameters.
"""
from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn

from toolkit.errors import InputError, ToolkitError
from toolkit.io.torch_file import load_torch_file, save_torch_file
from toolkit.mt.vocab import PAD

FORMAT = "toolkit-mt-transformer"
VERSION = 1

Cache = list[dict[str, torch.Tensor]]


@dataclass
class TransformerConfig:
    """Shape and regularisation of a Transformer; defaults suit ~50k short pairs on a 2-core CPU."""

    vocab_size: int
    d_model: int = 256
    heads: int = 4
    ffn_dim: int = 1024
    encoder_layers: int = 3
    decoder_layers: int = 3
    dropout: float = 0.1             # on embeddings and every residual branch
    attention_dropout: float = 0.0   # on attention weights
    activation_dropout: float = 0.0  # inside the feed-forward block
    pre_norm: bool = True
    share_embeddings: bool = True    # one table for source and target (joint vocabulary)
    tie_output: bool = True          # output projection = target embedding table transposed
    max_positions: int = 256         # longest sequence, bos/eos included

    def __post_init__(self) -> None:
        if self.vocab_size < 5 or self.d_model < 1 or self.heads < 1 or self.d_model % self.heads:
            raise ToolkitError(f"bad Transformer shape (d_model must be a multiple of heads): {self}")
        if self.encoder_layers < 1 or self.decoder_layers < 1 or self.ffn_dim < 1 or self.max_positions < 2:
            raise ToolkitError(f"bad Transformer shape: {self}")
        for name in ("dropout", "attention_dropout", "activation_dropout"):
            if not 0.0 <= getattr(self, name) < 1.0:
                raise ToolkitError(f"{name} must be in [0, 1): {getattr(self, name)}")

    @classmethod
    def from_dict(cls, d: dict) -> TransformerConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    def macs_per_token(self, src_len: int, tgt_len: int) -> float:
        """Approximate multiply-adds of one target token's forward pass (the matrix products) for
        sentences of src_len and tgt_len tokens, each source token's share of the encoder included."""
        d, f = self.d_model, self.ffn_dim
        enc = self.encoder_layers * (4 * d * d + 2 * d * f + 2 * src_len * d) * src_len / tgt_len
        dec = self.decoder_layers * (8 * d * d + 2 * d * f + 2 * tgt_len * d + 2 * src_len * d)
        return enc + dec + d * self.vocab_size


def sinusoidal_positions(length: int, dim: int) -> torch.Tensor:
    """(length, dim) float32: row p holds sin(p / 10000^(2i/dim)) at 2i and cos(...) at 2i+1."""
    pos = torch.arange(length, dtype=torch.float64)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    out = torch.zeros(length, dim, dtype=torch.float64)
    out[:, 0::2] = torch.sin(pos * freq)
    out[:, 1::2] = torch.cos(pos * freq)[:, : dim // 2]
    return out.float()


def padding_or_none(pad_mask: torch.Tensor | None) -> torch.Tensor | None:
    """pad_mask (B, S) True on padding, or None where nothing is padding: attention without a mask
    gives the same result and takes torch's faster unmasked path (a batch of one sentence)."""
    return pad_mask if pad_mask is not None and bool(pad_mask.any()) else None


class TokenEmbedding(nn.Module):
    """tokens (B, T) -> (B, T, D): embedding * sqrt(D) + sinusoidal position (from `start`), then dropout.

    Pass `table` to share one nn.Embedding between several of these (joint vocabulary).
    """

    def __init__(self, vocab_size: int, d_model: int, max_positions: int, dropout: float,
                 table: nn.Embedding | None = None):
        super().__init__()
        if table is None:
            table = nn.Embedding(vocab_size, d_model, padding_idx=PAD)
            nn.init.normal_(table.weight, 0.0, d_model ** -0.5)
            with torch.no_grad():
                table.weight[PAD].zero_()
        self.table = table
        self.scale = math.sqrt(d_model)
        self.register_buffer("pe", sinusoidal_positions(max_positions, d_model), persistent=False)
        self.dropout = nn.Dropout(dropout)

    def positions(self, length: int, start: int = 0) -> torch.Tensor:
        """(length, D) position encodings of positions start .. start+length-1."""
        if start + length > self.pe.shape[0]:
            raise ToolkitError(f"sequence of {start + length} tokens is longer than the model's "
                               f"{self.pe.shape[0]} positions")
        return self.pe[start:start + length]

    def forward(self, tokens: torch.Tensor, start: int = 0) -> torch.Tensor:
        x = self.table(tokens) * self.scale + self.positions(tokens.shape[1], start)
        return self.dropout(x)


class MultiheadAttention(nn.Module):
    """Scaled dot-product attention with `heads` heads of D/heads dimensions.

    forward(query (B, T, D), key (B, S, D), value (B, S, D)) -> (B, T, D). key_padding_mask (B, S)
    is True on padding; causal lets query t see keys 0..t only (the queries being the last T of
    the keys' positions when some are cached). With a cache dict: if `static_kv`, keys/values are
    projected once and kept (encoder states of cross-attention); otherwise the new keys/values are
    appended to the cached ones (decoder self-attention). Attention itself runs in float32.
    """

    def __init__(self, d_model: int, heads: int, dropout: float = 0.0):
        super().__init__()
        self.heads = heads
        self.head_dim = d_model // heads
        self.dropout = dropout
        self.q_proj = nn.Linear(d_model, d_model)
        self.k_proj = nn.Linear(d_model, d_model)
        self.v_proj = nn.Linear(d_model, d_model)
        self.out_proj = nn.Linear(d_model, d_model)
        for lin in (self.q_proj, self.k_proj, self.v_proj, self.out_proj):
            nn.init.xavier_uniform_(lin.weight)
            nn.init.zeros_(lin.bias)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        B, T, _ = x.shape
        return x.view(B, T, self.heads, self.head_dim).transpose(1, 2)  # (B, H, T, dh)

    def forward(self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                key_padding_mask: torch.Tensor | None = None, causal: bool = False,
                cache: dict[str, torch.Tensor] | None = None, static_kv: bool = False,
                cache_prefix: str = "") -> torch.Tensor:
        B, T, D = query.shape
        q = self._split(self.q_proj(query))
        if cache is not None and static_kv and cache_prefix + "k" in cache:
            k, v = cache[cache_prefix + "k"], cache[cache_prefix + "v"]
        else:
            k, v = self._split(self.k_proj(key)), self._split(self.v_proj(value))
            if cache is not None:
                if not static_kv and cache_prefix + "k" in cache:
                    k = torch.cat([cache[cache_prefix + "k"], k], dim=2)
                    v = torch.cat([cache[cache_prefix + "v"], v], dim=2)
                cache[cache_prefix + "k"], cache[cache_prefix + "v"] = k, v
        mask = None
        if key_padding_mask is not None:
            mask = ~key_padding_mask[:, None, None, :]  # SDPA: True = may attend
        if causal and T > 1:
            S = k.shape[2]  # the queries are the last T of the S positions (earlier ones may be cached)
            if mask is None and S == T:
                return self.out_proj(self._attend(q, k, v, None, True).transpose(1, 2).reshape(B, T, D))
            tri = torch.ones(T, S, dtype=torch.bool, device=q.device).tril(diagonal=S - T)
            mask = tri if mask is None else mask & tri
        return self.out_proj(self._attend(q, k, v, mask, False).transpose(1, 2).reshape(B, T, D))

    def project_shared(self, sequence: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Queries and keys that every batch row shares, from one sequence (T, D) (positional attention):
        (1, H, T, dh) each, for `attend_shared`."""
        x = sequence[None]
        return self._split(self.q_proj(x)), self._split(self.k_proj(x))

    def attend_shared(self, queries_keys: tuple[torch.Tensor, torch.Tensor], value: torch.Tensor,
                      key_padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        """Attention with the shared queries and keys of `project_shared` over value (B, T, D) -> (B, T, D);
        the same as forward(sequence, sequence, value) with the sequence repeated for every row."""
        q, k = queries_keys
        B, T, D = value.shape
        v = self._split(self.v_proj(value))
        mask = None if key_padding_mask is None else ~key_padding_mask[:, None, None, :]
        out = self._attend(q.expand(B, -1, -1, -1), k.expand(B, -1, -1, -1), v, mask, False)
        return self.out_proj(out.transpose(1, 2).reshape(B, T, D))

    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None,
                is_causal: bool) -> torch.Tensor:
        dropout = self.dropout if self.training else 0.0
        if not torch.is_autocast_enabled(q.device.type):  # (entering the context below costs as much as a small op)
            return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=is_causal, dropout_p=dropout)
        # Under bfloat16 autocast the projections gain (AMX), but torch's CPU attention kernel is
        # many times slower in bfloat16 than in float32: attention stays in float32.
        with torch.autocast(q.device.type, enabled=False):
            return F.scaled_dot_product_attention(q.float(), k.float(), v.float(), attn_mask=mask, is_causal=is_causal,
                                                  dropout_p=dropout)


class FeedForward(nn.Module):
    """(B, T, D) -> (B, T, D): Linear(D, F), ReLU, dropout, Linear(F, D)."""

    def __init__(self, d_model: int, ffn_dim: int, activation_dropout: float):
        super().__init__()
        self.fc1 = nn.Linear(d_model, ffn_dim)
        self.fc2 = nn.Linear(ffn_dim, d_model)
        self.dropout = nn.Dropout(activation_dropout)
        for lin in (self.fc1, self.fc2):
            nn.init.xavier_uniform_(lin.weight)
            nn.init.zeros_(lin.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.dropout(F.relu(self.fc1(x))))


class _Residual(nn.Module):
    """x + dropout(f(LN(x))) (pre-norm) or LN(x + dropout(f(x))) (post-norm), for a sublayer f."""

    def __init__(self, d_model: int, dropout: float, pre_norm: bool):
        super().__init__()
        self.norm = nn.LayerNorm(d_model)
        self.dropout = nn.Dropout(dropout)
        self.pre_norm = pre_norm

    def forward(self, x: torch.Tensor, f) -> torch.Tensor:
        if self.pre_norm:
            return x + self.dropout(f(self.norm(x)))
        return self.norm(x + self.dropout(f(x)))


class TransformerEncoderLayer(nn.Module):
    """Self-attention and feed-forward sublayers: x (B, S, D), pad_mask (B, S) True on padding -> (B, S, D)."""

    def __init__(self, d_model: int, heads: int, ffn_dim: int, dropout: float = 0.1, attention_dropout: float = 0.0,
                 activation_dropout: float = 0.0, pre_norm: bool = True):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, heads, attention_dropout)
        self.ffn = FeedForward(d_model, ffn_dim, activation_dropout)
        self.attn_res = _Residual(d_model, dropout, pre_norm)
        self.ffn_res = _Residual(d_model, dropout, pre_norm)

    def forward(self, x: torch.Tensor, pad_mask: torch.Tensor | None = None) -> torch.Tensor:
        x = self.attn_res(x, lambda h: self.self_attn(h, h, h, key_padding_mask=pad_mask))
        return self.ffn_res(x, self.ffn)


class TransformerDecoderLayer(nn.Module):
    """Self-attention (causal or not), optional positional attention, attention to the encoder, feed-forward.

    forward(x (B, T, D), memory (B, S, D), memory_pad_mask (B, S)) -> (B, T, D). `causal=False` with
    `self_pad_mask` (B, T) is the non-autoregressive use. With `positional_attention`, the layer
    has Gu et al.'s extra sublayer whose queries and keys are the position encodings `positions`
    (T, D) (projected once per call, not once per sentence; or already projected, `positional_qk`
    from `MultiheadAttention.project_shared` of `pos_attn`) and values the hidden states.
    `cache` is for incremental (causal) decoding.
    """

    def __init__(self, d_model: int, heads: int, ffn_dim: int, dropout: float = 0.1, attention_dropout: float = 0.0,
                 activation_dropout: float = 0.0, pre_norm: bool = True, positional_attention: bool = False):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, heads, attention_dropout)
        self.self_res = _Residual(d_model, dropout, pre_norm)
        self.pos_attn = MultiheadAttention(d_model, heads, attention_dropout) if positional_attention else None
        self.pos_res = _Residual(d_model, dropout, pre_norm) if positional_attention else None
        self.cross_attn = MultiheadAttention(d_model, heads, attention_dropout)
        self.cross_res = _Residual(d_model, dropout, pre_norm)
        self.ffn = FeedForward(d_model, ffn_dim, activation_dropout)
        self.ffn_res = _Residual(d_model, dropout, pre_norm)

    def forward(self, x: torch.Tensor, memory: torch.Tensor, memory_pad_mask: torch.Tensor | None = None,
                causal: bool = True, self_pad_mask: torch.Tensor | None = None, positions: torch.Tensor | None = None,
                cache: dict[str, torch.Tensor] | None = None,
                positional_qk: tuple[torch.Tensor, torch.Tensor] | None = None) -> torch.Tensor:
        x = self.self_res(x, lambda h: self.self_attn(h, h, h, key_padding_mask=self_pad_mask, causal=causal,
                                                      cache=cache, cache_prefix="self_"))
        if self.pos_attn is not None:
            if positional_qk is None:
                if positions is None:
                    raise ToolkitError("a layer with positional attention needs the position encodings")
                positional_qk = self.pos_attn.project_shared(positions)
            x = self.pos_res(x, lambda h: self.pos_attn.attend_shared(positional_qk, h,
                                                                      key_padding_mask=self_pad_mask))
        x = self.cross_res(x, lambda h: self.cross_attn(h, memory, memory, key_padding_mask=memory_pad_mask,
                                                        cache=cache, static_kv=True, cache_prefix="cross_"))
        return self.ffn_res(x, self.ffn)


class TransformerEncoder(nn.Module):
    """src (B, S) long, PAD-padded -> (states (B, S, D), pad_mask (B, S) True on padding)."""

    def __init__(self, config: TransformerConfig, embedding: TokenEmbedding):
        super().__init__()
        c = config
        self.embedding = embedding
        self.layers = nn.ModuleList(
            TransformerEncoderLayer(c.d_model, c.heads, c.ffn_dim, c.dropout, c.attention_dropout,
                                    c.activation_dropout, c.pre_norm) for _ in range(c.encoder_layers))
        self.final_norm = nn.LayerNorm(c.d_model) if c.pre_norm else None

    def forward(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pad_mask = src.eq(PAD)
        x = self.embedding(src)
        attn_mask = padding_or_none(pad_mask)
        for layer in self.layers:
            x = layer(x, attn_mask)
        if self.final_norm is not None:
            x = self.final_norm(x)
        return x, pad_mask


class TransformerDecoder(nn.Module):
    """Causal decoder: tgt_in (B, T) (BOS + target) and the encoder's output -> hidden states (B, T, D).

    With a cache, tgt_in holds only the new tokens (positions continue after the cached ones).
    """

    def __init__(self, config: TransformerConfig, embedding: TokenEmbedding):
        super().__init__()
        c = config
        self.embedding = embedding
        self.layers = nn.ModuleList(
            TransformerDecoderLayer(c.d_model, c.heads, c.ffn_dim, c.dropout, c.attention_dropout,
                                    c.activation_dropout, c.pre_norm) for _ in range(c.decoder_layers))
        self.final_norm = nn.LayerNorm(c.d_model) if c.pre_norm else None

    def forward(self, tgt_in: torch.Tensor, memory: torch.Tensor, memory_pad_mask: torch.Tensor,
                cache: Cache | None = None) -> torch.Tensor:
        start = 0
        if cache is not None and "self_k" in cache[0]:
            start = cache[0]["self_k"].shape[2]
        x = self.embedding(tgt_in, start)
        memory_pad_mask = padding_or_none(memory_pad_mask)
        for i, layer in enumerate(self.layers):
            x = layer(x, memory, memory_pad_mask, causal=True, cache=None if cache is None else cache[i])
        if self.final_norm is not None:
            x = self.final_norm(x)
        return x


class Transformer(nn.Module):
    """forward(src (B, S), tgt_in (B, T)) -> logits (B, T, V); see the module docstring for the parts."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        c = self.config = config
        src_embed = TokenEmbedding(c.vocab_size, c.d_model, c.max_positions, c.dropout)
        tgt_embed = TokenEmbedding(c.vocab_size, c.d_model, c.max_positions, c.dropout,
                                   table=src_embed.table if c.share_embeddings else None)
        self.encoder = TransformerEncoder(c, src_embed)
        self.decoder = TransformerDecoder(c, tgt_embed)
        self.output_projection = nn.Linear(c.d_model, c.vocab_size, bias=False)
        if c.tie_output:
            self.output_projection.weight = tgt_embed.table.weight
        else:
            nn.init.normal_(self.output_projection.weight, 0.0, c.d_model ** -0.5)

    def encode(self, src: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(memory (B, S, D), memory_pad_mask (B, S))."""
        return self.encoder(src)

    def decode(self, tgt_in: torch.Tensor, memory: torch.Tensor, memory_pad_mask: torch.Tensor,
               cache: Cache | None = None) -> torch.Tensor:
        """Logits (B, T, V) of the token after each position of tgt_in."""
        return self.output_projection(self.decoder(tgt_in, memory, memory_pad_mask, cache))

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        memory, mask = self.encode(src)
        return self.decode(tgt_in, memory, mask)

    def new_cache(self) -> Cache:
        """An empty incremental-decoding cache (one dict per decoder layer)."""
        return [{} for _ in self.decoder.layers]

    def decode_step(self, last_tokens: torch.Tensor, memory: torch.Tensor, memory_pad_mask: torch.Tensor,
                    cache: Cache) -> torch.Tensor:
        """Log-probabilities (N, V) of the next token given the newest tokens (N,) and the cache (updated)."""
        logits = self.decode(last_tokens[:, None], memory, memory_pad_mask, cache)[:, -1]
        return F.log_softmax(logits.float(), dim=-1)

    def num_parameters(self) -> int:
        """Distinct trainable parameters (a shared table counts once)."""
        return sum(p.numel() for p in self.parameters())


def save_model(path: str | os.PathLike, model: Transformer, info: dict | None = None) -> None:
    """Write the config and parameters (and `info`, plain values) to a torch file, atomically."""
    save_torch_file(path, FORMAT, VERSION, {"config": asdict(model.config), "state_dict": model.state_dict(),
                                            "info": info or {}})


def model_from_state(config: dict, state_dict: dict, where: str | os.PathLike) -> Transformer:
    """A Transformer of `config` holding `state_dict`; InputError naming `where` if they do not fit."""
    try:
        model = Transformer(TransformerConfig.from_dict(config))
        model.load_state_dict(state_dict)
    except (TypeError, RuntimeError, ToolkitError) as e:
        raise InputError(f"parameters do not fit the model's config ({e})", where) from None
    return model


def load_model(path: str | os.PathLike) -> Transformer:
    """The model `save_model` wrote, in eval mode."""
    blob = load_torch_file(path, FORMAT, VERSION, "Transformer model")
    model = model_from_state(blob["config"], blob["state_dict"], path)
    return model.eval()
