"""Batched greedy and beam search over an autoregressive model, and batched scoring of given targets.

A model used here provides `encode(src) -> (memory, memory_pad_mask)`, `new_cache()` and
`decode_step(last_tokens (N,), memory, memory_pad_mask, cache) -> log_probs (N, V)` (the
Transformer does); memory, mask and every cache tensor are batch-first, which is how
finished sentences are dropped and beams reordered (index_select on dim 0).

A hypothesis's `log_prob` is the sum of its tokens' log-probabilities, EOS included (exactly
what `score_sequences` computes for it); its `score` is fairseq's length-normalised
log_prob / (len(tokens) + 1) ** lenpen. PAD and BOS are never generated. A sentence of n source
pieces gets at most int(max_len_a * n + max_len_b) tokens (and no more than the model's
positions allow), after which EOS is forced. Beam search keeps `beam` live hypotheses per
sentence; an EOS among the best `beam` candidates of a step finishes a hypothesis, and a
sentence is done when `beam` hypotheses have finished (fairseq's rule).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from toolkit.errors import ToolkitError
from toolkit.mt.batching import pad_sequences
from toolkit.mt.vocab import BOS, EOS, PAD


@dataclass
class Hypothesis:
    tokens: list[int]   # generated pieces, without BOS/EOS
    log_prob: float     # sum of log-probabilities of tokens + EOS
    score: float        # log_prob / (len(tokens) + 1) ** lenpen


def length_normalised(log_prob, length, lenpen: float):
    """fairseq's normalisation: log_prob / length ** lenpen, length counting the EOS (floats, or
    tensors element-wise)."""
    return log_prob / (length ** lenpen)


def max_output_lengths(src: torch.Tensor, max_len_a: float, max_len_b: int, max_positions: int | None) -> list[int]:
    """Most tokens (EOS excluded) each sentence of src (B, S) may get: int(a * pieces + b), within the positions."""
    pieces = (src.ne(PAD) & src.ne(EOS)).sum(1).tolist()
    cap = max_positions - 1 if max_positions else None  # the decoder sees BOS + the tokens
    out = [max(0, int(max_len_a * n + max_len_b)) for n in pieces]
    return [min(m, cap) for m in out] if cap is not None else out


def _select(memory: torch.Tensor, mask: torch.Tensor, cache: list[dict], rows: torch.Tensor):
    cache = [{k: v.index_select(0, rows) for k, v in layer.items()} for layer in cache]
    return memory.index_select(0, rows), mask.index_select(0, rows), cache


def _max_positions(model) -> int | None:
    config = getattr(model, "config", None)
    return getattr(config, "max_positions", None)


@torch.inference_mode()
def greedy_search(model, src: torch.Tensor, max_len_a: float = 1.5, max_len_b: int = 10,
                  min_len: int = 1, bos: int = BOS) -> list[Hypothesis]:
    """The argmax continuation of each sentence of src (B, S); sentences leave the batch as they finish."""
    return [h[0] for h in beam_search(model, src, beam=1, lenpen=0.0, max_len_a=max_len_a, max_len_b=max_len_b,
                                      min_len=min_len, bos=bos)]


@torch.inference_mode()
def beam_search(model, src: torch.Tensor, beam: int = 5, lenpen: float = 1.0, max_len_a: float = 1.5,
                max_len_b: int = 10, nbest: int | None = None, min_len: int = 1,
                bos: int = BOS) -> list[list[Hypothesis]]:
    """The `nbest` (default `beam`) best finished hypotheses of each sentence of src (B, S), best first.

    EOS is barred before `min_len` tokens (fairseq's --min-len): by default no translation is empty.
    The decoder starts from `bos` (a language token for a multilingual decoder), never generated.
    """
    if beam < 1:
        raise ToolkitError(f"beam must be at least 1, got {beam}")
    nbest = beam if nbest is None else nbest
    if not 1 <= nbest <= beam:
        raise ToolkitError(f"nbest must be between 1 and the beam ({beam}), got {nbest}")
    B, K = src.shape[0], beam
    limits = max_output_lengths(src, max_len_a, max_len_b, _max_positions(model))
    finished: list[list[Hypothesis]] = [[] for _ in range(B)]
    memory, mask = model.encode(src)
    device = memory.device
    rows = torch.arange(B, device=device).repeat_interleave(K)
    memory, mask, cache = _select(memory, mask, model.new_cache(), rows)
    active = list(range(B))                       # sentence of each group of K rows
    tokens = torch.full((B * K, 0), PAD, dtype=torch.long, device=device)
    cum = torch.full((B, K), float("-inf"), device=device)
    cum[:, 0] = 0.0                               # the K copies of the empty prefix count once
    cum = cum.view(-1)
    step = 0
    while active:
        last = torch.full((len(active) * K,), bos, dtype=torch.long, device=device) if step == 0 else tokens[:, -1]
        lp = model.decode_step(last, memory, mask, cache).float()
        V = lp.shape[1]
        lp[:, PAD] = float("-inf")
        lp[:, BOS] = float("-inf")
        lp[:, bos] = float("-inf")
        if step < min_len:
            lp[:, EOS] = float("-inf")
        forced = torch.tensor([limits[s] <= step for s in active], device=device).repeat_interleave(K)
        if forced.any():
            eos_col = lp[forced, EOS].clone()
            lp[forced] = float("-inf")
            lp[forced, EOS] = eos_col
        cand = (cum[:, None] + lp).view(len(active), K * V)
        top_scores, top_idx = cand.topk(min(2 * K, K * V), dim=1)
        top_scores, top_idx = top_scores.tolist(), top_idx.tolist()
        keep_rows, keep_tokens, keep_scores, still = [], [], [], []
        for a, s in enumerate(active):
            nxt = []
            for j, (score, idx) in enumerate(zip(top_scores[a], top_idx[a])):
                if score == float("-inf") or len(finished[s]) >= K:
                    break
                b, tok = divmod(idx, V)
                if tok == EOS:
                    if j < K:
                        hyp_tokens = tokens[a * K + b].tolist()
                        finished[s].append(Hypothesis(hyp_tokens, score,
                                                      length_normalised(score, len(hyp_tokens) + 1, lenpen)))
                elif len(nxt) < K:
                    nxt.append((a * K + b, tok, score))
            if len(finished[s]) < K and nxt:
                still.append(s)
                nxt += [(nxt[0][0], nxt[0][1], float("-inf"))] * (K - len(nxt))  # dead rows keep the shape
                for row, tok, score in nxt:
                    keep_rows.append(row)
                    keep_tokens.append(tok)
                    keep_scores.append(score)
        active = still
        if not active:
            break
        rows = torch.tensor(keep_rows, dtype=torch.long, device=device)
        memory, mask, cache = _select(memory, mask, cache, rows)
        tokens = torch.cat([tokens.index_select(0, rows), torch.tensor(keep_tokens, device=device)[:, None]], dim=1)
        cum = torch.tensor(keep_scores, device=device)
        step += 1
    return [sorted(f, key=lambda h: -h.score)[:nbest] for f in finished]


@torch.inference_mode()
def score_sequences(model, src: torch.Tensor, targets: list[list[int]],
                    rows: torch.Tensor | None = None, bos: int = BOS) -> torch.Tensor:
    """(N,) float: log P(target + EOS | source) of each target in one forward pass.

    src (B, S) as the model takes it (pieces + EOS, PAD-padded); targets: N piece lists without
    BOS/EOS; rows (N,) long: the row of src each target translates (default: target n is
    src[n], N = B). With rows, each source is encoded once however many candidates it has
    (noisy parallel decoding). The decoder starts from `bos`, as in `beam_search`.
    """
    if rows is None:
        rows = torch.arange(src.shape[0], device=src.device)
    if rows.shape[0] != len(targets):
        raise ToolkitError(f"{rows.shape[0]} sources but {len(targets)} targets")
    tgt_in = pad_sequences(targets, prefix=[bos], device=src.device)
    tgt_out = pad_sequences(targets, suffix=[EOS], device=src.device)
    memory, mask = model.encode(src)
    logits = model.decode(tgt_in, memory.index_select(0, rows), mask.index_select(0, rows))
    lp = torch.log_softmax(logits.float(), dim=-1).gather(2, tgt_out[:, :, None]).squeeze(2)
    return lp.masked_fill(tgt_out.eq(PAD), 0.0).sum(1)
