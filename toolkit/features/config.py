"""Feature options as Kaldi's compute-mfcc-feats / compute-fbank-feats take them, read from conf/*.conf.

A config file has one `--option=value` per line (`--option` alone sets a boolean to
true); `#` starts a comment; option names may use `_` or `-` and any case, and a later
line overrides an earlier one, as in Kaldi's ParseOptions::ReadConfigFile. Defaults are
Kaldi's, which differ from torchaudio's in places (dither 1.0, energy_floor 0.0, MFCC
use_energy true). Values are checked the way Kaldi checks them, and every error names the
file and line that caused it.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Callable

from toolkit.errors import InputError

KINDS = ("mfcc", "fbank")
WINDOW_TYPES = ("povey", "hamming", "hanning", "rectangular", "blackman", "sine")


@dataclass(frozen=True)
class FeatureOptions:
    """Every option that changes MFCC or fbank output; times in milliseconds, frequencies in Hz.

    `lines` maps a field to the config line that set it, for error messages;
    `source` is the config file (or None for defaults).
    """

    kind: str = "mfcc"
    # Frame extraction (Kaldi's FrameExtractionOptions).
    sample_frequency: float = 16000.0
    frame_shift: float = 10.0
    frame_length: float = 25.0
    dither: float = 1.0
    preemphasis_coefficient: float = 0.97
    remove_dc_offset: bool = True
    window_type: str = "povey"
    round_to_power_of_two: bool = True
    blackman_coeff: float = 0.42
    snip_edges: bool = True
    # Mel filter bank (MelBanksOptions) and the warp factor compute-*-feats takes.
    num_mel_bins: int = 23
    low_freq: float = 20.0
    high_freq: float = 0.0
    vtln_low: float = 100.0
    vtln_high: float = -500.0
    vtln_warp: float = 1.0
    # Energy and output layout (MfccOptions / FbankOptions).
    use_energy: bool = True
    energy_floor: float = 0.0
    raw_energy: bool = True
    htk_compat: bool = False
    num_ceps: int = 13
    cepstral_lifter: float = 22.0
    use_log_fbank: bool = True
    use_power: bool = True
    # Per-utterance options of compute-*-feats.
    subtract_mean: bool = False
    min_duration: float = 0.0
    source: str | None = field(default=None, compare=False)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def window_size(self) -> int:
        """Frame length in samples, rounded down as Kaldi does."""
        return int(self.sample_frequency * 0.001 * self.frame_length)

    @property
    def window_shift(self) -> int:
        """Frame shift in samples, rounded down as Kaldi does."""
        return int(self.sample_frequency * 0.001 * self.frame_shift)

    @property
    def padded_window_size(self) -> int:
        """FFT length: the window size, or the next power of two when round_to_power_of_two."""
        n = self.window_size
        return 1 << (n - 1).bit_length() if self.round_to_power_of_two else n

    @property
    def dim(self) -> int:
        """Feature dimension: num_ceps for MFCC; num_mel_bins (+1 with use_energy) for fbank."""
        if self.kind == "mfcc":
            return self.num_ceps
        return self.num_mel_bins + int(self.use_energy)


def default_options(kind: str) -> FeatureOptions:
    """Kaldi's defaults for compute-mfcc-feats (`mfcc`) or compute-fbank-feats (`fbank`)."""
    if kind not in KINDS:
        raise InputError(f"unknown feature type '{kind}' (expected one of: {', '.join(KINDS)})")
    return FeatureOptions(kind=kind, use_energy=(kind == "mfcc"))


def _to_bool(text: str) -> bool:
    # Kaldi's ParseOptions::ToBool; an empty value is what `--flag` alone gives.
    lowered = text.lower()
    if lowered in ("true", "t", "1", ""):
        return True
    if lowered in ("false", "f", "0"):
        return False
    raise ValueError("expected true or false")


def _to_int(text: str) -> int:
    return int(text)


def _to_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return value


def _to_str(text: str) -> str:
    return text


BOTH = frozenset(KINDS)
MFCC = frozenset({"mfcc"})
FBANK = frozenset({"fbank"})


@dataclass(frozen=True)
class _Option:
    field: str | None  # None: a Kaldi option accepted for compatibility, without effect here
    convert: Callable[[str], object]
    kinds: frozenset[str] = BOTH
    allowed: tuple = ()  # for field None: the values supported (empty: any)
    why: str = ""


