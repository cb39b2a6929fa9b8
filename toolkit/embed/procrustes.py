"""Mapping one language's word embeddings onto another's: orthogonal Procrustes refined with CSLS.

As MUSE (Conneau et al. 2018, "Word translation without parallel data"), supervised here by a
seed dictionary of identical strings (numbers, names, loan words) instead of adversarial training:
- embeddings are normalised: unit length, mean-centred, unit length again (`normalize_embeddings`);
- W = U V^T from the SVD U S V^T of Y^T X minimises ||X W^T - Y|| over orthogonal W for the
  seed pairs' rows X (source) and Y (target) (`procrustes`); Wx is the mapped source vector;
- CSLS(Wx, y) = 2 cos(Wx, y) - r_T(Wx) - r_S(y), where r_T(Wx) is the mean cosine of Wx to its
  k nearest target vectors and r_S(y) that of y to its k nearest mapped source vectors; it
  penalises hubs, the vectors that are near everything (`csls_top`);
- refinement: the dictionary becomes the mutual nearest neighbours under CSLS among the most
  frequent words, and Procrustes is solved again (`refine`).
Rows are unit length after normalisation, so cosines are dot products. Score matrices are built
in row chunks of at most `_CHUNK_ELEMENTS` entries: 20k x 200k words never sit in memory at once.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from toolkit.errors import ToolkitError
from toolkit.log import get_logger

_log = get_logger(__name__)

_CHUNK_ELEMENTS = 1 << 24


def normalize_embeddings(emb: np.ndarray) -> np.ndarray:
    """(N, D) float32 rows scaled to unit length, mean-centred, and scaled to unit length again."""
    out = torch.from_numpy(np.array(emb, dtype=np.float32))
    out = _unit_rows(out)
    out = _unit_rows(out - out.mean(0, keepdim=True))
    return out.numpy()


def procrustes(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """(D, D) orthogonal W minimising ||src W^T - tgt||_F for paired rows src, tgt (n, D)."""
    if src.shape != tgt.shape or src.ndim != 2:
        raise ToolkitError(f"Procrustes needs paired (n, D) rows, got {src.shape} and {tgt.shape}")
    if len(src) == 0:
        raise ToolkitError("Procrustes needs at least one seed pair")
    m = tgt.astype(np.float64).T @ src.astype(np.float64)
    u, _, vt = np.linalg.svd(m)
    return (u @ vt).astype(np.float32)


def identical_seeds(src_words: Sequence[str], tgt_words: Sequence[str], min_len: int = 2) -> list[tuple[int, int]]:
    """(source row, target row) for every word spelled the same in both lists and at least `min_len` long,
    in source order."""
    tgt_index = {w: j for j, w in enumerate(tgt_words)}
    return [(i, tgt_index[w]) for i, w in enumerate(src_words) if len(w) >= min_len and w in tgt_index]


def knn_mean_similarity(queries: np.ndarray, keys: np.ndarray, k: int) -> np.ndarray:
    """(n,) float32: the mean dot product of each query row to its k best key rows (k capped at len(keys))."""
    q, keys_t = _tensor(queries), _tensor(keys)
    k = min(k, len(keys_t))
    out = torch.empty(len(q))
    for lo, hi in _row_chunks(len(q), len(keys_t)):
        out[lo:hi] = torch.topk(q[lo:hi] @ keys_t.T, k, dim=1).values.mean(1)
    return out.numpy()


def csls_top(mapped_src: np.ndarray, tgt: np.ndarray, top: int, k: int = 10,
             rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The `top` target rows with the highest CSLS for each of the first `rows` (default all) mapped
    source rows: indices (rows, top) int64 and scores (rows, top) float32, best first (`top` capped at
    len(tgt)). The neighbourhoods r_T, r_S are taken over all rows of both sides."""
    src_t, tgt_t = _tensor(mapped_src), _tensor(tgt)
    r_tgt = torch.from_numpy(knn_mean_similarity(mapped_src[:rows], tgt, k))
    r_src = torch.from_numpy(knn_mean_similarity(tgt, mapped_src, k))
    return _csls_best(src_t[:rows], tgt_t, r_tgt, r_src, top)


