"""Kaldi's RandPrune: unbiased random pruning of small weights, so statistics come from fewer entries.

A weight p with 0 < |p| < thresh becomes sign(p) * thresh with probability |p| / thresh and 0
otherwise, which keeps its expectation; weights of at least `thresh` stay. Kaldi's
steps/train_lda_mllt.sh accumulates its LDA and MLLT statistics this way (--randprune 4.0):
aligned frames weigh 1, so a random quarter of them enters the LDA statistics at weight 4,
and a Gaussian posterior gamma enters the MLLT statistics with probability gamma / 4.
"""
from __future__ import annotations

import argparse

import numpy as np

from toolkit.errors import ToolkitError


def rand_prune(weights: np.ndarray, thresh: float, rng: np.random.Generator) -> np.ndarray:
    """`weights (N,)` pruned as above (a new float64 array); `thresh` 0 returns them unchanged."""
    if thresh < 0:
        raise ToolkitError(f"the random-pruning threshold must be >= 0, got {thresh}")
    w = np.asarray(weights, dtype=np.float64).copy()
    if thresh == 0:
        return w
    small = np.flatnonzero((w != 0) & (np.abs(w) < thresh))
    kept = rng.random(len(small)) < np.abs(w[small]) / thresh
    w[small] = np.where(kept, np.sign(w[small]) * thresh, 0.0)
    return w


def add_rand_prune_options(parser: argparse.ArgumentParser, what: str) -> None:
    """--rand-prune (default 0: no pruning) and --seed of the draws, for a step accumulating `what`."""
    parser.add_argument("--rand-prune", type=_threshold, default=0.0,
                        help=f"randomly prune {what} below this (Kaldi's --rand-prune; 0: keep all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the pruning draws")


def _threshold(text: str) -> float:
    value = float(text)
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {text}")
    return value
