"""Utterances gathered into chunks of frames, so that per-Gaussian work runs on large matrices.

The statistics accumulators (GMM, MLLT) loop over Gaussians or pdfs; doing that once per
utterance would cost far more than once per chunk of many utterances.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np


def frame_chunks(utterances: Iterable[tuple[np.ndarray | None, ...]],
                 chunk_frames: int) -> Iterator[tuple[np.ndarray | None, ...]]:
    """Tuples of per-utterance arrays (T, ...) -> the same tuples concatenated over utterances.

    A chunk is yielded once it holds at least `chunk_frames` frames (counted on the first
    array), and the rest at the end. A field that is None in the utterances stays None.
    The caller checks that the fields of an utterance agree in length.
    """
    chunk: list[tuple[np.ndarray | None, ...]] = []
    pending = 0
    for utterance in utterances:
        chunk.append(utterance)
        pending += len(utterance[0])
        if pending >= chunk_frames:
            yield _concatenate(chunk)
            chunk, pending = [], 0
    if chunk:
        yield _concatenate(chunk)


def _concatenate(chunk: list[tuple[np.ndarray | None, ...]]) -> tuple[np.ndarray | None, ...]:
    return tuple(None if parts[0] is None else np.concatenate(parts) for parts in zip(*chunk))