_OPTIONS: dict[str, _Option] = {
    "sample-frequency": _Option("sample_frequency", _to_float),
    "frame-shift": _Option("frame_shift", _to_float),
    "frame-length": _Option("frame_length", _to_float),
    "dither": _Option("dither", _to_float),
    "preemphasis-coefficient": _Option("preemphasis_coefficient", _to_float),
    "remove-dc-offset": _Option("remove_dc_offset", _to_bool),
    "window-type": _Option("window_type", _to_str),
    "round-to-power-of-two": _Option("round_to_power_of_two", _to_bool),
    "blackman-coeff": _Option("blackman_coeff", _to_float),
    "snip-edges": _Option("snip_edges", _to_bool),
    "num-mel-bins": _Option("num_mel_bins", _to_int),
    "low-freq": _Option("low_freq", _to_float),
    "high-freq": _Option("high_freq", _to_float),
    "vtln-low": _Option("vtln_low", _to_float),
    "vtln-high": _Option("vtln_high", _to_float),
    "vtln-warp": _Option("vtln_warp", _to_float),
    "use-energy": _Option("use_energy", _to_bool),
    "energy-floor": _Option("energy_floor", _to_float),
    "raw-energy": _Option("raw_energy", _to_bool),
    "htk-compat": _Option("htk_compat", _to_bool),
    "num-ceps": _Option("num_ceps", _to_int, MFCC),
    "cepstral-lifter": _Option("cepstral_lifter", _to_float, MFCC),
    "use-log-fbank": _Option("use_log_fbank", _to_bool, FBANK),
    "use-power": _Option("use_power", _to_bool, FBANK),
    "subtract-mean": _Option("subtract_mean", _to_bool),
    "min-duration": _Option("min_duration", _to_float),
    # Kaldi options that do not change the output here, or only in the one supported setting.
    "allow-downsample": _Option(None, _to_bool, allowed=(False,),
                                why="resample in wav.scp instead, e.g. 'sox FILE -r 16000 -t wav - |'"),
    "allow-upsample": _Option(None, _to_bool, allowed=(False,),
                              why="resample in wav.scp instead, e.g. 'sox FILE -r 16000 -t wav - |'"),
    "htk-mode": _Option(None, _to_bool, allowed=(False,), why="HTK-style mel banks are not implemented"),
    "output-format": _Option(None, _to_str, allowed=("kaldi",), why="only Kaldi matrices are written"),
    "channel": _Option(None, _to_int, allowed=(-1, 0), why="the first channel is always used"),
    "debug-mel": _Option(None, _to_bool),
    "max-feature-vectors": _Option(None, _to_int),
}


def _normalize(name: str) -> str:
    # Kaldi's NormalizeArgName: '_' and '-' are the same, case does not matter.
    return name.replace("_", "-").lower()


def parse_config(lines: list[str], kind: str, source: str | None = None) -> FeatureOptions:
    """Options for `kind` from config-file lines on top of Kaldi's defaults, validated.

    Raises InputError naming `source` and the line for a malformed line, an unknown
    option, an option of the other feature type, a bad value, or inconsistent values.
    """
    opts = default_options(kind)
    values: dict[str, object] = {}
    where: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not line.startswith("--") or len(line) == 2:
            raise InputError(f"expected '--option=value', got '{line}'", source, number)
        name, has_value, text = line[2:].partition("=")
        key = _normalize(name.strip())
        text = text.strip()
        option = _OPTIONS.get(key)
        if option is None:
            known = ", ".join(f"--{k}" for k, o in _OPTIONS.items() if kind in o.kinds)
            raise InputError(f"unknown option --{key} for {kind} features (known: {known})", source, number)
        if kind not in option.kinds:
            raise InputError(f"option --{key} applies to {'/'.join(sorted(option.kinds))} features, "
                             f"not {kind}", source, number)
        if not has_value and option.convert is not _to_bool:
            raise InputError(f"option --{key} needs a value (--{key}=VALUE)", source, number)
        try:
            value = option.convert(text)
        except ValueError as e:
            raise InputError(f"bad value '{text}' for --{key}: {e}", source, number) from None
        if option.field is None:
            if option.allowed and value not in option.allowed:
                raise InputError(f"--{key}={text} is not supported ({option.why})", source, number)
            continue
        values[option.field] = value
        where[option.field] = number
    opts = dataclasses.replace(opts, **values, source=source, lines=where)
    validate(opts)
    return opts


