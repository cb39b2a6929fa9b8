"""MFCC and fbank agree with kaldi-native-fbank (Kaldi's own code) to 1e-3, for many option combinations."""
import dataclasses

import numpy as np
import pytest
import torch
import torchaudio.compliance.kaldi

from toolkit.features.config import default_options
from toolkit.features.extract import FeatureExtractor
from toolkit.features.reference import KnfExtractor

COMBINATIONS = [
    ("mfcc", {}),
    ("mfcc", dict(use_energy=False)),
    ("mfcc", dict(use_energy=False, snip_edges=False, num_ceps=20, num_mel_bins=40, low_freq=40, high_freq=-400)),
    ("mfcc", dict(raw_energy=False, htk_compat=True, cepstral_lifter=0.0, energy_floor=1.0)),
    ("mfcc", dict(use_energy=False, htk_compat=True, window_type="hamming", low_freq=100, high_freq=3800)),
    ("fbank", {}),
    ("fbank", dict(use_energy=True, snip_edges=False, num_mel_bins=80, low_freq=64, high_freq=7000)),
    ("fbank", dict(use_energy=True, raw_energy=False, htk_compat=True, use_power=False, window_type="blackman")),
    ("fbank", dict(round_to_power_of_two=False, frame_length=20.0, remove_dc_offset=False,
                   preemphasis_coefficient=0.0, window_type="hanning")),
    ("fbank", dict(num_mel_bins=40, window_type="sine", frame_shift=12.5, use_energy=True, energy_floor=2.0)),
]


@pytest.mark.parametrize("kind, changes", COMBINATIONS)
def test_agrees_with_kaldi_native_fbank(speech_like, kind, changes):
    opts = dataclasses.replace(default_options(kind), dither=0.0, **changes)
    ours, reference = FeatureExtractor(opts), KnfExtractor(opts)
    for seed in range(3):
        x = speech_like(seed)
        a, b = ours.compute(x), reference.compute(x)
        assert a.shape == b.shape == (ours.num_frames(len(x)), opts.dim)
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-3)


def test_linear_fbank_agrees_relatively(speech_like):
    opts = dataclasses.replace(default_options("fbank"), dither=0.0, use_log_fbank=False)
    x = speech_like(1)
    np.testing.assert_allclose(FeatureExtractor(opts).compute(x), KnfExtractor(opts).compute(x), rtol=1e-3, atol=1e-2)


@pytest.mark.parametrize("kind", ["mfcc", "fbank"])
def test_vtln_warp_agrees_with_torchaudio(speech_like, kind):
    # kaldi-native-fbank's online interface has no warp factor; torchaudio implements Kaldi's.
    opts = dataclasses.replace(default_options(kind), dither=0.0, use_energy=False, vtln_warp=0.9,
                               vtln_low=200, vtln_high=-700)
    x = speech_like(2)
    fn = torchaudio.compliance.kaldi.mfcc if kind == "mfcc" else torchaudio.compliance.kaldi.fbank
    expected = fn(torch.from_numpy(x)[None], dither=0.0, energy_floor=0.0, vtln_warp=0.9, vtln_low=200, vtln_high=-700)
    np.testing.assert_allclose(FeatureExtractor(opts).compute(x), expected.numpy(), rtol=0, atol=1e-3)


@pytest.mark.parametrize("snip_edges", [True, False])
def test_frame_counts_match_kaldi_for_short_and_odd_lengths(snip_edges):
    opts = dataclasses.replace(default_options("fbank"), dither=0.0, snip_edges=snip_edges)
    ours, reference = FeatureExtractor(opts), KnfExtractor(opts)
    rng = np.random.default_rng(0)
    # Down to a single sample: with snip_edges=false Kaldi mirrors the signal repeatedly.
    for n in (1, 79, 80, 81, 239, 399, 400, 401, 560, 561, 1234):
        x = rng.normal(0, 1000, n).astype(np.float32)
        a, b = ours.compute(x), reference.compute(x)
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-3)


def test_batches_give_the_same_features_as_single_calls(speech_like):
    opts = default_options("mfcc")  # dither 1.0: seeded per utterance
    extractor = FeatureExtractor(opts, block_frames=50)
    waves = [speech_like(s, seconds=0.3 + 0.2 * s) for s in range(4)] + [np.zeros(100, np.float32)]
    seeds = [11, 12, 13, 14, 15]
    batched = extractor.compute_batch(waves, seeds)
    for w, s, f in zip(waves, seeds, batched):
        np.testing.assert_array_equal(f, extractor.compute(w, seed=s))
    assert batched[-1].shape == (0, 13)
    # Dither is real noise: another seed gives other features.
    assert not np.array_equal(extractor.compute(waves[0], seed=1), batched[0])


def test_subtract_mean_centres_each_utterance(speech_like):
    opts = dataclasses.replace(default_options("fbank"), dither=0.0, subtract_mean=True)
    feats = FeatureExtractor(opts).compute_batch([speech_like(0), speech_like(1, seconds=0.5)])
    uncentred = FeatureExtractor(dataclasses.replace(opts, subtract_mean=False)).compute(speech_like(0))
    for f in feats:
        np.testing.assert_allclose(f.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(feats[0], uncentred - uncentred.mean(axis=0), atol=1e-4)


def test_all_zero_windowed_frame_energy_is_floored_as_in_kaldi():
    # Kaldi (unlike kaldi-native-fbank) floors the windowed-frame energy at FLT_MIN.
    opts = dataclasses.replace(default_options("mfcc"), dither=0.0, raw_energy=False)
    feats = FeatureExtractor(opts).compute(np.zeros(800, np.float32))
    np.testing.assert_allclose(feats[:, 0], np.log(np.finfo(np.float32).tiny), rtol=1e-6)
    raw = FeatureExtractor(dataclasses.replace(opts, raw_energy=True)).compute(np.zeros(800, np.float32))
    np.testing.assert_allclose(raw[:, 0], np.log(np.finfo(np.float32).eps), rtol=1e-6)
