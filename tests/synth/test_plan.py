"""Corpus plans: drawn from a seed, voice-disjoint, written and read back losslessly."""
import random

import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.synth.plan import PlanOptions, plan_corpus, read_plan, word_strings, write_plan
from toolkit.synth.speakers import SPLITS, make_speakers, split_voices
from toolkit.synth.voices import FLITE, inventory

DIGITS = "oh zero one two three four five six seven eight nine".split()


def _plan(seed, sizes=None, options=PlanOptions()):
    rng = random.Random(seed)
    speakers = make_speakers(split_voices(inventory(), rng, 0.1, 0.18), rng)
    return plan_corpus(speakers, sizes or {"train": 300, "dev": 40, "test": 60}, word_strings(DIGITS, 1, 7), rng, options)


def test_same_seed_same_plan_other_seed_other_plan():
    assert _plan(11) == _plan(11)
    assert [x.text for x in _plan(11)] != [x.text for x in _plan(12)]


def test_plan_is_voice_disjoint_with_flite_in_dev_and_test():
    specs = _plan(5)
    assert {s: sum(x.split == s for x in specs) for s in SPLITS} == {"train": 300, "dev": 40, "test": 60}
    families = {s: {x.voice.family for x in specs if x.split == s} for s in SPLITS}
    speakers = {s: {x.spk for x in specs if x.split == s} for s in SPLITS}
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        assert not families[a] & families[b] and not speakers[a] & speakers[b]
    for s in ("dev", "test"):
        assert any(x.voice.engine == FLITE for x in specs if x.split == s)


def test_utterances_follow_the_options():
    specs = _plan(7, {"train": 2000})
    assert all(x.utt.startswith(x.spk + "-") and x.wav == f"train/{x.spk}/{x.utt}.wav" for x in specs)
    assert len({len(x.utt) for x in specs}) == 1 and len({x.utt for x in specs}) == 2000
    lengths = [len(x.text.split()) for x in specs]
    assert min(lengths) == 1 and max(lengths) == 7
    assert all(w in DIGITS for x in specs for w in x.text.split())
    noisy = [x.noise for x in specs if x.noise is not None]
    assert len(noisy) / len(specs) == pytest.approx(0.5, abs=0.05)
    assert all(10 <= n.snr_db <= 30 for n in noisy) and {n.color for n in noisy} == {"white", "pink", "brown"}
    padded = [x.pad for x in specs if x.pad != (0.0, 0.0)]
    assert len(padded) / len(specs) == pytest.approx(0.5, abs=0.05)
    assert all(0.1 <= h <= 0.3 and 0.1 <= t <= 0.3 for h, t in padded)
    # a flite speaker gets about 4 times the utterances of an espeak-ng speaker
    per_spk = {}
    for x in specs:
        per_spk.setdefault((x.voice.engine, x.spk), 0)
        per_spk[(x.voice.engine, x.spk)] += 1
    flite = [n for (e, _), n in per_spk.items() if e == FLITE]
    espeak = [n for (e, _), n in per_spk.items() if e != FLITE]
    assert min(flite) >= 4 * min(espeak) - 1 and max(flite) <= 4 * max(espeak) + 1
    quiet = _plan(7, {"train": 50}, PlanOptions(noise_frac=0.0, pad_prob=0.0))
    assert all(x.noise is None and x.pad == (0.0, 0.0) for x in quiet)


def test_plan_round_trips_and_bad_lines_are_located(tmp_path):
    specs = _plan(3, {"train": 20, "dev": 5, "test": 5})
    write_plan(tmp_path / "plan.jsonl", specs)
    assert read_plan(tmp_path / "plan.jsonl") == specs
    lines = (tmp_path / "plan.jsonl").read_text().splitlines()
    (tmp_path / "bad.jsonl").write_text("\n".join(lines[:2] + ['{"utt": "x"}']) + "\n")
    with pytest.raises(InputError, match=r"bad.jsonl:3: not a plan entry \(KeyError"):
        read_plan(tmp_path / "bad.jsonl")
    (tmp_path / "dup.jsonl").write_text("\n".join(lines[:2] + lines[:1]) + "\n")
    with pytest.raises(InputError, match=r"dup.jsonl:3: duplicate utterance"):
        read_plan(tmp_path / "dup.jsonl")
    (tmp_path / "esc.jsonl").write_text(lines[0].replace('"wav": "train/', '"wav": "../../') + "\n")
    with pytest.raises(InputError, match=r"esc.jsonl:1: wav path .* must be relative"):
        read_plan(tmp_path / "esc.jsonl")


def test_bad_requests_are_refused():
    with pytest.raises(ToolkitError, match="min words <= max words"):
        word_strings(DIGITS, 3, 2)
    rng = random.Random(0)
    only_train = [s for s in make_speakers(split_voices(inventory(), rng, 0.1, 0.18), rng) if s.split == "train"]
    with pytest.raises(ToolkitError, match="split 'dev' asks for 3 utterances but has no speakers"):
        plan_corpus(only_train, {"dev": 3}, word_strings(DIGITS, 1, 2), rng)
