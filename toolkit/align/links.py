"""Every alignment link of one direction of a corpus, as flat arrays, and EM over them.

A direction generates each token of one side (the "generated" side, length m) from one token of
the other ("conditioning" side, length n) or from NULL. The links of a sentence pair form an
(m, n + 1) grid, column 0 being NULL. Pairs of equal (m, n) are grouped into buckets, so that an
alignment distribution p(a_j = i | j, m, n) is one (m, n + 1) matrix per bucket and the posteriors
of a bucket are one (B, m, n + 1) array. The lexical table t(g | c) is sparse: one entry per
(conditioning word, generated word) pair that co-occurs in some sentence pair, NULL included.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from toolkit.align.bitext import Sentences

Prior = Callable[[int, int], np.ndarray]
"""prior(m, n) -> (m, n + 1) float64: p(a_j = i | j, m, n), column 0 for NULL; rows sum to 1."""


@dataclass(frozen=True)
class Bucket:
    """The sentence pairs with generated length m and conditioning length n; their links are
    flat[start:start + len(pairs) * m * (n + 1)], shaped (B, m, n + 1) in C order."""

    m: int
    n: int
    pairs: np.ndarray
    start: int

    @property
    def stop(self) -> int:
        return self.start + len(self.pairs) * self.m * (self.n + 1)


@dataclass(frozen=True)
class EStep:
    """Result of one E-step: expected counts per table entry (P,), the corpus log-likelihood (nats),
    and per bucket the posteriors summed over its pairs, (m, n + 1) each (statistics of the
    alignment distribution)."""

    counts: np.ndarray
    log_likelihood: float
    bucket_posteriors: list[np.ndarray]


class Links:
    """The link grids of all pairs of one direction, and the sparse table they index.

    entry: (L,) int32, table entry of each link; entry_cond, entry_gen: (P,) int32, the
    conditioning word (0 = NULL, word id + 1 otherwise) and generated word of each entry.
    """

    def __init__(self, cond: Sentences, gen: Sentences, gen_vocab_size: int):
        if len(cond) != len(gen):
            raise ValueError(f"{len(cond)} conditioning sentences but {len(gen)} generated ones")
        self.gen = gen
        self.gen_vocab_size = gen_vocab_size
        self.num_pairs = len(gen)
        self.num_tokens = len(gen.ids)
        n_len, m_len = cond.lengths, gen.lengths
        order = np.lexsort((n_len, m_len))
        shape = np.stack([m_len[order], n_len[order]], axis=1)
        cuts = np.flatnonzero(np.any(shape[1:] != shape[:-1], axis=1)) + 1
        bounds = np.concatenate([[0], cuts, [len(order)]])
        self.buckets: list[Bucket] = []
        keys = []
        start = 0
        for a, b in zip(bounds[:-1], bounds[1:]):
            pairs = order[a:b]
            m, n = int(shape[a, 0]), int(shape[a, 1])
            c = np.zeros((len(pairs), n + 1), dtype=np.int64)
            c[:, 1:] = cond.ids[cond.offsets[pairs][:, None] + np.arange(n)] + 1
            g = gen.ids[gen.offsets[pairs][:, None] + np.arange(m)]
            keys.append((c[:, None, :] * gen_vocab_size + g[:, :, None]).ravel())
            self.buckets.append(Bucket(m, n, pairs, start))
            start = self.buckets[-1].stop
        table, self.entry = _index_keys(np.concatenate(keys), (int(cond.ids.max()) + 2) * gen_vocab_size)
        del keys
        self.entry_cond = (table // gen_vocab_size).astype(np.int32)
        self.entry_gen = (table % gen_vocab_size).astype(np.int32)
        self.num_cond = int(self.entry_cond.max()) + 1
        self._scratch = np.empty(len(self.entry), dtype=np.float64)

    @property
    def num_links(self) -> int:
        return len(self.entry)

    @property
    def num_entries(self) -> int:
        return len(self.entry_cond)

    def uniform_table(self) -> np.ndarray:
        """t(g | c) = 1 / (generated vocabulary size): EM's usual starting point, under which
        Model 1's first posteriors are uniform."""
        return np.full(self.num_entries, 1.0 / self.gen_vocab_size)

    def e_step(self, t: np.ndarray, prior: Prior) -> EStep:
        """Posteriors p(a_j = i | pair) ∝ prior(m, n)[j, i] * t(g_j | c_i) of every link, and what
        EM needs from them. t: (P,) float64."""
        post = self._scratch
        log_likelihood = 0.0
        sums = []
        for b in self.buckets:
            p = post[b.start:b.stop]
            np.take(t, self.entry[b.start:b.stop], out=p)
            p = p.reshape(len(b.pairs), b.m, b.n + 1)
            p *= prior(b.m, b.n)
            z = p.sum(axis=2, keepdims=True)
            np.maximum(z, np.finfo(np.float64).tiny, out=z)
            log_likelihood += float(np.log(z).sum())
            p /= z
            sums.append(p.sum(axis=0))
        counts = np.bincount(self.entry, weights=post, minlength=self.num_entries)
        return EStep(counts, log_likelihood, sums)

    def normalize(self, counts: np.ndarray, vb_alpha: float = 0.0) -> np.ndarray:
        """M-step for t: counts (P,) -> t (P,), each conditioning word's entries summing to 1.

        vb_alpha > 0 gives fast_align's variational Bayes update under a symmetric Dirichlet prior:
        t = exp(digamma(count + alpha) - digamma(sum over the word's entries of (count + alpha))),
        which sums to less than 1 and shrinks rare words' distributions.
        """
        if vb_alpha > 0:
            total = np.bincount(self.entry_cond, weights=counts + vb_alpha, minlength=self.num_cond)
            return np.exp(digamma(counts + vb_alpha) - digamma(total)[self.entry_cond])
        total = np.bincount(self.entry_cond, weights=counts, minlength=self.num_cond)
        return counts / np.maximum(total, np.finfo(np.float64).tiny)[self.entry_cond]

    def viterbi(self, t: np.ndarray, prior: Prior) -> np.ndarray:
        """Best link of every generated token: (N_gen,) int32 conditioning position (0-based), or -1
        for NULL, in the generated side's token order (split by `gen.offsets`). Ties go to NULL,
        then to the leftmost position (as fast_align)."""
        out = np.empty(self.num_tokens, dtype=np.int32)
        for b in self.buckets:
            p = t[self.entry[b.start:b.stop]].reshape(len(b.pairs), b.m, b.n + 1) * prior(b.m, b.n)
            out[self.gen.offsets[b.pairs][:, None] + np.arange(b.m)] = p.argmax(axis=2) - 1
        return out


