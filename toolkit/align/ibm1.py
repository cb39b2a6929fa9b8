"""IBM Model 1 (Brown et al. 1993) with a NULL word, trained by EM over all links at once.

p(g_1..g_m | c_1..c_n) = prod_j sum_{i=0..n} t(g_j | c_i) / (n + 1), c_0 = NULL. The corpus
log-likelihood never decreases from one iteration to the next (EM); its maximum-likelihood
table is where fast_align's Model 2 starts.
"""
from __future__ import annotations

import numpy as np

from toolkit.align.links import IterationStats, Links
from toolkit.log import get_logger

_log = get_logger(__name__)


def uniform_prior(m: int, n: int) -> np.ndarray:
    """Model 1's alignment distribution: (m, n + 1), every position (NULL included) 1 / (n + 1)."""
    return np.full((m, n + 1), 1.0 / (n + 1))


def train_ibm1(links: Links, iterations: int, t: np.ndarray | None = None,
               name: str = "model1") -> tuple[np.ndarray, list[IterationStats]]:
    """`iterations` EM iterations from `t` (default: uniform) -> (t (P,), one IterationStats per
    iteration, each reporting the likelihood of the table the iteration started from)."""
    if iterations < 0:
        raise ValueError("iterations must be non-negative")
    t = links.uniform_table() if t is None else t
    history = []
    for it in range(1, iterations + 1):
        e = links.e_step(t, uniform_prior)
        history.append(IterationStats.from_e_step(name, it, e, links.num_tokens))
        _log.info("%s", history[-1].describe())
        t = links.normalize(e.counts)
    return t, history
