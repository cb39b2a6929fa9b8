"""Skip-gram word embeddings with negative sampling (Mikolov et al. 2013), trained as word2vec does.

The corpus is a text file, one sentence per line, cut into `toolkit.text.words.words` tokens
(lower-cased words, punctuation dropped). Words seen fewer than `min_count` times are removed
from the token stream before windows are taken, as in word2vec. In every epoch:
- each token is kept with probability (sqrt(f / (t N)) + 1) t N / f (word2vec's subsampling of
  frequent words: f its count, N the number of tokens, t = `subsample`);
- each kept token gets a window b drawn uniformly from 1..`window` and is paired, as centre,
  with the kept tokens at most b positions away in its sentence;
- the pairs, shuffled, are trained in minibatches: the loss of a pair (c, o) is
  -log s(u_o . v_c) - sum_k log s(-u_nk . v_c) over `negatives` words n_k drawn from the
  unigram distribution raised to 3/4, with v the input and u the output table.
Updates are plain SGD on the rows a batch touches (gradients of repeated rows add up, as in
word2vec's sequential updates), with the learning rate falling linearly from `lr` to
`lr` * 1e-4 over all epochs. The input vectors are the embeddings.
"""
from __future__ import annotations

import os
from array import array
from dataclasses import dataclass

import numpy as np
import torch

from toolkit.errors import InputError
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.text.words import words as word_tokens

_log = get_logger(__name__)

# Sentences are grouped into chunks of about this many tokens; pairs are shuffled within a chunk,
# which bounds memory (about 2 * window pairs per token) whatever the corpus size.
_CHUNK_TOKENS = 1 << 20


@dataclass
class Corpus:
    """A text as word ids: `words` most frequent first, `counts` (V,) int64 in the same order,
    `ids` (T,) int64 the tokens of all sentences in order, sentence s = ids[starts[s]:starts[s+1]]."""

    words: list[str]
    counts: np.ndarray
    ids: np.ndarray
    starts: np.ndarray


@dataclass
class SkipGramOptions:
    dim: int = 100
    window: int = 5
    negatives: int = 5
    epochs: int = 5
    subsample: float = 1e-4
    lr: float = 0.025
    batch_size: int = 1024
    seed: int = 0


def read_corpus(path: str | os.PathLike, min_count: int = 3) -> Corpus:
    """The word tokens of a UTF-8 text file (one sentence per line) whose word occurs >= `min_count` times.

    Words are ordered by count, most frequent first (ties in code-point order).
    """
    index: dict[str, int] = {}
    counts: list[int] = []
    ids = array("q")
    lengths: list[int] = []
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            for line in f:
                toks = word_tokens(line)
                for w in toks:
                    i = index.setdefault(w, len(index))
                    if i == len(counts):
                        counts.append(0)
                    counts[i] += 1
                    ids.append(i)
                lengths.append(len(toks))
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e})", path) from None
    first_seen = list(index)
    order = sorted((w for w in first_seen if counts[index[w]] >= min_count), key=lambda w: (-counts[index[w]], w))
    if not order:
        raise InputError(f"no word occurs {min_count} times (--min-count)", path)
    new_id = np.full(len(first_seen), -1, dtype=np.int64)
    new_id[[index[w] for w in order]] = np.arange(len(order))
    raw = new_id[np.frombuffer(ids, dtype=np.int64)] if ids else np.empty(0, dtype=np.int64)
    keep = raw >= 0
    # Sentence boundaries survive the removal of rare words: count kept tokens per sentence.
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    kept_lengths = np.bincount(sentence_of[keep], minlength=len(lengths))
    starts = np.concatenate([[0], np.cumsum(kept_lengths)]).astype(np.int64)
    return Corpus(words=order, counts=np.asarray([counts[index[w]] for w in order], dtype=np.int64),
                  ids=raw[keep], starts=starts)


def keep_probabilities(counts: np.ndarray, subsample: float) -> np.ndarray:
    """(V,) probability that a token of each word survives word2vec's subsampling; all 1 if `subsample` <= 0."""
    counts = np.asarray(counts, dtype=np.float64)
    if subsample <= 0:
        return np.ones_like(counts)
    threshold = subsample * counts.sum()
    return np.minimum(1.0, (np.sqrt(counts / threshold) + 1.0) * threshold / counts)


def window_pairs(ids: np.ndarray, sentence: np.ndarray, window: int, rng: np.random.Generator) -> np.ndarray:
    """(P, 2) int64 (centre, context) pairs with word2vec's dynamic window.

    `ids` (T,) tokens, `sentence` (T,) the sentence of each token (pairs never cross sentences);
    each centre draws its own window size from 1..`window`.
    """
    reach = rng.integers(1, window + 1, size=len(ids))
    centres, contexts = [], []
    for off in range(1, window + 1):
        same = sentence[:-off] == sentence[off:]
        right = same & (reach[:-off] >= off)  # centre i, context i + off
        left = same & (reach[off:] >= off)  # centre i + off, context i
        centres += [ids[:-off][right], ids[off:][left]]
        contexts += [ids[off:][right], ids[:-off][left]]
    if not centres:
        return np.empty((0, 2), dtype=np.int64)
    return np.stack([np.concatenate(centres), np.concatenate(contexts)], axis=1)


