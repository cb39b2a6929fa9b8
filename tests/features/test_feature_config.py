"""Kaldi config files: syntax, defaults, and errors that name the file and line."""
import pytest

from toolkit.errors import InputError
from toolkit.features.config import FeatureOptions, default_options, read_config


def write(tmp_path, text, name="mfcc.conf"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_kaldi_defaults():
    mfcc, fbank = default_options("mfcc"), default_options("fbank")
    # compute-mfcc-feats and compute-fbank-feats defaults, not torchaudio's.
    assert (mfcc.dither, mfcc.energy_floor, mfcc.use_energy) == (1.0, 0.0, True)
    assert (mfcc.num_ceps, mfcc.num_mel_bins, mfcc.cepstral_lifter) == (13, 23, 22.0)
    assert fbank.use_energy is False and fbank.dim == 23 and mfcc.dim == 13
    assert (mfcc.window_size, mfcc.window_shift, mfcc.padded_window_size) == (400, 160, 512)


def test_parses_values_comments_and_kaldi_spellings(tmp_path):
    path = write(tmp_path, "# MFCC for 8 kHz\n--use-energy=false   # C0 instead\n\n"
                           "--sample_frequency=8000\n--NUM-MEL-BINS=15\n--snip-edges\n--num-ceps=13\n"
                           "--num-ceps=12\n--window-type=hamming\n--allow-downsample=false\n")
    opts = read_config(path, "mfcc")
    assert opts == FeatureOptions(kind="mfcc", use_energy=False, sample_frequency=8000.0, num_mel_bins=15,
                                  snip_edges=True, num_ceps=12, window_type="hamming")
    assert opts.lines["num_ceps"] == 8 and opts.source == str(path)
    assert (opts.window_size, opts.padded_window_size) == (200, 256)


def test_bool_spellings(tmp_path):
    for text, value in (("t", True), ("1", True), ("TRUE", True), ("f", False), ("0", False), ("False", False)):
        assert read_config(write(tmp_path, f"--use-energy={text}\n"), "fbank").use_energy is value


@pytest.mark.parametrize("text, kind, message", [
    ("--dither=0\n--num-cepz=13\n", "mfcc", r"mfcc\.conf:2: unknown option --num-cepz for mfcc"),
    ("--num-ceps=13\n", "fbank", r"mfcc\.conf:1: option --num-ceps applies to mfcc features, not fbank"),
    ("\n--dither=lots\n", "mfcc", r"mfcc\.conf:2: bad value 'lots' for --dither"),
    ("--use-energy=maybe\n", "mfcc", r"mfcc\.conf:1: bad value 'maybe' for --use-energy"),
    ("num-ceps=13\n", "mfcc", r"mfcc\.conf:1: expected '--option=value'"),
    ("--num-ceps\n", "mfcc", r"mfcc\.conf:1: option --num-ceps needs a value"),
    ("--allow-downsample=true\n", "mfcc", r"mfcc\.conf:1: --allow-downsample=true is not supported"),
    ("--low-freq=20\n--high-freq=9000\n", "mfcc", r"mfcc\.conf:2: bad --low-freq=20 and --high-freq=9000"),
    ("--num-mel-bins=10\n--num-ceps=13\n", "mfcc", r"mfcc\.conf:2: --num-ceps must be between 1 and"),
    ("--window-type=kaiser\n", "fbank", r"mfcc\.conf:1: --window-type must be one of"),
    ("--frame-length=25.0625\n--round-to-power-of-two=false\n", "fbank", r"mfcc\.conf:2: the FFT length 401 is odd"),
])
def test_errors_name_file_and_line(tmp_path, text, kind, message):
    with pytest.raises(InputError, match=message):
        read_config(write(tmp_path, text), kind)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="config file not found"):
        read_config(tmp_path / "none.conf", "mfcc")
