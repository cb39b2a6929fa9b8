"""Speakers made from synthetic voices: a speaking rate and pitch of their own, and a split.

Splits are voice-disjoint, which is stricter than speaker-disjoint: a voice family (an
espeak-ng variant with all its accents, or a flite voice) belongs to exactly one of
train, dev and test, so a test speaker's voice quality was never heard in training.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from toolkit.errors import ToolkitError
from toolkit.synth.voices import FLITE, Voice

SPLITS = ("train", "dev", "test")

SPEAKER_RATE = (0.8, 1.15)
"""Range of a speaker's speaking rate (1.0 is the engine's default speed)."""
SPEAKER_PITCH = (-4.0, 4.0)
"""Range of a speaker's pitch in semitones relative to its voice's default."""


@dataclass(frozen=True)
class Prosody:
    """How fast and how high a voice speaks: `rate` is a speed factor (1.0 = the engine's
    default), `pitch` a shift in semitones from the voice's default pitch."""

    rate: float
    pitch: float


@dataclass(frozen=True)
class Speaker:
    """A voice with its own prosody, in one split. `id` has a fixed width, so that ids
    sort the same way as utterance ids that start with them."""

    id: str
    split: str
    voice: Voice
    prosody: Prosody


def split_voices(
    voices: list[Voice], rng: random.Random, dev_frac: float, test_frac: float
) -> dict[str, list[Voice]]:
    """Assign whole voice families to train, dev and test.

    Families are drawn within each group (see voices.ESPEAK_VARIANTS, and flite) so that
    every split gets some of each kind: round(n * frac) families of a group go to test
    and to dev, but at least one each, and at least one stays in train. Returns split -> voices
    in their input order. Raises ToolkitError if a group is too small for that.
    """
    if not (0 <= dev_frac < 1 and 0 <= test_frac < 1 and dev_frac + test_frac < 1):
        raise ToolkitError(f"need 0 <= dev and test fractions and dev + test < 1, got {dev_frac} and {test_frac}")
    families: dict[str, list[str]] = {}
    for v in voices:
        members = families.setdefault(v.group, [])
        if v.family not in members:
            members.append(v.family)
    split_of: dict[str, str] = {}
    for group in sorted(families):
        members = sorted(families[group])
        rng.shuffle(members)
        n_test = max(1, round(len(members) * test_frac)) if test_frac > 0 else 0
        n_dev = max(1, round(len(members) * dev_frac)) if dev_frac > 0 else 0
        if len(members) - n_test - n_dev < 1:
            raise ToolkitError(
                f"voice group '{group}' has {len(members)} voice(s): too few to hold out "
                f"{n_test} for test and {n_dev} for dev and keep one for train"
            )
        for i, family in enumerate(members):
            split_of[family] = "test" if i < n_test else "dev" if i < n_test + n_dev else "train"
    return {split: [v for v in voices if split_of[v.family] == split] for split in SPLITS}


def make_speakers(voices_by_split: dict[str, list[Voice]], rng: random.Random) -> list[Speaker]:
    """One speaker per voice, with a rate and pitch drawn uniformly from SPEAKER_RATE and
    SPEAKER_PITCH. Ids are `e<n>` (espeak-ng) and `f<n>` (flite), numbered in split order."""
    total = sum(len(v) for v in voices_by_split.values())
    width = max(3, len(str(total)))
    counters = {"e": 0, "f": 0}
    speakers = []
    for split in SPLITS:
        for voice in voices_by_split.get(split, []):
            letter = "f" if voice.engine == FLITE else "e"
            counters[letter] += 1
            prosody = Prosody(round(rng.uniform(*SPEAKER_RATE), 3), round(rng.uniform(*SPEAKER_PITCH), 2))
            speakers.append(Speaker(f"{letter}{counters[letter]:0{width}d}", split, voice, prosody))
    return speakers


def jitter(prosody: Prosody, rng: random.Random, rate_jitter: float, pitch_jitter: float) -> Prosody:
    """A speaker's prosody for one utterance: rate times U(1 - rate_jitter, 1 + rate_jitter),
    pitch plus U(-pitch_jitter, pitch_jitter) semitones."""
    rate = prosody.rate * rng.uniform(1 - rate_jitter, 1 + rate_jitter)
    pitch = prosody.pitch + rng.uniform(-pitch_jitter, pitch_jitter)
    return Prosody(round(rate, 3), round(pitch, 2))


def allocate(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Split `total` into integers proportional to `weights` that sum to `total`.

    Each entry gets the floor of its share; the leftover units go to the largest
    remainders, ties broken in an order drawn from `rng` (so that a small total is
    spread over different voices, not given to the first ones listed).
    """
    if not weights or any(w < 0 for w in weights) or sum(weights) <= 0:
        raise ToolkitError("need at least one non-negative weight and a positive sum")
    exact = [total * w / sum(weights) for w in weights]
    counts = [math.floor(x) for x in exact]
    tie_order = list(range(len(weights)))
    rng.shuffle(tie_order)
    rank = {i: r for r, i in enumerate(tie_order)}
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], rank[i]))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts
