"""Measure GMM likelihood computation and statistics accumulation speed (frames per second).

The model is a monophone-sized GMM set: --num-pdfs pdfs and --num-gauss Gaussians in all
(allocated to pdfs by occupancy^0.25 from log-normal occupancies, as mixing up does), in
--dim dimensions; or a trained model file (--model). Frames are sampled from the model,
each labelled with the pdf it came from, or read from a data directory (--data, through
the CMVN + deltas pipeline, labelled with their best pdf). For each --threads value, in a
fresh process whose BLAS uses that many threads, it times (best of --repeats):

  likelihoods (batch)    AmDiagGmm.log_likelihoods on all frames: (T, num_pdfs)
  likelihoods (per utt)  the same, one call per --utt-frames frames, as decoding calls it
  accumulation           GmmAccumulator.accumulate on 65536-frame chunks
  likelihoods + acc      the two batch timings together (one alignment + accumulation pass)

and prints GFLOP/s of the batch likelihoods, counting 2 * T * G * 2D for the matrix
product, as a fraction of the machine's measured float32 matrix peak (a 2048^3 product at
the same thread count) and of the nominal --peak-gflops. It also checks the likelihoods
against a direct float64 per-Gaussian formula.

  python -m toolkit.bin.benchmark_gmm --threads 1 2
"""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from dataclasses import asdict, dataclass

import numpy as np

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.gmm.accumulate import GmmAccumulator
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.gmm.update import split_targets
from toolkit.io.atomic import atomic_write

_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_ACC_CHUNK = 65536


def random_model(num_pdfs: int, num_gauss: int, dim: int, rng: np.random.Generator) -> tuple[AmDiagGmm, np.ndarray]:
    """A random AmDiagGmm shaped like a trained monophone model, and its pdf priors (P,)."""
    occs = rng.lognormal(mean=8.0, sigma=1.0, size=num_pdfs)
    counts = split_targets(occs, num_gauss, power=0.25, min_count=0.0)
    pdf_of_gauss = np.repeat(np.arange(num_pdfs), counts)
    centers = rng.normal(0.0, 3.0, size=(num_pdfs, dim))
    means = centers[pdf_of_gauss] + rng.normal(0.0, 1.0, size=(len(pdf_of_gauss), dim))
    variances = rng.uniform(0.3, 2.0, size=(len(pdf_of_gauss), dim))
    weights = rng.gamma(2.0, size=len(pdf_of_gauss))
    weights /= np.bincount(pdf_of_gauss, weights=weights)[pdf_of_gauss]
    return AmDiagGmm.from_variances(means, variances, weights, pdf_of_gauss, num_pdfs), occs / occs.sum()


