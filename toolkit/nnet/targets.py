"""Frame targets of a hybrid system: tied-state (pdf) labels from GMM alignments, and their priors.

Kaldi's `ali-to-pdf | analyze-counts` gives `ali_train_pdf.counts`, a text vector of how
often each pdf is the target; decoding divides the network's posteriors by the priors
these counts give (subtracts log-priors), turning p(state | x) into a scaled p(x | state).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.hmm.alignment import alignment_to_pdfs
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.archive import read_int_vectors
from toolkit.io.atomic import atomic_write

# A pdf never seen in training gets this log-prior: its log-likelihood becomes so low that
# no path uses it, as Kaldi's PdfPrior does with its floor.
UNSEEN_LOG_PRIOR = 1e5


def read_pdf_targets(alignments: Sequence[str | os.PathLike], trans_model: TransitionModel) -> dict[str, np.ndarray]:
    """utt -> (T,) int64 pdf ids, from transition-id alignment archives made with `trans_model`'s model.

    Alignments with transition ids the model does not have are an InputError naming the archive.
    """
    targets: dict[str, np.ndarray] = {}
    for path in alignments:
        for utt, ali in read_int_vectors(path):
            try:
                targets[utt] = alignment_to_pdfs(trans_model, ali).astype(np.int64)
            except ToolkitError as e:
                raise InputError(f"utterance '{utt}': {e}", path) from None
    return targets


def pdf_counts(targets: Iterable[np.ndarray], num_pdfs: int) -> np.ndarray:
    """(num_pdfs,) float64: how many frames have each pdf as their target."""
    counts = np.zeros(num_pdfs)
    for pdfs in targets:
        counts += np.bincount(pdfs, minlength=num_pdfs)[:num_pdfs]
    return counts


def write_counts(path: str | os.PathLike, counts: np.ndarray) -> None:
    """Kaldi's text vector `[ c0 c1 ... ]` (what analyze-counts writes)."""
    with atomic_write(path, "w") as f:
        f.write("[ " + " ".join(f"{c:g}" for c in counts) + " ]\n")


def read_counts(path: str | os.PathLike, num_pdfs: int) -> np.ndarray:
    """(num_pdfs,) float64 counts from a Kaldi text vector; InputError naming the file if missing, malformed,
    of another length, or without any positive count."""
    try:
        with open(path) as f:
            text = f.read().split()
    except OSError as e:
        raise InputError(f"cannot read the pdf counts ({e.strerror}); they come with the network "
                         f"(ali_train_pdf.counts)", path) from None
    if len(text) < 2 or text[0] != "[" or text[-1] != "]":
        raise InputError("not a Kaldi text vector `[ c0 c1 ... ]`", path)
    try:
        counts = np.array([float(x) for x in text[1:-1]])
    except ValueError as e:
        raise InputError(f"not a Kaldi text vector of numbers: {e}", path) from None
    if counts.size != num_pdfs:
        raise InputError(f"{counts.size} counts but the model has {num_pdfs} pdfs", path)
    if np.any(counts < 0) or counts.sum() <= 0:
        raise InputError("counts must be >= 0 with a positive sum", path)
    return counts


def log_priors(counts: np.ndarray) -> np.ndarray:
    """(num_pdfs,) float32 log(count / total); pdfs with count 0 get UNSEEN_LOG_PRIOR."""
    counts = np.asarray(counts, dtype=np.float64)
    out = np.full(counts.shape, UNSEEN_LOG_PRIOR)
    seen = counts > 0
    out[seen] = np.log(counts[seen] / counts.sum())
    return out.astype(np.float32)
