"""Maximum-likelihood statistics of the GMMs from aligned frames (Kaldi's gmm-acc-stats-ali).

Each frame is assigned to one pdf (Viterbi, from an alignment); within that pdf it is
shared among the pdf's Gaussians by their posteriors. Per Gaussian the accumulator keeps
the occupancy, sum of x and sum of x^2 (float64), plus the total log-likelihood of the
frames, their number, and the counts of the transition ids (index 0, epsilon, unused).
Jobs accumulate over their part of the data; the files are summed before the update.
With two feature streams (Kaldi's gmm-acc-stats-twofeats, the alignment model of SAT) the
Gaussian posteriors and the log-likelihood come from one (the fMLLR-adapted features the
model was trained on) and the sums of x and x^2 from the other (the speaker-independent
features), so the model keeps its Gaussians one for one but moves into the other space.

File format (`.npz`, written atomically): `format` = "toolkit-gmm-accs", `version` = 1,
`occupancy (G,)`, `mean_acc (G, D)`, `var_acc (G, D)`, `pdf_of_gauss (G,)` (of the model
the stats belong to), `tid_counts (num_tids + 1,)`, `tot_like ()`, `num_frames ()`.
"""
from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.diag_gmm import LOG_RATIO_FLOOR, AmDiagGmm
from toolkit.gmm.frame_chunks import frame_chunks
from toolkit.io.npz import load_npz, save_npz, sum_saved

FORMAT = "toolkit-gmm-accs"
VERSION = 1


