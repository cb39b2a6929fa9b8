"""fast_align (Dyer, Chahuneau & Smith 2013): IBM Model 2 reparameterised to favour the diagonal.

Generated token j of m (1-based) aligns to NULL with probability p0, otherwise to conditioning
position i of n (1-based) with probability (1 - p0) * exp(lambda * h(i, j)) / Z_j, where
h(i, j) = -|i/n - j/m| and lambda is the tension. The lexical table starts from IBM Model 1
(`ibm1_iterations` EM iterations, maximum likelihood; fast_align itself starts this model from a
uniform table), then `iterations` EM iterations run on this model as `fast_align -d -o -v` runs
them (-v when vb_alpha > 0), and a last pass takes the Viterbi links (fast_align's `-I N` counts
that pass among its N iterations). Defaults: p0 0.08, starting tension 4, alpha 0.01, as fast_align.

Tension: after every E-step, lambda is set to the exact maximiser of the expected complete-data
log-likelihood given the posteriors, sum_j sum_{i>0} post(i, j) * (lambda h(i, j) - log Z_j(lambda)),
a concave function of lambda, by Newton's method, clamped to fast_align's range [0.1, 14].
(fast_align takes 8 fixed-size gradient steps towards the same point and normalises the model
side by all tokens rather than by non-NULL posterior mass.) p0 stays fixed, as in fast_align.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from toolkit.align.bitext import Sentences
from toolkit.align.ibm1 import train_ibm1, uniform_prior
from toolkit.align.links import IterationStats, Links
from toolkit.log import get_logger

_log = get_logger(__name__)

MIN_TENSION, MAX_TENSION = 0.1, 14.0


@dataclass(frozen=True)
class FastAlignConfig:
    """Training schedule and model constants (defaults: fast_align's, with -d -o -v)."""

    ibm1_iterations: int = 5
    iterations: int = 5
    p0: float = 0.08
    tension: float = 4.0
    optimize_tension: bool = True
    vb_alpha: float = 0.01
    """Dirichlet prior of fast_align -v; 0 gives maximum-likelihood EM."""

    def __post_init__(self):
        if self.ibm1_iterations < 0 or self.iterations < 0:
            raise ValueError("iteration counts must be non-negative")
        if not 0.0 < self.p0 < 1.0:
            raise ValueError(f"p0 must be in (0, 1), got {self.p0}")
        if not MIN_TENSION <= self.tension <= MAX_TENSION:
            raise ValueError(f"tension must be in [{MIN_TENSION}, {MAX_TENSION}], got {self.tension}")
        if self.vb_alpha < 0:
            raise ValueError(f"vb_alpha must be non-negative, got {self.vb_alpha}")


@cache
def diagonal_feature(m: int, n: int) -> np.ndarray:
    """h(i, j) = -|i/n - j/m| for j = 1..m, i = 1..n: (m, n) float64 (read-only, cached)."""
    h = -np.abs(np.arange(1, n + 1)[None, :] / n - np.arange(1, m + 1)[:, None] / m)
    h.setflags(write=False)
    return h


def diagonal_prior(m: int, n: int, p0: float, tension: float) -> np.ndarray:
    """fast_align's p(a_j = i | j, m, n): (m, n + 1), column 0 = p0 (NULL); rows sum to 1."""
    w = np.exp(tension * diagonal_feature(m, n))
    out = np.empty((m, n + 1))
    out[:, 0] = p0
    out[:, 1:] = (1.0 - p0) * w / w.sum(axis=1, keepdims=True)
    return out


def optimize_tension(shapes: Sequence[tuple[int, int]], bucket_posteriors: Sequence[np.ndarray], tension: float,
                     max_steps: int = 50, tol: float = 1e-7) -> float:
    """The tension in [0.1, 14] maximising sum_j sum_{i>0} post(i, j) * log p(a_j = i | j, m, n)
    given summed posteriors: one (m, n + 1) array per (generated length m, conditioning length n)
    in `shapes`. Starts Newton's method from `tension`."""
    emp = sum(float((s[:, 1:] * diagonal_feature(m, n)).sum()) for (m, n), s in zip(shapes, bucket_posteriors))
    mass = [s[:, 1:].sum(axis=1) for s in bucket_posteriors]
    for _ in range(max_steps):
        grad, hess = emp, 0.0
        for (m, n), w in zip(shapes, mass):
            h = diagonal_feature(m, n)
            q = np.exp(tension * (h - h.max(axis=1, keepdims=True)))
            q /= q.sum(axis=1, keepdims=True)
            mean = (q * h).sum(axis=1)
            var = (q * h * h).sum(axis=1) - mean * mean
            grad -= float(w @ mean)
            hess -= float(w @ var)
        if hess >= 0.0:  # every sentence of length 1 on the conditioning side: lambda is undetermined
            return tension
        new = float(np.clip(tension - grad / hess, MIN_TENSION, MAX_TENSION))
        if abs(new - tension) < tol:
            return new
        tension = new
    return tension


def train_fast_align(links: Links, t: np.ndarray, config: FastAlignConfig,
                     name: str = "fast_align") -> tuple[np.ndarray, float, list[IterationStats]]:
    """`config.iterations` EM iterations of the diagonal model from table `t` -> (t, tension, history)."""
    tension = config.tension
    history = []
    for it in range(1, config.iterations + 1):
        e = links.e_step(t, lambda m, n, lam=tension: diagonal_prior(m, n, config.p0, lam))
        history.append(IterationStats.from_e_step(name, it, e, links.num_tokens, tension))
        _log.info("%s", history[-1].describe())
        if config.optimize_tension:
            tension = optimize_tension([(b.m, b.n) for b in links.buckets], e.bucket_posteriors, tension)
        t = links.normalize(e.counts, config.vb_alpha)
    return t, tension, history


@dataclass
class DirectionalAlignment:
    """Viterbi alignment of one direction: for each generated token the conditioning position it
    aligns to (0-based) or -1 for NULL; `positions` (N_gen,) int32 split by `offsets` (S + 1,)."""

    positions: np.ndarray
    offsets: np.ndarray
    tension: float
    history: list[IterationStats] = field(default_factory=list)
    seconds: float = 0.0

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def sentence(self, s: int) -> np.ndarray:
        return self.positions[self.offsets[s]:self.offsets[s + 1]]


def align_direction(cond: Sentences, gen: Sentences, gen_vocab_size: int, config: FastAlignConfig,
                    name: str = "") -> DirectionalAlignment:
    """Model 1, then fast_align's model, then Viterbi, generating `gen` from `cond`.

    With config.iterations = 0 the Viterbi alignment is Model 1's.
    """
    start = time.perf_counter()
    links = Links(cond, gen, gen_vocab_size)
    _log.info("%s: %d pairs, %d generated tokens, %d links, %d table entries (%.1f s)", name or "links",
              links.num_pairs, links.num_tokens, links.num_links, links.num_entries, time.perf_counter() - start)
    prefix = f"{name} " if name else ""
    t, history = train_ibm1(links, config.ibm1_iterations, name=f"{prefix}model1")
    tension = config.tension
    if config.iterations > 0:
        t, tension, more = train_fast_align(links, t, config, name=f"{prefix}fast_align")
        history += more
        positions = links.viterbi(t, lambda m, n: diagonal_prior(m, n, config.p0, tension))
    else:
        positions = links.viterbi(t, uniform_prior)
    seconds = time.perf_counter() - start
    _log.info("%s: aligned in %.1f s", name or "direction", seconds)
    return DirectionalAlignment(positions, gen.offsets, tension, history, seconds)
