"""Feature extraction for a data directory in jobs, in the shape of Kaldi's steps/make_mfcc.sh.

One job turns the utterances of a data directory (usually one part of DIR/splitN) into
ARK_DIR/raw_<type>_<name>.<job>.ark and .scp, and lists the utterances it had to drop in
ARK_DIR/raw_<type>_<name>.<job>.bad (`utt reason` lines): audio that cannot be read, is
empty, has the wrong sample rate, or is too short for one frame. The job's data
directory then gets feats.scp and utt2num_frames for the utterances that worked. Like
compute-mfcc-feats, a job fails only when no utterance worked (or, optionally, when too
many were dropped). `toolkit.features.job_files.gather_features` merges the feats.scp of
the parts of a split back into the whole directory.

torch (behind the extractor) is imported by the jobs only: the parent of nj > 1 jobs
computes no features, and importing it there would delay the jobs' start by a second or two.
"""
from __future__ import annotations

import os
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from toolkit.data.datadir import DataDir
from toolkit.errors import ToolkitError
from toolkit.features.audio import utterance_audio
from toolkit.features.config import FeatureOptions
from toolkit.features.job_files import OUTPUT_FILES, job_name, job_paths, report_missing
from toolkit.io.archive import matrix_writer
from toolkit.io.table import read_table, write_table
from toolkit.log import get_logger, setup_logging
from toolkit.progress import progress

if TYPE_CHECKING:
    from toolkit.features.extract import FeatureExtractor

_log = get_logger(__name__)


@dataclass
class JobResult:
    """What one job wrote: frames per utterance done, and the reason for each utterance dropped."""

    num_frames: dict[str, int] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)
    feats_scp: dict[str, str] = field(default_factory=dict)


def _check_audio(opts: FeatureOptions, extractor: FeatureExtractor, samples: np.ndarray, rate: int) -> str | None:
    if rate != opts.sample_frequency:
        source = f" in {opts.source}" if opts.source else ""
        return f"sample rate {rate} Hz does not match --sample-frequency={opts.sample_frequency:g}{source}"
    if len(samples) < opts.min_duration * rate:
        return f"{len(samples) / rate:g} s is shorter than --min-duration={opts.min_duration:g}"
    if extractor.num_frames(len(samples)) == 0:
        return f"{len(samples)} samples is too short for one frame ({extractor.window_size} samples)"
    return None


def extract_job(
    data: DataDir,
    utterances: list[str],
    opts: FeatureOptions,
    ark: Path,
    scp: Path,
    bad_list: Path,
    batch_seconds: float = 30.0,
) -> JobResult:
    """Features of `utterances` (of `data`) into ARK/SCP; the dropped ones, with reasons, into BAD_LIST.

    All three files are written atomically, the bad list even when empty (so that it
    never describes an earlier run). Dither is seeded from the utterance id, so results
    do not depend on how the data was split.
    """
    from toolkit.features.extract import FeatureExtractor

    extractor = FeatureExtractor(opts)
    result = JobResult()
    batch: list[tuple[str, np.ndarray]] = []
    batch_samples = 0

    def flush(writer) -> None:
        feats = extractor.compute_batch([s for _, s in batch], [zlib.crc32(u.encode()) for u, _ in batch])
        for (utt, _), f in zip(batch, feats):
            writer.write(utt, f)
            result.num_frames[utt] = len(f)
        batch.clear()

    with matrix_writer(ark, scp) as writer:
        for audio in progress(utterance_audio(data, utterances), f"features of {ark.name}",
                              total=len(utterances), unit="utt"):
            problem = audio.error or _check_audio(opts, extractor, audio.samples, audio.rate)
            if problem is not None:
                problem = " ".join(problem.split())  # one line in the .bad table
                _log.warning("utterance '%s' dropped: %s", audio.utt, problem)
                result.bad[audio.utt] = problem
                continue
            # Kaldi's features are computed on the int16 scale.
            batch.append((audio.utt, audio.samples * np.float32(32768.0)))
            batch_samples += len(audio.samples)
            if batch_samples >= batch_seconds * opts.sample_frequency:
                flush(writer)
                batch_samples = 0
        if batch:
            flush(writer)
    write_table(bad_list, sorted(result.bad.items()))
    result.feats_scp = read_table(scp)
    return result


def _worker_init() -> None:
    import torch

    setup_logging()
    # Jobs run side by side, one core each.
    torch.set_num_threads(1)


def make_features(
    data_dir: str | os.PathLike,
    ark_dir: str | os.PathLike,
    opts: FeatureOptions,
    *,
    nj: int = 1,
    name: str | None = None,
    job: int | None = None,
    max_bad_fraction: float = 1.0,
) -> JobResult:
    """Extract features for DATA_DIR into ARK_DIR and write DATA_DIR/feats.scp and utt2num_frames.

    With nj == 1 this is one job, numbered `job` (default: J for DIR/splitN/J, else 1);
    with nj > 1 the utterances are cut into nj contiguous parts run as jobs 1..nj in
    parallel processes. `name` defaults to the data directory's name (DIR for
    DIR/splitN/J). Raises ToolkitError when no utterance could be processed, or when the
    fraction dropped exceeds `max_bad_fraction`; outputs of good utterances are written first.
    """
    if nj < 1:
        raise ToolkitError(f"--nj must be at least 1, got {nj}")
    if nj > 1 and job is not None:
        raise ToolkitError("--job numbers a single job: it cannot be combined with --nj > 1")
    default_name, default_job = job_name(data_dir)
    name = name or default_name
    data = DataDir.read(data_dir, ignore=OUTPUT_FILES)
    utterances = data.utterances
    if nj == 1:
        jobs = [job or default_job]
        result = extract_job(data, utterances, opts, *job_paths(ark_dir, opts.kind, name, jobs[0]))
    else:
        nj = min(nj, len(utterances))
        jobs = list(range(1, nj + 1))
        bounds = [round(k * len(utterances) / nj) for k in range(nj + 1)]
        parts = [utterances[a:b] for a, b in zip(bounds, bounds[1:])]
        with ProcessPoolExecutor(nj, mp_context=get_context("spawn"), initializer=_worker_init) as pool:
            futures = [pool.submit(extract_job, data, part, opts, *job_paths(ark_dir, opts.kind, name, j))
                       for j, part in zip(jobs, parts)]
            results = [f.result() for f in futures]
        result = JobResult()
        for r in results:
            result.num_frames.update(r.num_frames)
            result.bad.update(r.bad)
            result.feats_scp.update(r.feats_scp)
    data_dir = Path(data_dir)
    write_table(data_dir / "feats.scp", sorted(result.feats_scp.items()))
    write_table(data_dir / "utt2num_frames", sorted((u, str(n)) for u, n in result.num_frames.items()))
    bad_lists = " ".join(str(job_paths(ark_dir, opts.kind, name, j)[2]) for j in jobs)
    report_missing(str(data_dir), len(utterances), list(result.bad), max_bad_fraction, f"they are listed in {bad_lists}")
    return result