class GmmAccumulator:
    """Zeroed statistics of the Gaussians `pdf_of_gauss (G,)` (a model's layout) in `dim`
    dimensions and of `num_tids` transition ids."""

    def __init__(self, pdf_of_gauss: np.ndarray, dim: int, num_tids: int):
        self.pdf_of_gauss = np.array(pdf_of_gauss, dtype=np.int64)
        num_gauss = len(self.pdf_of_gauss)
        self.occupancy = np.zeros(num_gauss)
        # [sum x, sum x^2] side by side: one matrix product accumulates both.
        self._x_stats = np.zeros((num_gauss, 2 * dim))
        self.tid_counts = np.zeros(num_tids + 1)
        self.tot_like = 0.0
        self.num_frames = 0

    @classmethod
    def for_model(cls, am: AmDiagGmm, num_tids: int) -> GmmAccumulator:
        return cls(am.pdf_of_gauss, am.dim, num_tids)

    @property
    def dim(self) -> int:
        return self._x_stats.shape[1] // 2

    @property
    def num_tids(self) -> int:
        return len(self.tid_counts) - 1

    @property
    def mean_acc(self) -> np.ndarray:
        """(G, D) sum of posterior-weighted frames (a view)."""
        return self._x_stats[:, :self.dim]

    @property
    def var_acc(self) -> np.ndarray:
        """(G, D) sum of posterior-weighted squared frames (a view)."""
        return self._x_stats[:, self.dim:]

    def pdf_occupancy(self, num_pdfs: int) -> np.ndarray:
        """(num_pdfs,) frames assigned to each pdf."""
        return np.bincount(self.pdf_of_gauss, weights=self.occupancy, minlength=num_pdfs)

    def accumulate(self, am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray,
                   post_feats: np.ndarray | None = None) -> float:
        """Add frames `feats (T, D)` aligned to `pdfs (T,)`; returns their total log-likelihood.

        With `post_feats (T, D)` (gmm-acc-stats-twofeats) the Gaussian posteriors within each
        pdf and the returned log-likelihood are those of `post_feats`, while the sums of x and
        x^2 are of `feats`. Frames are grouped by pdf, so the work is one small matrix product
        per pdf present (the pdf's Gaussians only): pass many utterances at once for speed.
        """
        self.check_model(am)
        feats = np.asarray(feats)
        pdfs = np.asarray(pdfs)
        if feats.ndim != 2 or feats.shape[1] != self.dim or pdfs.shape != (len(feats),):
            raise ToolkitError(f"features {feats.shape} and pdf labels {pdfs.shape} do not match dimension {self.dim}")
        if post_feats is not None and np.shape(post_feats) != feats.shape:
            raise ToolkitError(f"features for the posteriors {np.shape(post_feats)} and for the statistics "
                               f"{feats.shape} differ in shape")
        if len(pdfs) == 0:
            return 0.0
        if pdfs.min() < 0 or pdfs.max() >= am.num_pdfs:
            raise ToolkitError(f"pdf labels must be in [0, {am.num_pdfs}), got {pdfs.min()} .. {pdfs.max()}")
        order = np.argsort(pdfs, kind="stable")
        sorted_pdfs = pdfs[order]
        x = np.asarray(feats[order], dtype=np.float64)
        a = np.concatenate([x, x * x], 1)  # (T, 2D)
        if post_feats is None:
            b = a
        else:
            y = np.asarray(post_feats, dtype=np.float64)[order]
            b = np.concatenate([y, y * y], 1)
        present, starts = np.unique(sorted_pdfs, return_index=True)
        ends = np.append(starts[1:], len(sorted_pdfs))
        w, gconst = am.linear_params
        tot_like = 0.0
        for p, s, e in zip(present.tolist(), starts.tolist(), ends.tolist()):
            first, end = int(am.offsets[p]), int(am.offsets[p + 1])
            frames = a[s:e]
            if end - first == 1:
                total = frames.sum(0)
                scored = total if b is a else b[s:e].sum(0)
                tot_like += float(scored @ w[first]) + (e - s) * gconst[first]
                self.occupancy[first] += e - s
                self._x_stats[first] += total
                continue
            ll = b[s:e] @ w[first:end].T  # (n, K)
            ll += gconst[first:end]
            best = ll.max(1, keepdims=True)
            post = np.exp(np.maximum(ll - best, LOG_RATIO_FLOOR))
            total = post.sum(1, keepdims=True)
            tot_like += float((np.log(total) + best).sum())
            post /= total
            self.occupancy[first:end] += post.sum(0)
            self._x_stats[first:end] += post.T @ frames
        self.tot_like += tot_like
        self.num_frames += len(pdfs)
        return tot_like

    def add_transitions(self, tids: np.ndarray) -> None:
        """Count one traversal of each transition id in `tids (T,)` (values 1 .. num_tids)."""
        tids = np.asarray(tids)
        if len(tids) and (tids.min() < 1 or tids.max() > self.num_tids):
            raise ToolkitError(f"transition ids must be in [1, {self.num_tids}], got {tids.min()} .. {tids.max()}")
        self.tid_counts += np.bincount(tids, minlength=self.num_tids + 1)

    def check_model(self, am: AmDiagGmm) -> None:
        """ToolkitError unless these are statistics of `am`'s Gaussians."""
        if am.dim != self.dim or not np.array_equal(am.pdf_of_gauss, self.pdf_of_gauss):
            raise ToolkitError(f"the statistics (dimension {self.dim}, {len(self.pdf_of_gauss)} Gaussians) do not "
                               f"belong to this model (dimension {am.dim}, {am.num_gauss} Gaussians)")

    def add(self, other: GmmAccumulator) -> None:
        """Add another job's statistics (of the same model)."""
        if (other.dim != self.dim or other.num_tids != self.num_tids
                or not np.array_equal(other.pdf_of_gauss, self.pdf_of_gauss)):
            raise ToolkitError("cannot add statistics of different models "
                               f"({len(other.pdf_of_gauss)} vs {len(self.pdf_of_gauss)} Gaussians, "
                               f"dimension {other.dim} vs {self.dim}, {other.num_tids} vs {self.num_tids} transition ids)")
        self.occupancy += other.occupancy
        self._x_stats += other._x_stats
        self.tid_counts += other.tid_counts
        self.tot_like += other.tot_like
        self.num_frames += other.num_frames

    def save(self, path: str | os.PathLike) -> None:
        save_npz(path, FORMAT, {"occupancy": self.occupancy, "mean_acc": self.mean_acc, "var_acc": self.var_acc,
                                "pdf_of_gauss": self.pdf_of_gauss, "tid_counts": self.tid_counts,
                                "tot_like": np.array(self.tot_like), "num_frames": np.array(self.num_frames)},
                 VERSION)

    @classmethod
    def load(cls, path: str | os.PathLike) -> GmmAccumulator:
        """Read statistics written by `save`; InputError naming the file if it is not one."""
        z = load_npz(path, FORMAT, "GMM statistics", VERSION)
        try:
            mean_acc, var_acc = z["mean_acc"], z["var_acc"]
            acc = cls(z["pdf_of_gauss"], mean_acc.shape[1], len(z["tid_counts"]) - 1)
            acc.occupancy[:] = z["occupancy"]
            acc.mean_acc[:] = mean_acc
            acc.var_acc[:] = var_acc
            acc.tid_counts[:] = z["tid_counts"]
            acc.tot_like = float(z["tot_like"])
            acc.num_frames = int(z["num_frames"])
        except (ValueError, KeyError, IndexError, AttributeError, TypeError) as e:
            raise InputError(f"not a valid GMM statistics file ({type(e).__name__}: {e})", path) from None
        return acc