_DENSE_KEY_LIMIT = 2**28


def _index_keys(keys: np.ndarray, key_space: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted distinct keys (P,), index of each key among them (L,) int32 or int64).

    With a key space of at most 2**28 a dense map replaces np.unique's sort (5x faster here).
    """
    if key_space <= _DENSE_KEY_LIMIT:
        present = np.zeros(key_space, dtype=bool)
        present[keys] = True
        table = np.flatnonzero(present)
        del present
        rank = np.zeros(key_space, dtype=np.int32)
        rank[table] = np.arange(len(table), dtype=np.int32)
        return table, rank[keys]
    table, index = np.unique(keys, return_inverse=True)
    return table, index.astype(np.int32 if len(table) < 2**31 else np.int64)


def digamma(x: np.ndarray) -> np.ndarray:
    """The digamma function for x > 0 (float64, absolute error below 1e-12): the recurrence
    psi(x) = psi(x + 8) - sum_{k<8} 1/(x + k), then the asymptotic series at x + 8."""
    x = np.array(x, dtype=np.float64)
    result = np.zeros_like(x)
    for k in range(8):
        result -= 1.0 / (x + k)
    x = x + 8.0
    inv2 = 1.0 / (x * x)
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 * (1 / 132)))))
    return result + np.log(x) - 0.5 / x - series


@dataclass(frozen=True)
class IterationStats:
    """What one EM iteration reports (as fast_align prints it)."""

    model: str
    iteration: int
    log_likelihood: float
    cross_entropy: float
    perplexity: float
    posterior_p0: float
    tension: float | None = None

    @classmethod
    def from_e_step(cls, model: str, iteration: int, e: EStep, num_tokens: int,
                    tension: float | None = None) -> IterationStats:
        bits = -e.log_likelihood / math.log(2) / num_tokens
        p0 = sum(float(s[:, 0].sum()) for s in e.bucket_posteriors) / num_tokens
        return cls(model, iteration, e.log_likelihood, bits, 2.0 ** bits, p0, tension)

    def describe(self) -> str:
        text = (f"{self.model} iteration {self.iteration}: log_e likelihood {self.log_likelihood:.6g}, "
                f"cross entropy {self.cross_entropy:.4f} bits, perplexity {self.perplexity:.4g}, "
                f"posterior p0 {self.posterior_p0:.4f}")
        return text if self.tension is None else f"{text}, tension {self.tension:.4f}"
