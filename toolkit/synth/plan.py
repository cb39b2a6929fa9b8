"""A corpus plan: every utterance of a synthetic corpus, fully specified before any audio exists.

All randomness (texts, speakers' utterance counts, per-utterance prosody, padding, noise
level, color and seed) is drawn here, serially, from one seed. Rendering an utterance
then depends on its own entry only, so the audio is the same however the work is split
into jobs. On disk a plan is JSON lines, one utterance per line.
"""
from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.synth.noise import COLORS
from toolkit.synth.speakers import SPLITS, Prosody, Speaker, allocate, jitter
from toolkit.synth.voices import FLITE, Voice


@dataclass(frozen=True)
class Noise:
    """Additive noise for one utterance (see toolkit.synth.noise)."""

    snr_db: float
    color: str
    seed: int


@dataclass(frozen=True)
class UtteranceSpec:
    """One utterance to synthesize. `text` is both what the voice reads and the transcript;
    `pad` is (head, tail) seconds of silence added around the speech before the noise;
    `wav` is the output path relative to the corpus's wav directory."""

    utt: str
    spk: str
    split: str
    voice: Voice
    prosody: Prosody
    text: str
    pad: tuple[float, float]
    noise: Noise | None
    wav: str


@dataclass(frozen=True)
class PlanOptions:
    """How utterances vary. Flite speakers get `flite_weight` times the utterances of an
    espeak-ng speaker (there are few flite voices and many espeak-ng accent+variant
    combinations). Jitters are relative (rate) and in semitones (pitch)."""

    flite_weight: float = 4.0
    rate_jitter: float = 0.06
    pitch_jitter: float = 0.6
    pad_prob: float = 0.5
    pad_range: tuple[float, float] = (0.1, 0.3)
    noise_frac: float = 0.5
    snr_range: tuple[float, float] = (10.0, 30.0)


def word_strings(words: list[str], min_words: int, max_words: int) -> Callable[[random.Random], str]:
    """A text sampler: min_words..max_words words (uniform length), each uniform over `words`."""
    if not words:
        raise ToolkitError("the vocabulary is empty")
    if not 1 <= min_words <= max_words:
        raise ToolkitError(f"need 1 <= min words <= max words, got {min_words} and {max_words}")

    def sample(rng: random.Random) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(min_words, max_words)))

    return sample


def read_sentences(path: str | os.PathLike) -> list[str]:
    """The sentences of a text file, one a line, in file order, with runs of whitespace made
    single spaces. Blank lines are skipped; a sentence given twice is an InputError naming
    both lines (a sentence read in two splits would leak between them)."""
    first_line: dict[str, int] = {}
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    with f:
        for n, line in enumerate(f, start=1):
            sentence = " ".join(line.split())
            if not sentence:
                continue
            if sentence in first_line:
                raise InputError(f"duplicate sentence (first on line {first_line[sentence]}): {sentence!r}", path, n)
            first_line[sentence] = n
    return list(first_line)


def sentence_draws(sentences: list[str]) -> Callable[[random.Random], str]:
    """A text sampler that draws `sentences` without replacement, each draw uniform over
    those not drawn yet: no sentence is read twice in a corpus, so splits share none.
    Raises ToolkitError once all are used."""
    if not sentences:
        raise ToolkitError("there are no sentences to draw from")
    pool = list(sentences)

    def sample(rng: random.Random) -> str:
        if not pool:
            raise ToolkitError(f"all {len(sentences)} sentences are used: ask for fewer utterances")
        i = rng.randrange(len(pool))
        pool[i], pool[-1] = pool[-1], pool[i]
        return pool.pop()

    return sample


def plan_corpus(
    speakers: list[Speaker],
    sizes: dict[str, int],
    sample_text: Callable[[random.Random], str],
    rng: random.Random,
    options: PlanOptions = PlanOptions(),
) -> list[UtteranceSpec]:
    """Draw `sizes[split]` utterances for each split, spread over that split's speakers.

    Utterance ids are `<speaker id>-<running number>` (fixed width), so the speaker id is a
    prefix of the utterance id and both sort alike. Raises ToolkitError when a split
    asked to have utterances has no speakers.
    """
    total = sum(sizes.values())
    width = max(5, len(str(total)))
    specs = []
    for split in SPLITS:
        n = sizes.get(split, 0)
        if n <= 0:
            continue
        members = [s for s in speakers if s.split == split]
        if not members:
            raise ToolkitError(f"split '{split}' asks for {n} utterances but has no speakers")
        weights = [options.flite_weight if s.voice.engine == FLITE else 1.0 for s in members]
        for speaker, count in zip(members, allocate(n, weights, rng)):
            for _ in range(count):
                utt = f"{speaker.id}-{len(specs):0{width}d}"
                text = sample_text(rng)
                prosody = jitter(speaker.prosody, rng, options.rate_jitter, options.pitch_jitter)
                pad = (0.0, 0.0)
                if rng.random() < options.pad_prob:
                    pad = (round(rng.uniform(*options.pad_range), 3), round(rng.uniform(*options.pad_range), 3))
                noise = None
                if rng.random() < options.noise_frac:
                    noise = Noise(round(rng.uniform(*options.snr_range), 2), rng.choice(sorted(COLORS)), rng.getrandbits(32))
                specs.append(
                    UtteranceSpec(utt, speaker.id, split, speaker.voice, prosody, text, pad, noise,
                                  f"{split}/{speaker.id}/{utt}.wav")
                )
    return specs


def write_plan(path: str | os.PathLike, specs: list[UtteranceSpec]) -> None:
    """Write the plan atomically, one JSON object per line."""
    with atomic_write(Path(path)) as f:
        for spec in specs:
            f.write(json.dumps(asdict(spec), sort_keys=True) + "\n")


def read_plan(path: str | os.PathLike) -> list[UtteranceSpec]:
    """Read a plan written by write_plan; InputError names the file and line of a bad entry."""
    specs = []
    seen: set[str] = set()
    try:
        f = open(path, encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    with f:
        for n, line in enumerate(f, start=1):
            try:
                d = json.loads(line)
                noise = None if d["noise"] is None else Noise(**d["noise"])
                spec = UtteranceSpec(
                    d["utt"], d["spk"], d["split"], Voice(**d["voice"]), Prosody(**d["prosody"]),
                    d["text"], tuple(d["pad"]), noise, d["wav"],
                )
            except (ValueError, KeyError, TypeError) as e:
                raise InputError(f"not a plan entry ({type(e).__name__}: {e})", path, n) from None
            if Path(spec.wav).is_absolute() or ".." in Path(spec.wav).parts:
                raise InputError(f"wav path '{spec.wav}' must be relative and stay inside the wav directory", path, n)
            if spec.utt in seen:
                raise InputError(f"duplicate utterance '{spec.utt}'", path, n)
            seen.add(spec.utt)
            specs.append(spec)
    return specs
