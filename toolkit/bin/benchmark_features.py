"""Measure feature-extraction throughput on one core: this toolkit against kaldi-native-fbank on the same audio.

The audio is --num-utts connected-digit strings (1-7 digits) synthesized on the fly with
espeak-ng (several voices and speaking rates) and resampled to 16 kHz with sox. Every
implementation gets the same int16-scaled waveforms in memory and the same options
(Kaldi's defaults with --dither=0, or --config), torch is limited to one thread, and
throughput is seconds of audio per second of wall time, the best of --repeats runs:

  toolkit (batched)            FeatureExtractor.compute_batch on ~30 s batches, as the jobs run it
  toolkit (per utterance)      FeatureExtractor.compute, one call per utterance
  torchaudio.compliance.kaldi  one call per utterance (for reference)
  kaldi-native-fbank           its Python interface, one utterance at a time

It also prints how far the outputs are from kaldi-native-fbank's (so that equal work is
compared), and, unless --no-end-to-end, the throughput of a whole compute_features job
on the same audio stored as WAV files (reading audio, extraction, writing the ark).
"""
from __future__ import annotations

import argparse
import dataclasses
import io
import json
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile
import torch
import torchaudio.compliance.kaldi

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.features.config import KINDS, default_options, read_config
from toolkit.features.extract import FeatureExtractor
from toolkit.features.jobs import make_features
from toolkit.features.reference import KnfExtractor
from toolkit.io.atomic import atomic_write


DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "oh")
VOICES = ("en-us", "en", "en-us+m3", "en+f2", "en-us+f4", "en-gb-x-rp", "en+m7")
RATE = 16000


def synthesize_digits(num_utts: int, seed: int) -> list[np.ndarray]:
    """`num_utts` espeak-ng digit strings at 16 kHz: each (N,) float32 in [-1, 1)."""
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            raise ToolkitError(f"{tool} is not installed (needed to synthesize the benchmark audio)")
    rng = random.Random(seed)
    audio = []
    for _ in range(num_utts):
        words = " ".join(rng.choice(DIGITS) for _ in range(rng.randint(1, 7)))
        espeak = ["espeak-ng", "-v", rng.choice(VOICES), "-s", str(rng.randint(140, 200)), "--stdout", words]
        wav = subprocess.run(espeak, capture_output=True, check=True).stdout
        # -R: repeatable output (sox would otherwise seed its dither from the clock).
        sox = ["sox", "-R", "-t", "wav", "-", "-t", "wav", "-r", str(RATE), "-b", "16", "-"]
        resampled = subprocess.run(sox, input=wav, capture_output=True, check=True).stdout
        samples, _ = soundfile.read(io.BytesIO(resampled), dtype="float32")
        audio.append(samples)
    return audio


def _time(run) -> tuple[float, list[np.ndarray]]:
    start = time.perf_counter()
    outputs = run()
    return time.perf_counter() - start, outputs


def _batched(extractor: FeatureExtractor, waveforms: list[np.ndarray], batch_seconds: float = 30.0) -> list[np.ndarray]:
    out, batch, samples = [], [], 0
    for w in waveforms:
        batch.append(w)
        samples += len(w)
        if samples >= batch_seconds * RATE:
            out += extractor.compute_batch(batch)
            batch, samples = [], 0
    return out + (extractor.compute_batch(batch) if batch else [])


def _torchaudio(opts, waveform: np.ndarray) -> np.ndarray:
    kwargs = dict(
        blackman_coeff=opts.blackman_coeff, dither=opts.dither, energy_floor=opts.energy_floor,
        frame_length=opts.frame_length, frame_shift=opts.frame_shift, high_freq=opts.high_freq,
        htk_compat=opts.htk_compat, low_freq=opts.low_freq, num_mel_bins=opts.num_mel_bins,
        preemphasis_coefficient=opts.preemphasis_coefficient, raw_energy=opts.raw_energy,
        remove_dc_offset=opts.remove_dc_offset, round_to_power_of_two=opts.round_to_power_of_two,
        sample_frequency=opts.sample_frequency, snip_edges=opts.snip_edges, use_energy=opts.use_energy,
        vtln_high=opts.vtln_high, vtln_low=opts.vtln_low, vtln_warp=opts.vtln_warp, window_type=opts.window_type,
    )
    x = torch.from_numpy(waveform)[None]
    if opts.kind == "mfcc":
        return torchaudio.compliance.kaldi.mfcc(x, num_ceps=opts.num_ceps, cepstral_lifter=opts.cepstral_lifter,
                                                **kwargs).numpy()
    return torchaudio.compliance.kaldi.fbank(x, use_log_fbank=opts.use_log_fbank, use_power=opts.use_power,
                                             **kwargs).numpy()


