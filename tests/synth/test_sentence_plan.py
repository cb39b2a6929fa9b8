"""Plans that read sentences from a file: each sentence at most once, so splits share none."""
import random

import pytest

from toolkit.bin import make_synth_plan
from toolkit.errors import InputError, ToolkitError
from toolkit.synth.plan import plan_corpus, read_plan, read_sentences, sentence_draws
from toolkit.synth.speakers import SPLITS, make_speakers, split_voices
from toolkit.synth.voices import inventory

SENTENCES = [f"sentence number {i} of the list" for i in range(60)]


def test_read_sentences_normalises_spaces_skips_blanks_and_rejects_duplicates(tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("  the  cat sat \n\nthe dog\tbarked\n")
    assert read_sentences(path) == ["the cat sat", "the dog barked"]
    path.write_text("a b\nc d\n\na  b\n")
    with pytest.raises(InputError, match=r"s\.txt:4: duplicate sentence \(first on line 1\): 'a b'"):
        read_sentences(path)
    with pytest.raises(InputError, match="no such file"):
        read_sentences(tmp_path / "absent.txt")


def test_sentence_draws_without_replacement_until_used_up():
    rng = random.Random(3)
    sample = sentence_draws(SENTENCES[:10])
    drawn = [sample(rng) for _ in range(10)]
    assert sorted(drawn) == sorted(SENTENCES[:10]) and drawn != SENTENCES[:10]
    with pytest.raises(ToolkitError, match="all 10 sentences are used"):
        sample(rng)
    # the same seed draws the same order; the caller's list is left alone
    again = sentence_draws(SENTENCES[:10])
    rng = random.Random(3)
    assert [again(rng) for _ in range(10)] == drawn


def test_sentence_plan_splits_share_no_sentence():
    rng = random.Random(8)
    speakers = make_speakers(split_voices(inventory(), rng, 0.1, 0.18), rng)
    specs = plan_corpus(speakers, {"train": 40, "dev": 8, "test": 12}, sentence_draws(SENTENCES), rng)
    texts = {s: [x.text for x in specs if x.split == s] for s in SPLITS}
    assert [len(texts[s]) for s in SPLITS] == [40, 8, 12]
    assert sorted(t for s in SPLITS for t in texts[s]) == sorted(SENTENCES)


def test_make_synth_plan_with_sentences(tmp_path):
    sentences = tmp_path / "s.txt"
    sentences.write_text("".join(s + "\n" for s in SENTENCES[:20]))
    plan = tmp_path / "plan.jsonl"
    assert make_synth_plan.main(["--sentences", str(sentences), "--n-train", "10", "--n-dev", "4",
                                 "--n-test", "6", "--seed", "5", str(plan)]) == 0
    assert sorted(x.text for x in read_plan(plan)) == sorted(SENTENCES[:20])
    with pytest.raises(ToolkitError, match=r"s\.txt has 20 sentences, fewer than the 21 utterances asked for"):
        make_synth_plan.main(["--sentences", str(sentences), "--n-train", "11", "--n-dev", "4",
                              "--n-test", "6", str(plan)])
    with pytest.raises(SystemExit):  # --vocabulary and --sentences exclude each other
        make_synth_plan.main(["--sentences", str(sentences), "--vocabulary", "a b", str(plan)])
