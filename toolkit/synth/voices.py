"""The synthetic voices a speech corpus can draw its speakers from: espeak-ng and flite.

An espeak-ng voice is an English accent combined with a voice variant (`en-gb+m3`); a
flite voice is one of its built-in English voices. A voice's `family` is what a
speaker-disjoint split holds out as a whole: the espeak-ng variant (all accents of `m3`
together, since they share the variant's formants and voice quality) or the flite voice.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass

from toolkit.errors import ToolkitError

ESPEAK = "espeak-ng"
FLITE = "flite"

ESPEAK_ACCENTS = (
    "en-us", "en-us-nyc", "en-gb", "en-gb-x-rp", "en-gb-scotland",
    "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029",
)
"""The English accents of espeak-ng 1.51 (US, New York, British, RP, Scottish, Lancaster,
West Midlands, Caribbean)."""

# Variant -> gender, as the variant files in espeak-ng-data/voices/!v declare it.
# Grouped by kind (and the named ones by gender) so that a split can take some of each. klatt6 is left out: its
# output is identical to klatt's. Whisper, croak and the robotic variants are left
# out too: they are effects, not voices a recognizer should learn from.
ESPEAK_VARIANTS: dict[str, dict[str, str]] = {
    "male": {f"m{i}": "m" for i in range(1, 9)},
    "female": {f"f{i}": "f" for i in range(1, 6)},
    "klatt": {"klatt": "m", "klatt2": "m", "klatt3": "m", "klatt4": "m", "klatt5": "m"},
    "named-male": {
        "Andy": "m", "Gene": "m", "Lee": "m", "Mike": "m", "david": "m", "john": "m",
        "max": "m", "paul": "m", "robert": "m",
    },
    "named-female": {"Alicia": "f", "Annie": "f", "belinda": "f", "linda": "f", "steph": "f"},
}

# flite voice -> (gender, median F0 in Hz of its default output). Measured on this
# machine's flite 2.2 with an autocorrelation pitch tracker over "one two ... seven";
# a speaker's pitch is set relative to it. rms ignores int_f0_target_mean (its F0
# stays at 104 Hz whatever is asked), the other three follow it. The 8 kHz `kal`
# and the limited-domain `awb_time` are not offered.
FLITE_VOICES: dict[str, tuple[str, float]] = {
    "awb": ("m", 128.0), "kal16": ("m", 93.0), "rms": ("m", 104.0), "slt": ("f", 174.0),
}


@dataclass(frozen=True)
class Voice:
    """One synthetic voice. `name` is what the engine is given (`en-gb+m3`, `slt`);
    `group` is the kind of voice (a key of ESPEAK_VARIANTS, or flite); `base_f0` (Hz) is
    set for flite voices only."""

    engine: str
    name: str
    family: str
    group: str
    gender: str
    base_f0: float | None = None


def espeak_voices(accents: tuple[str, ...] = ESPEAK_ACCENTS) -> list[Voice]:
    """Every accent+variant combination, ordered by group, variant, accent."""
    return [
        Voice(ESPEAK, f"{accent}+{variant}", variant, group, gender)
        for group, variants in ESPEAK_VARIANTS.items()
        for variant, gender in variants.items()
        for accent in accents
    ]


def flite_voices() -> list[Voice]:
    """The flite voices, ordered by name."""
    return [Voice(FLITE, name, name, "flite", gender, f0) for name, (gender, f0) in sorted(FLITE_VOICES.items())]


def inventory() -> list[Voice]:
    """All voices: espeak-ng combinations then flite voices."""
    return espeak_voices() + flite_voices()


def require_programs(voices: list[Voice]) -> None:
    """Raise ToolkitError naming any program the voices (and sox) need that is not on PATH."""
    needed = sorted({v.engine for v in voices} | {"sox"})
    missing = [p for p in needed if shutil.which(p) is None]
    if missing:
        raise ToolkitError(
            f"not found on PATH: {', '.join(missing)} (Debian: apt-get install espeak-ng flite sox libsox-fmt-all)"
        )