def _end_to_end(opts, audio: list[np.ndarray], repeats: int) -> float:
    """Seconds for one compute_features job over `audio` stored as 16-bit WAV files (best of `repeats`)."""
    with tempfile.TemporaryDirectory(prefix="benchmark_features.") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        wav_scp, utt2spk = [], []
        for i, samples in enumerate(audio):
            path = Path(tmp) / f"utt{i:04d}.wav"
            soundfile.write(path, samples, RATE, subtype="PCM_16")
            wav_scp.append(f"spk-utt{i:04d} {path}\n")
            utt2spk.append(f"spk-utt{i:04d} spk\n")
        (data / "wav.scp").write_text("".join(wav_scp))
        (data / "utt2spk").write_text("".join(utt2spk))
        return min(_time(lambda: make_features(data, Path(tmp) / "ark", opts))[0] for _ in range(repeats))


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--num-utts", type=int, default=200, help="number of digit strings to synthesize")
    p.add_argument("--type", nargs="+", choices=KINDS, default=list(KINDS), help="feature types to measure")
    p.add_argument("--config", default=None,
                   help="Kaldi feature config for every type; none: Kaldi's defaults with --dither=0")
    p.add_argument("--repeats", type=int, default=5, help="runs per implementation; the fastest counts")
    p.add_argument("--seed", type=int, default=0, help="seed for texts, voices and rates")
    p.add_argument("--end-to-end", action=argparse.BooleanOptionalAction, default=True,
                   help="also time a compute_features job on the audio as WAV files")
    p.add_argument("--json", default=None, help="also write the results here as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(1)
    audio = synthesize_digits(args.num_utts, args.seed)
    seconds = sum(len(a) for a in audio) / RATE
    scaled = [a * np.float32(32768.0) for a in audio]
    print(f"audio: {len(audio)} espeak-ng digit strings, {seconds:.1f} s at {RATE} Hz; torch threads: "
          f"{torch.get_num_threads()}")
    print(f"{'type':6} {'implementation':30} {'x real time':>12} {'seconds':>9} {'max |diff| vs knf':>18}")
    results: dict[str, dict[str, float]] = {}
    for kind in args.type:
        opts = read_config(args.config, kind) if args.config else dataclasses.replace(default_options(kind), dither=0.0)
        extractor = FeatureExtractor(opts)
        knf = KnfExtractor(opts)
        runs = {
            "kaldi-native-fbank": lambda: [knf.compute(w) for w in scaled],
            "toolkit (batched)": lambda: _batched(extractor, scaled),
            "toolkit (per utterance)": lambda: [extractor.compute(w) for w in scaled],
            "torchaudio.compliance.kaldi": lambda: [_torchaudio(opts, w) for w in scaled],
        }
        # Rounds of one run each, so that a burst of load elsewhere on the machine does not
        # hit one implementation only; the fastest run of each counts.
        best = {name: float("inf") for name in runs}
        outputs = {}
        for _ in range(args.repeats):
            for name, run in runs.items():
                elapsed, outputs[name] = _time(run)
                best[name] = min(best[name], elapsed)
        timing: dict[str, float] = {}
        reference = outputs["kaldi-native-fbank"]
        for name in runs:
            timing[name] = seconds / best[name]
            diff = "" if name == "kaldi-native-fbank" else \
                f"{max(float(np.abs(a - b).max()) for a, b in zip(outputs[name], reference)):.1e}"
            print(f"{kind:6} {name:30} {timing[name]:12.0f} {best[name]:9.3f} {diff:>18}")
        if args.end_to_end:
            elapsed = _end_to_end(opts, audio, args.repeats)
            timing["toolkit compute_features job (wav in, ark out)"] = seconds / elapsed
            print(f"{kind:6} {'compute_features job (files)':30} {seconds / elapsed:12.0f} {elapsed:9.3f}")
        ratio = timing["toolkit (batched)"] / timing["kaldi-native-fbank"]
        timing["ratio toolkit (batched) / kaldi-native-fbank"] = ratio
        print(f"{kind:6} ratio toolkit (batched) / kaldi-native-fbank: {ratio:.2f}")
        results[kind] = timing
    if args.json:
        with atomic_write(args.json) as f:
            json.dump({"audio_seconds": seconds, "utterances": len(audio), "source": "espeak-ng digit strings",
                       "throughput_x_real_time": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