def sample_frames(am: AmDiagGmm, priors: np.ndarray, num_frames: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(frames (T, D) float32, pdf labels (T,)) drawn from the model: pdf by prior, Gaussian by weight."""
    joint = priors[am.pdf_of_gauss] * am.weights
    gauss = rng.choice(am.num_gauss, size=num_frames, p=joint / joint.sum())
    x = am.means[gauss] + rng.normal(size=(num_frames, am.dim)) * np.sqrt(am.variances[gauss])
    return x.astype(np.float32), am.pdf_of_gauss[gauss]


def direct_log_likelihoods(am: AmDiagGmm, feats: np.ndarray) -> np.ndarray:
    """(T, P) float64 reference: each Gaussian's log-density written out, log-sum-exp per pdf."""
    x = feats.astype(np.float64)
    out = np.empty((len(x), am.num_pdfs))
    for p in range(am.num_pdfs):
        rows = slice(am.offsets[p], am.offsets[p + 1])
        mu, var, logw = am.means[rows], am.variances[rows], am.log_weights[rows]
        ll = logw - 0.5 * (np.log(2 * np.pi * var).sum(1) + (((x[:, None, :] - mu) ** 2) / var).sum(2))
        best = ll.max(1)
        out[:, p] = best + np.log(np.exp(ll - best[:, None]).sum(1))
    return out


@dataclass
class Result:
    threads: int
    frames: int
    num_pdfs: int
    num_gauss: int
    dim: int
    matmul_peak_gflops: float
    likelihood_fps: float
    likelihood_per_utt_fps: float
    accumulate_fps: float
    likelihood_and_accumulate_fps: float
    likelihood_gflops: float
    max_abs_diff_vs_direct: float


def _best(run, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def measure(am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray, utt_frames: int, repeats: int, threads: int) -> Result:
    """Timings in this process (its BLAS thread count is fixed when numpy loads)."""
    a = np.ones((2048, 2048), dtype=np.float32)
    peak = 2 * 2048 ** 3 / _best(lambda: a @ a, 3) / 1e9
    t = len(feats)
    t_ll = _best(lambda: am.log_likelihoods(feats), repeats)
    t_utt = _best(lambda: [am.log_likelihoods(feats[i:i + utt_frames]) for i in range(0, t, utt_frames)], repeats)

    def accumulate() -> None:
        acc = GmmAccumulator.for_model(am, 0)
        for i in range(0, t, _ACC_CHUNK):
            acc.accumulate(am, feats[i:i + _ACC_CHUNK], pdfs[i:i + _ACC_CHUNK])

    t_acc = _best(accumulate, repeats)
    check = feats[:200]
    diff = float(np.abs(am.log_likelihoods(check) - direct_log_likelihoods(am, check)).max())
    return Result(threads=threads, frames=t, num_pdfs=am.num_pdfs, num_gauss=am.num_gauss, dim=am.dim,
                  matmul_peak_gflops=peak, likelihood_fps=t / t_ll, likelihood_per_utt_fps=t / t_utt,
                  accumulate_fps=t / t_acc, likelihood_and_accumulate_fps=t / (t_ll + t_acc),
                  likelihood_gflops=2 * t * am.num_gauss * 2 * am.dim / t_ll / 1e9, max_abs_diff_vs_direct=diff)


def _measure_in_child(arrays: dict, feats, pdfs, utt_frames, repeats, threads) -> Result:
    return measure(AmDiagGmm.from_arrays(arrays), feats, pdfs, utt_frames, repeats, threads)


def measure_with_threads(threads: int, am: AmDiagGmm, feats: np.ndarray, pdfs: np.ndarray, utt_frames: int,
                         repeats: int) -> Result:
    """`measure` in a fresh process whose BLAS uses `threads` threads (set before numpy loads there)."""
    saved = {v: os.environ.get(v) for v in _THREAD_VARS}
    os.environ.update({v: str(threads) for v in _THREAD_VARS})
    try:
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            return pool.apply(_measure_in_child, (am.to_arrays(), feats, pdfs, utt_frames, repeats, threads))
    finally:
        for v, value in saved.items():
            if value is None:
                os.environ.pop(v, None)
            else:
                os.environ[v] = value


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--num-pdfs", type=int, default=100, help="pdfs of the random model")
    p.add_argument("--num-gauss", type=int, default=1000, help="Gaussians in all of the random model")
    p.add_argument("--dim", type=int, default=39, help="feature dimension of the random model")
    p.add_argument("--model", default=None, help="use this model file instead of a random model")
    p.add_argument("--data", default=None,
                   help="read frames from this data directory (CMVN + deltas of order 2) instead of sampling")
    p.add_argument("--frames", type=int, default=100000, help="frames to process")
    p.add_argument("--utt-frames", type=int, default=300, help="frames per call in the per-utterance timing")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="BLAS thread counts to measure")
    p.add_argument("--repeats", type=int, default=3, help="runs per timing; the fastest counts")
    p.add_argument("--peak-gflops", type=float, default=170.0,
                   help="nominal float32 peak of the machine on 2 threads (scaled by threads/2 for others)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random model and frames")
    p.add_argument("--json", default=None, help="also write the results here as JSON")
    return p


def _frames(args, am: AmDiagGmm, priors: np.ndarray | None, rng) -> tuple[np.ndarray, np.ndarray, str]:
    if args.data is None:
        if priors is None:
            priors = np.full(am.num_pdfs, 1.0 / am.num_pdfs)
        feats, pdfs = sample_frames(am, priors, args.frames, rng)
        return feats, pdfs, "sampled from the model"
    from toolkit.features.pipeline import FeatureReader

    reader = FeatureReader(args.data, delta_order=2)
    chunks, total = [], 0
    utts = reader.keys()
    for utt in utts:
        chunks.append(reader[utt])
        total += len(chunks[-1])
        if total >= args.frames:
            break
    feats = np.concatenate(chunks)[:args.frames]
    return feats, am.log_likelihoods(feats).argmax(1), f"{len(feats)} frames of {args.data}, labelled by best pdf"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if min(args.threads) < 1 or args.frames < 1 or args.utt_frames < 1 or args.repeats < 1:
        raise ToolkitError("--threads, --frames, --utt-frames and --repeats must be positive")
    rng = np.random.default_rng(args.seed)
    priors = None
    if args.model:
        from toolkit.gmm.model import load_model

        am = load_model(args.model)[2]
        source = args.model
    else:
        am, priors = random_model(args.num_pdfs, args.num_gauss, args.dim, rng)
        source = "random model"
    feats, pdfs, frames_from = _frames(args, am, priors, rng)
    print(f"model: {source}, {am.num_pdfs} pdfs, {am.num_gauss} Gaussians "
          f"(max {am.gauss_counts.max()} per pdf), dim {am.dim}; frames: {frames_from}")
    header = (f"{'threads':>7} {'lik fr/s':>10} {'lik/utt fr/s':>12} {'acc fr/s':>10} {'lik+acc fr/s':>12} "
              f"{'lik GFLOP/s':>11} {'sgemm GFLOP/s':>13} {'% sgemm':>7} {'% nominal':>9} {'max |diff|':>10}")
    print(header)
    results = []
    for threads in args.threads:
        r = measure_with_threads(threads, am, feats, pdfs, args.utt_frames, args.repeats)
        nominal = args.peak_gflops * threads / 2
        print(f"{threads:>7} {r.likelihood_fps:>10.0f} {r.likelihood_per_utt_fps:>12.0f} {r.accumulate_fps:>10.0f} "
              f"{r.likelihood_and_accumulate_fps:>12.0f} {r.likelihood_gflops:>11.1f} {r.matmul_peak_gflops:>13.1f} "
              f"{100 * r.likelihood_gflops / r.matmul_peak_gflops:>6.1f}% {100 * r.likelihood_gflops / nominal:>8.1f}% "
              f"{r.max_abs_diff_vs_direct:>10.1e}")
        results.append({**asdict(r), "nominal_peak_gflops": nominal})
    if args.json:
        with atomic_write(args.json) as f:
            json.dump({"model": source, "frames": frames_from, "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
