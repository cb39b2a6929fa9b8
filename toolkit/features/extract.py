"""MFCC and log-mel filter-bank features, numerically Kaldi's compute-mfcc-feats / compute-fbank-feats.

The algorithm is Kaldi's (and torchaudio.compliance.kaldi's), with the mel filter bank
and the DCT taken from torchaudio: per frame dither, DC removal, log energy, pre-emphasis,
window, zero-padding, power spectrum, mel filters, log, and for MFCC the DCT, lifter and
energy. It is written for throughput rather than as one call per utterance:
torchaudio.compliance.kaldi rebuilds the filter bank and runs some forty small tensor
operations for every utterance, which dominates on short audio. Here the constants are
built once, the frames of many utterances are stacked into one matrix, and that matrix is
processed in blocks of rows small enough to stay in cache, in float32 as Kaldi computes.
Samples are expected on Kaldi's int16 scale (multiply [-1, 1) audio by 32768).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
import torchaudio.functional
from torchaudio.compliance.kaldi import get_mel_banks

from toolkit.features.config import FeatureOptions, validate
from toolkit.features.frames import frame_signal, num_frames, window_function

# Kaldi floors the mel energies and the raw (pre-window) frame energy at float epsilon, but
# the energy of the windowed frame (raw_energy=false) at the smallest normal float.
# kaldi-native-fbank and torchaudio use epsilon for both; only all-zero frames differ.
_EPSILON = float(np.finfo(np.float32).eps)
_FLOAT_MIN = float(np.finfo(np.float32).tiny)


class FeatureExtractor:
    """Computes the features `opts` describes; build once, call for many utterances.

    `compute(samples)` -> (num_frames, dim) float32 for one waveform; `compute_batch`
    does the same for many at once (faster for short utterances). Dither noise is drawn
    from a generator seeded per utterance, so features do not depend on how utterances
    are grouped into batches or jobs.
    """

    def __init__(self, opts: FeatureOptions, block_frames: int = 1024):
        validate(opts)
        self.opts = opts
        self.block_frames = block_frames
        self.window_size = opts.window_size
        self.window_shift = opts.window_shift
        self.fft_size = opts.padded_window_size
        self._window = torch.from_numpy(
            window_function(opts.window_type, self.window_size, opts.blackman_coeff).astype(np.float32))
        banks, _ = get_mel_banks(opts.num_mel_bins, self.fft_size, opts.sample_frequency, opts.low_freq,
                                 opts.high_freq, opts.vtln_low, opts.vtln_high, opts.vtln_warp)
        banks = banks.to(torch.float32).T.contiguous()  # (fft_size/2, num_mel_bins); Nyquist bin unused
        # The power spectrum is read as interleaved (real, imaginary) pairs; repeating each
        # filter row for both halves turns |X|^2 filtering into one square and one matmul.
        self._banks = banks
        self._banks_interleaved = banks.repeat_interleave(2, dim=0)
        if opts.kind == "mfcc":
            # The orthonormal DCT-II is Kaldi's ComputeDctMatrix (C0 weights sqrt(1/N), the rest sqrt(2/N)).
            dct = torchaudio.functional.create_dct(opts.num_ceps, opts.num_mel_bins, "ortho").to(torch.float64)
            if opts.cepstral_lifter != 0.0:
                q = opts.cepstral_lifter
                i = torch.arange(opts.num_ceps, dtype=torch.float64)
                dct = dct * (1.0 + 0.5 * q * torch.sin(math.pi * i / q))
            self._dct = dct.to(torch.float32).contiguous()  # (num_mel_bins, num_ceps)
        self._log_energy_floor = math.log(opts.energy_floor) if opts.energy_floor > 0 else None

    @property
    def dim(self) -> int:
        return self.opts.dim

    def num_frames(self, num_samples: int) -> int:
        """Frames computed for a waveform of `num_samples` samples."""
        return num_frames(num_samples, self.window_size, self.window_shift, self.opts.snip_edges)

    def compute(self, samples: np.ndarray, seed: int = 0) -> np.ndarray:
        """Features of one waveform: samples (N,) on the int16 scale -> (num_frames, dim) float32."""
        return self.compute_batch([samples], [seed])[0]

    def compute_batch(self, waveforms: Sequence[np.ndarray], seeds: Sequence[int] | None = None) -> list[np.ndarray]:
        """Features of several waveforms, each as `compute` would give it; `seeds` seed each one's dither."""
        frames = [frame_signal(np.asarray(w, dtype=np.float32), self.window_size, self.window_shift,
                               self.opts.snip_edges) for w in waveforms]
        counts = [len(f) for f in frames]
        stacked = torch.from_numpy(np.concatenate(frames)) if frames else torch.empty(0, self.window_size)
        if self.opts.dither != 0.0:
            self._dither(stacked, counts, seeds if seeds is not None else [0] * len(counts))
        out = torch.empty(stacked.shape[0], self.dim, dtype=torch.float32)
        for start in range(0, stacked.shape[0], self.block_frames):
            stop = start + self.block_frames
            self._features(stacked[start:stop], out[start:stop])
        feats = [f.numpy() for f in out.split(counts)]
        if self.opts.subtract_mean:
            feats = [f - f.mean(axis=0, keepdims=True) if len(f) else f for f in feats]
        return feats

    def _dither(self, frames: torch.Tensor, counts: list[int], seeds: Sequence[int]) -> None:
        generator = torch.Generator()
        start = 0
        for count, seed in zip(counts, seeds):
            if count:
                generator.manual_seed(seed)
                noise = torch.randn(count, self.window_size, generator=generator)
                frames[start:start + count].add_(noise, alpha=self.opts.dither)
            start += count

    def _log_energy(self, frames: torch.Tensor, floor: float) -> torch.Tensor:
        energy = torch.linalg.vecdot(frames, frames).clamp_min_(floor).log_()
        if self._log_energy_floor is not None:
            energy.clamp_min_(self._log_energy_floor)
        return energy

    def _features(self, frames: torch.Tensor, out: torch.Tensor) -> None:
        """Features of a block of frames (R, window_size), written into `out` (R, dim)."""
        opts = self.opts
        rows, size = frames.shape
        if opts.remove_dc_offset:
            frames = frames - frames.mean(dim=1, keepdim=True)
        if opts.use_energy and opts.raw_energy:
            energy = self._log_energy(frames, _EPSILON)
        padded = torch.zeros(rows, self.fft_size, dtype=torch.float32)
        c = opts.preemphasis_coefficient
        if c != 0.0:
            torch.sub(frames[:, 1:], frames[:, :-1], alpha=c, out=padded[:, 1:size])
            torch.mul(frames[:, 0], 1.0 - c, out=padded[:, 0])
        else:
            padded[:, :size] = frames
        padded[:, :size] *= self._window
        if opts.use_energy and not opts.raw_energy:
            energy = self._log_energy(padded, _FLOAT_MIN)
        spectrum = torch.fft.rfft(padded)[:, : self.fft_size // 2]
        squares = torch.view_as_real(spectrum).reshape(rows, self.fft_size).square()
        if opts.kind == "fbank" and not opts.use_power:
            magnitude = (squares[:, 0::2] + squares[:, 1::2]).sqrt_()
            mel = magnitude @ self._banks
        else:
            mel = squares @ self._banks_interleaved
        if opts.kind == "fbank":
            if opts.use_log_fbank:
                mel.clamp_min_(_EPSILON).log_()
            bins = slice(0, opts.num_mel_bins) if opts.htk_compat or not opts.use_energy else slice(1, None)
            out[:, bins] = mel
            if opts.use_energy:
                out[:, -1 if opts.htk_compat else 0] = energy
            return
        cepstra = mel.clamp_min_(_EPSILON).log_() @ self._dct
        if opts.use_energy:
            cepstra[:, 0] = energy
        if opts.htk_compat:
            # HTK order: C1..C(n-1), then energy (or C0 with the DCT's sqrt(2) scale removed).
            out[:, :-1] = cepstra[:, 1:]
            out[:, -1] = cepstra[:, 0] if opts.use_energy else cepstra[:, 0] * math.sqrt(2.0)
        else:
            out.copy_(cepstra)
