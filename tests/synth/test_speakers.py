"""Voice-disjoint splits, speaker tables and utterance allocation."""
import random

import pytest

from toolkit.errors import ToolkitError
from toolkit.synth.speakers import SPLITS, allocate, jitter, make_speakers, split_voices, Prosody
from toolkit.synth.voices import ESPEAK_ACCENTS, FLITE, espeak_voices, flite_voices, inventory


def test_inventory_covers_the_accents_variants_and_flite_voices():
    voices = inventory()
    names = {v.name for v in voices}
    assert len(ESPEAK_ACCENTS) == 8
    assert {"en-us+m1", "en-gb-scotland+f5", "en-029+klatt3", "en-gb-x-rp+belinda"} <= names
    assert {v.name for v in flite_voices()} == {"kal16", "awb", "rms", "slt"}
    assert len(names) == len(voices) == len(espeak_voices()) + 4


@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_splits_hold_out_whole_voice_families(seed):
    voices = inventory()
    by_split = split_voices(voices, random.Random(seed), dev_frac=0.1, test_frac=0.18)
    families = {s: {v.family for v in by_split[s]} for s in SPLITS}
    # every voice in exactly one split, every family in exactly one split
    assert sorted(v.name for s in SPLITS for v in by_split[s]) == sorted(v.name for v in voices)
    assert not families["train"] & families["dev"]
    assert not families["train"] & families["test"]
    assert not families["dev"] & families["test"]
    for split in SPLITS:
        groups = {v.group for v in by_split[split]}
        assert groups == {"male", "female", "klatt", "named-male", "named-female", "flite"}, split
        assert {v.gender for v in by_split[split] if v.engine != FLITE} == {"m", "f"}
        # a held-out variant takes all its accents with it
        for family in families[split] - {v.name for v in flite_voices()}:
            assert sum(v.family == family for v in by_split[split]) == len(ESPEAK_ACCENTS)
    assert sum(v.engine == FLITE for v in by_split["dev"]) >= 1
    assert sum(v.engine == FLITE for v in by_split["test"]) >= 1


def test_split_refuses_a_group_too_small_to_split():
    few = flite_voices()[:2]
    with pytest.raises(ToolkitError, match="group 'flite' has 2 voice"):
        split_voices(few, random.Random(0), dev_frac=0.1, test_frac=0.1)


def test_speaker_ids_are_fixed_width_unique_and_rates_in_range():
    by_split = split_voices(inventory(), random.Random(3), 0.1, 0.18)
    speakers = make_speakers(by_split, random.Random(3))
    ids = [s.id for s in speakers]
    assert len(set(ids)) == len(ids) == len(inventory())
    assert len({len(i) for i in ids}) == 1
    assert all(s.id.startswith("f") == (s.voice.engine == FLITE) for s in speakers)
    assert all(0.8 <= s.prosody.rate <= 1.15 and -4 <= s.prosody.pitch <= 4 for s in speakers)
    assert make_speakers(by_split, random.Random(3)) == speakers


def test_jitter_stays_within_its_bounds():
    rng = random.Random(5)
    base = Prosody(1.0, 2.0)
    for _ in range(200):
        p = jitter(base, rng, rate_jitter=0.06, pitch_jitter=0.6)
        assert 0.94 - 1e-9 <= p.rate <= 1.06 + 1e-9 and 1.4 - 1e-9 <= p.pitch <= 2.6 + 1e-9


def test_allocate_sums_to_total_and_follows_weights():
    rng = random.Random(0)
    # shares 1.4, 3.5, 2.1, 0: the one leftover unit goes to the largest remainder
    assert allocate(7, [2, 5, 3, 0], rng) == [1, 4, 2, 0]
    for total in (0, 1, 7, 1000):
        weights = [1.0] * 13 + [4.0] * 2
        counts = allocate(total, weights, rng)
        assert sum(counts) == total
        exact = [total * w / sum(weights) for w in weights]
        assert all(abs(c - e) < 1 for c, e in zip(counts, exact))
    # a small total is spread by the tie-breaking draw, not given to the first entries
    firsts = {allocate(1, [1.0] * 10, random.Random(seed)).index(1) for seed in range(20)}
    assert len(firsts) > 3