def mutual_nearest_neighbours(mapped_src: np.ndarray, tgt: np.ndarray, k: int = 10) -> list[tuple[int, int]]:
    """(source row, target row) pairs that are each other's best match under CSLS, in source order."""
    src_t, tgt_t = _tensor(mapped_src), _tensor(tgt)
    r_tgt = torch.from_numpy(knn_mean_similarity(mapped_src, tgt, k))
    r_src = torch.from_numpy(knn_mean_similarity(tgt, mapped_src, k))
    forward, _ = _csls_best(src_t, tgt_t, r_tgt, r_src, 1)
    backward, _ = _csls_best(tgt_t, src_t, r_src, r_tgt, 1)  # CSLS is symmetric in its two spaces
    return [(i, int(j)) for i, j in enumerate(forward[:, 0]) if backward[j, 0] == i]


@dataclass
class Mapping:
    """The orthogonal map W (D, D) of source onto target vectors, and how refinement got there:
    `pairs[0]` the number of seed pairs, `pairs[i]` the mutual-NN pairs of refinement iteration i."""

    w: np.ndarray
    pairs: list[int] = field(default_factory=list)


def refine(src: np.ndarray, tgt: np.ndarray, seeds: Sequence[tuple[int, int]], iterations: int = 5,
           max_rank: int = 20000, k: int = 10) -> Mapping:
    """Procrustes on the seed pairs, then `iterations` times: Procrustes on the CSLS mutual nearest
    neighbours among the first `max_rank` rows of each side (the most frequent words).

    `src` (N, D) and `tgt` (M, D) are normalised embeddings (`normalize_embeddings`).
    """
    if not seeds:
        raise ToolkitError("no seed pairs: the two vocabularies share no word (try a smaller --min-seed-len)")
    s, t = np.asarray(seeds, dtype=np.int64).T
    mapping = Mapping(procrustes(src[s], tgt[t]), [len(seeds)])
    _log.info("Procrustes on %d seed pairs", len(seeds))
    src_top, tgt_top = src[:max_rank], tgt[:max_rank]
    for it in range(1, iterations + 1):
        pairs = mutual_nearest_neighbours(src_top @ mapping.w.T, tgt_top, k)
        if not pairs:
            raise ToolkitError(f"refinement iteration {it}: no mutual nearest neighbours")
        s, t = np.asarray(pairs, dtype=np.int64).T
        mapping.w = procrustes(src_top[s], tgt_top[t])
        mapping.pairs.append(len(pairs))
        _log.info("refinement iteration %d: %d mutual nearest neighbours", it, len(pairs))
    return mapping


def _csls_best(a: torch.Tensor, b: torch.Tensor, r_a: torch.Tensor, r_b: torch.Tensor,
               top: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-`top` columns of 2 a b^T - r_a[:, None] - r_b[None, :] per row: indices and scores."""
    top = min(top, len(b))
    idx = torch.empty(len(a), top, dtype=torch.int64)
    val = torch.empty(len(a), top)
    for lo, hi in _row_chunks(len(a), len(b)):
        scores = 2 * (a[lo:hi] @ b.T) - r_a[lo:hi, None] - r_b[None, :]
        val[lo:hi], idx[lo:hi] = torch.topk(scores, top, dim=1)
    return idx.numpy(), val.numpy()


def _tensor(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))


def _unit_rows(x: torch.Tensor) -> torch.Tensor:
    return x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)


def _row_chunks(rows: int, cols: int) -> list[tuple[int, int]]:
    step = max(1, _CHUNK_ELEMENTS // max(1, cols))
    return [(lo, min(rows, lo + step)) for lo in range(0, rows, step)]