def read_config(path: str | os.PathLike, kind: str) -> FeatureOptions:
    """Read a Kaldi feature config file (e.g. conf/mfcc.conf) for `kind` ('mfcc' or 'fbank')."""
    path = os.fspath(path)
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except FileNotFoundError:
        raise InputError("config file not found", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"config file is not valid UTF-8 ({e.reason})", path) from None
    return parse_config(lines, kind, path)


def validate(opts: FeatureOptions) -> None:
    """Raise InputError (naming the config line when known) unless Kaldi would accept `opts`."""

    def fail(message: str, *fields: str) -> None:
        lines = [opts.lines[f] for f in fields if f in opts.lines]
        raise InputError(message, opts.source, max(lines) if lines else None)

    if opts.sample_frequency <= 0:
        fail(f"--sample-frequency must be positive, got {opts.sample_frequency:g}", "sample_frequency")
    if opts.window_shift < 1:
        fail(f"--frame-shift={opts.frame_shift:g} ms is less than one sample", "frame_shift", "sample_frequency")
    if opts.window_size < 2:
        fail(f"--frame-length={opts.frame_length:g} ms is less than two samples", "frame_length",
             "sample_frequency")
    if opts.padded_window_size % 2:
        fail(f"the FFT length {opts.padded_window_size} is odd: set --round-to-power-of-two=true or "
             f"choose a --frame-length that is an even number of samples", "round_to_power_of_two", "frame_length")
    if opts.dither < 0:
        fail(f"--dither must not be negative, got {opts.dither:g}", "dither")
    if not 0.0 <= opts.preemphasis_coefficient <= 1.0:
        fail(f"--preemphasis-coefficient must be in [0, 1], got {opts.preemphasis_coefficient:g}",
             "preemphasis_coefficient")
    if opts.window_type not in WINDOW_TYPES:
        fail(f"--window-type must be one of {', '.join(WINDOW_TYPES)}, got '{opts.window_type}'", "window_type")
    # torchaudio's mel banks need four bins or more (Kaldi's limit is three).
    if opts.num_mel_bins < 4:
        fail(f"--num-mel-bins must be at least 4, got {opts.num_mel_bins}", "num_mel_bins")
    nyquist = 0.5 * opts.sample_frequency
    high = opts.high_freq if opts.high_freq > 0 else opts.high_freq + nyquist
    if not (0.0 <= opts.low_freq < nyquist and 0.0 < high <= nyquist and opts.low_freq < high):
        fail(f"bad --low-freq={opts.low_freq:g} and --high-freq={opts.high_freq:g} for Nyquist frequency "
             f"{nyquist:g} (need 0 <= low < high <= Nyquist; high <= 0 counts back from Nyquist)",
             "low_freq", "high_freq", "sample_frequency")
    if opts.vtln_warp <= 0:
        fail(f"--vtln-warp must be positive, got {opts.vtln_warp:g}", "vtln_warp")
    if opts.vtln_warp != 1.0:
        vtln_high = opts.vtln_high if opts.vtln_high > 0 else opts.vtln_high + nyquist
        if not (opts.low_freq < opts.vtln_low < high and 0 < vtln_high < high and opts.vtln_low < vtln_high):
            fail(f"bad --vtln-low={opts.vtln_low:g} and --vtln-high={opts.vtln_high:g} for low-freq "
                 f"{opts.low_freq:g} and high-freq {high:g}", "vtln_low", "vtln_high", "vtln_warp")
    if opts.energy_floor < 0:
        fail(f"--energy-floor must not be negative, got {opts.energy_floor:g}", "energy_floor")
    if opts.kind == "mfcc" and not 1 <= opts.num_ceps <= opts.num_mel_bins:
        fail(f"--num-ceps must be between 1 and --num-mel-bins ({opts.num_mel_bins}), got {opts.num_ceps}",
             "num_ceps", "num_mel_bins")
    if opts.min_duration < 0:
        fail(f"--min-duration must not be negative, got {opts.min_duration:g}", "min_duration")
