"""The corpus steps end to end on a tiny plan: job-count independence, format, valid data dirs."""
import json
import shutil

import numpy as np
import pytest
import soundfile

from toolkit import cli
from toolkit.bin import make_synth_data_dirs, make_synth_plan, synthesize_corpus
from toolkit.data.validate import validate_data_dir
from toolkit.io.table import read_table

pytestmark = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("espeak-ng", "flite", "sox")), reason="needs espeak-ng, flite and sox"
)
VOCAB = "oh zero one two three four five six seven eight nine"


def test_parts_give_the_same_bytes_and_data_dirs_validate(tmp_path):
    plan = tmp_path / "plan.jsonl"
    assert make_synth_plan.main(["--vocabulary", VOCAB, "--n-train", "6", "--n-dev", "3", "--n-test", "3",
                                 "--seed", "9", "--speakers", str(tmp_path / "spk.json"), str(plan)]) == 0
    assert synthesize_corpus.main([str(plan), str(tmp_path / "one")]) == 0
    for part in (1, 2, 3):
        assert synthesize_corpus.main(["--part", str(part), "--num-parts", "3", str(plan), str(tmp_path / "three")]) == 0
    one = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.wav"))
    three = sorted(p.relative_to(tmp_path / "three") for p in (tmp_path / "three").rglob("*.wav"))
    assert one == three and len(one) == 12
    for rel in one:
        assert (tmp_path / "one" / rel).read_bytes() == (tmp_path / "three" / rel).read_bytes()
        info = soundfile.info(tmp_path / "one" / rel)
        assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
        x, _ = soundfile.read(tmp_path / "one" / rel, dtype="int16")
        assert np.abs(x).max() > 10000

    stats = tmp_path / "stats.json"
    assert make_synth_data_dirs.main(["--stats", str(stats), str(plan), str(tmp_path / "one"), str(tmp_path / "data")]) == 0
    for split, n in (("train", 6), ("dev", 3), ("test", 3)):
        d = tmp_path / "data" / split
        assert validate_data_dir(d, no_feats=True) == []
        assert len(read_table(d / "text")) == n
        wav = read_table(d / "wav.scp")
        dur = read_table(d / "utt2dur")
        for utt, path in wav.items():
            assert float(dur[utt]) == pytest.approx(soundfile.info(path).duration, abs=1e-6)
    s = json.loads(stats.read_text())
    assert s["test"]["utterances"] == 3 and s["test"]["flite_speakers"] >= 1
    assert not set(s["train"]["voice_families"]) & set(s["test"]["voice_families"])


def test_bad_part_and_missing_audio_are_errors(tmp_path, capsys):
    plan = tmp_path / "plan.jsonl"
    make_synth_plan.main(["--vocabulary", VOCAB, "--n-train", "2", "--n-dev", "1", "--n-test", "1", str(plan)])
    assert cli.run(synthesize_corpus.main, ["--part", "3", "--num-parts", "2", str(plan), str(tmp_path / "w")]) == 1
    assert "synthesize_corpus: error: need 1 <= --part <= --num-parts" in capsys.readouterr().err
    assert cli.run(make_synth_data_dirs.main, [str(plan), str(tmp_path / "nowhere"), str(tmp_path / "data")]) == 1
    assert "audio file not found" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()