def train_skipgram(corpus: Corpus, opts: SkipGramOptions) -> np.ndarray:
    """(V, dim) float32 input embeddings of `corpus.words`, trained by skip-gram with negative sampling.

    Deterministic for a given `opts.seed` and thread count.
    """
    vocab, dim = len(corpus.words), opts.dim
    rng = np.random.default_rng(opts.seed)
    gen = torch.Generator().manual_seed(opts.seed)
    emb_in = (torch.rand(vocab, dim, generator=gen) - 0.5) / dim
    emb_out = torch.zeros(vocab, dim)
    noise = torch.from_numpy(corpus.counts.astype(np.float64) ** 0.75)
    noise /= noise.sum()
    keep_prob = keep_probabilities(corpus.counts, opts.subsample)
    sentence = np.repeat(np.arange(len(corpus.starts) - 1), np.diff(corpus.starts))
    chunks = _chunks(corpus.starts)
    total = len(corpus.ids) * opts.epochs
    done = 0
    for epoch in range(1, opts.epochs + 1):
        loss_sum, pairs_seen = 0.0, 0
        for lo, hi in progress(chunks, desc=f"skip-gram epoch {epoch}/{opts.epochs}", unit="chunks"):
            ids, sent = corpus.ids[lo:hi], sentence[lo:hi]
            kept = rng.random(hi - lo) < keep_prob[ids]
            pairs = window_pairs(ids[kept], sent[kept], opts.window, rng)
            pairs = torch.from_numpy(pairs[rng.permutation(len(pairs))])
            for b in range(0, len(pairs), opts.batch_size):
                batch = pairs[b:b + opts.batch_size]
                frac = (done + (hi - lo) * b / len(pairs)) / total
                lr = opts.lr * max(1e-4, 1.0 - frac)
                neg = torch.multinomial(noise, len(batch) * opts.negatives, replacement=True, generator=gen)
                loss_sum += _sgd_step(emb_in, emb_out, batch[:, 0], batch[:, 1],
                                      neg.view(len(batch), opts.negatives), lr)
            pairs_seen += len(pairs)
            done += hi - lo
        _log.info("skip-gram epoch %d: %d pairs, mean loss %.4f", epoch, pairs_seen,
                  loss_sum / max(1, pairs_seen))
    return emb_in.numpy()


@torch.no_grad()
def _sgd_step(emb_in: torch.Tensor, emb_out: torch.Tensor, centre: torch.Tensor, context: torch.Tensor,
              negative: torch.Tensor, lr: float) -> float:
    """One SGD step on a batch of B pairs with (B, K) negatives; returns the summed loss (before the step)."""
    v = emb_in[centre]  # (B, D)
    u_pos = emb_out[context]  # (B, D)
    u_neg = emb_out[negative]  # (B, K, D)
    s_pos = (v * u_pos).sum(-1)
    s_neg = torch.bmm(u_neg, v.unsqueeze(-1)).squeeze(-1)  # (B, K)
    loss = -(torch.nn.functional.logsigmoid(s_pos).sum() + torch.nn.functional.logsigmoid(-s_neg).sum())
    # d loss / d score: sigmoid(s) - 1 for the true context, sigmoid(s) for a negative.
    g_pos = torch.sigmoid(s_pos) - 1.0
    g_neg = torch.sigmoid(s_neg)
    grad_v = g_pos.unsqueeze(-1) * u_pos + torch.bmm(g_neg.unsqueeze(1), u_neg).squeeze(1)
    emb_out.index_add_(0, context, g_pos.unsqueeze(-1) * v, alpha=-lr)
    emb_out.index_add_(0, negative.reshape(-1), (g_neg.unsqueeze(-1) * v.unsqueeze(1)).reshape(-1, v.shape[1]),
                       alpha=-lr)
    emb_in.index_add_(0, centre, grad_v, alpha=-lr)
    return float(loss)


def _chunks(starts: np.ndarray) -> list[tuple[int, int]]:
    """Token ranges [lo, hi) made of whole sentences, each about _CHUNK_TOKENS long."""
    bounds = [0]
    for s in starts[1:]:
        if s - bounds[-1] >= _CHUNK_TOKENS:
            bounds.append(int(s))
    if bounds[-1] != starts[-1]:
        bounds.append(int(starts[-1]))
    return [(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:])]