def accumulate_aligned(am: AmDiagGmm, tid2pdf: np.ndarray, aligned: Iterable[tuple[np.ndarray, np.ndarray]],
                       chunk_frames: int = 65536) -> GmmAccumulator:
    """Statistics of `am` and of the transitions from `(feats (T, D), tids (T,))` pairs of equal length.

    `tid2pdf (num_tids + 1,)` maps a transition id to its pdf. Utterances are gathered
    into chunks of about `chunk_frames` frames before the GMM statistics are added.
    """
    return _accumulate_chunks(am, tid2pdf, ((feats, None, tids) for feats, tids in aligned), chunk_frames)


def accumulate_aligned_twofeats(am: AmDiagGmm, tid2pdf: np.ndarray,
                                aligned: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]],
                                chunk_frames: int = 65536) -> GmmAccumulator:
    """As `accumulate_aligned` for `(feats (T, D), post_feats (T, D), tids (T,))`: posteriors (and the
    log-likelihood) from `post_feats`, statistics of `feats` (Kaldi's gmm-acc-stats-twofeats)."""
    return _accumulate_chunks(am, tid2pdf, aligned, chunk_frames)


def _accumulate_chunks(am: AmDiagGmm, tid2pdf: np.ndarray,
                       aligned: Iterable[tuple[np.ndarray, np.ndarray | None, np.ndarray]],
                       chunk_frames: int) -> GmmAccumulator:
    tid2pdf = np.asarray(tid2pdf)
    acc = GmmAccumulator.for_model(am, len(tid2pdf) - 1)

    def checked() -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray | None]]:
        for feats, post_feats, tids in aligned:
            if len(feats) != len(tids) or (post_feats is not None and len(post_feats) != len(tids)):
                raise ToolkitError(f"{len(feats)} frames but {len(tids)} transition ids"
                                   + ("" if post_feats is None else f" and {len(post_feats)} frames for the posteriors"))
            yield np.asarray(tids), feats, post_feats

    for tids, feats, post_feats in frame_chunks(checked(), chunk_frames):
        acc.add_transitions(tids)
        acc.accumulate(am, feats, tid2pdf[tids], post_feats)
    return acc


def sum_accumulators(paths: Iterable[str | os.PathLike]) -> GmmAccumulator:
    """The sum of the statistics files `paths` (at least one); errors name the offending file."""
    return sum_saved(paths, GmmAccumulator.load, "statistics")
