"""kaldi-native-fbank, Kaldi's feature code packaged for Python, as a reference for this package's features.

Used by the tests (agreement within 1e-3) and by the throughput benchmark. It computes
in float32 as Kaldi does, frame by frame through its online interface.
"""
from __future__ import annotations

import kaldi_native_fbank as knf
import numpy as np

from toolkit.features.config import FeatureOptions


def knf_options(opts: FeatureOptions) -> knf.MfccOptions | knf.FbankOptions:
    """The kaldi-native-fbank options equal to `opts`.

    Raises ValueError for what its online interface cannot do: a VTLN warp factor other
    than 1, per-utterance mean subtraction.
    """
    if opts.vtln_warp != 1.0 or opts.subtract_mean:
        raise ValueError("kaldi-native-fbank's online features have no VTLN warp or mean subtraction")
    ref = knf.MfccOptions() if opts.kind == "mfcc" else knf.FbankOptions()
    frame = ref.frame_opts
    frame.samp_freq = opts.sample_frequency
    frame.frame_shift_ms = opts.frame_shift
    frame.frame_length_ms = opts.frame_length
    frame.dither = opts.dither
    frame.preemph_coeff = opts.preemphasis_coefficient
    frame.remove_dc_offset = opts.remove_dc_offset
    frame.window_type = opts.window_type
    frame.round_to_power_of_two = opts.round_to_power_of_two
    frame.blackman_coeff = opts.blackman_coeff
    frame.snip_edges = opts.snip_edges
    mel = ref.mel_opts
    mel.num_bins = opts.num_mel_bins
    mel.low_freq = opts.low_freq
    mel.high_freq = opts.high_freq
    mel.vtln_low = opts.vtln_low
    mel.vtln_high = opts.vtln_high
    ref.use_energy = opts.use_energy
    ref.energy_floor = opts.energy_floor
    ref.raw_energy = opts.raw_energy
    ref.htk_compat = opts.htk_compat
    if opts.kind == "mfcc":
        ref.num_ceps = opts.num_ceps
        ref.cepstral_lifter = opts.cepstral_lifter
    else:
        ref.use_log_fbank = opts.use_log_fbank
        ref.use_power = opts.use_power
    return ref


class KnfExtractor:
    """kaldi-native-fbank's features for `opts`: `compute(samples)` -> (num_frames, dim) float32."""

    def __init__(self, opts: FeatureOptions):
        self.opts = opts
        self._ref = knf_options(opts)
        self._online = knf.OnlineMfcc if opts.kind == "mfcc" else knf.OnlineFbank

    def compute(self, samples: np.ndarray) -> np.ndarray:
        """samples (N,) on the int16 scale -> (num_frames, dim) float32."""
        computer = self._online(self._ref)
        computer.accept_waveform(self.opts.sample_frequency, samples.tolist())
        computer.input_finished()
        frames = [computer.get_frame(i) for i in range(computer.num_frames_ready)]
        if not frames:
            return np.zeros((0, self.opts.dim), dtype=np.float32)
        return np.array(frames, dtype=np.float32)
