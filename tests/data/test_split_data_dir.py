"""split_data_dir: complete, speaker-disjoint, balanced parts; per-utt splits; up-to-date skipping."""
from __future__ import annotations

import itertools
import os
import random

import pytest

from toolkit.data.datadir import DataDir
from toolkit.data.split import balanced_cuts, split_data_dir, split_by_utterance
from toolkit.data.validate import validate_data_dir
from toolkit.errors import ToolkitError


def read_parts(out, n):
    return [DataDir.read(out / str(j)) for j in range(1, n + 1)]


def test_split_by_speaker_invariants(write, data_dir, files):
    write(data_dir, {"cmvn.scp": ["spk1 c:1", "spk2 c:2", "spk3 c:3"],
                     "feats.scp": [f"{line.split()[0]} f:{i}" for i, line in enumerate(files["utt2spk"])]})
    original = DataDir.read(data_dir)
    out = split_data_dir(data_dir, 2)
    assert out == data_dir / "split2"
    parts = read_parts(out, 2)
    assert [p.speakers for p in parts] == [["spk1"], ["spk2", "spk3"]]  # 3 and 3 utterances
    assert sum((p.utterances for p in parts), []) == original.utterances
    for part in parts:
        assert validate_data_dir(part.path) == []
        for name, table in part.tables.items():
            assert table.items() <= original.tables[name].items()
    assert parts[1].tables["cmvn.scp"] == {"spk2": "c:2", "spk3": "c:3"}
    parts3 = read_parts(split_data_dir(data_dir, 3), 3)
    assert [p.speakers for p in parts3] == [["spk1"], ["spk2"], ["spk3"]]


def test_too_many_parts_for_the_speakers(data_dir):
    with pytest.raises(ToolkitError, match=r"into 4 parts by speaker: it has only 3 speaker"):
        split_data_dir(data_dir, 4)
    with pytest.raises(ToolkitError, match="at least 1"):
        split_data_dir(data_dir, 0)
    assert not (data_dir / "split4").exists()


def test_per_utterance_split(data_dir):
    out = split_data_dir(data_dir, 4, per_utt=True)
    assert out == data_dir / "split4utt"
    parts = read_parts(out, 4)
    assert sorted(len(p.utt2spk) for p in parts) == [1, 1, 2, 2]
    assert sum((p.utterances for p in parts), []) == DataDir.read(data_dir).utterances
    assert parts[0].speakers == parts[1].speakers == ["spk1"]  # a speaker may span parts
    for part in parts:
        assert validate_data_dir(part.path, no_feats=True) == []
    with pytest.raises(ToolkitError, match="only 6 utterance"):
        split_by_utterance(DataDir.read(data_dir), 7)


def test_split_is_skipped_when_up_to_date(write, data_dir):
    out = split_data_dir(data_dir, 2)
    stamp = (out / "1" / "utt2spk").stat().st_mtime_ns
    split_data_dir(data_dir, 2)
    assert (out / "1" / "utt2spk").stat().st_mtime_ns == stamp
    # A newer source file makes it split again.
    later = stamp + 10**9
    os.utime(data_dir / "text", ns=(later, later))
    split_data_dir(data_dir, 2)
    assert (out / "1" / "utt2spk").stat().st_mtime_ns != stamp
    # So does a file added to, or removed from, the source.
    write(data_dir, {"utt2dur": ["spk1-u1 1", "spk1-u2 1", "spk1-u3 1", "spk2-u1 1", "spk2-u2 1", "spk3-u1 1"]})
    split_data_dir(data_dir, 2)
    assert (out / "2" / "utt2dur").read_text() == "spk2-u1 1\nspk2-u2 1\nspk3-u1 1\n"
    (data_dir / "utt2dur").unlink()
    split_data_dir(data_dir, 2)
    assert not (out / "2" / "utt2dur").exists()


def test_balanced_cuts():
    assert balanced_cuts([1] * 10, 3) == [0, 3, 7, 10]  # 3, 4, 3
    assert balanced_cuts([5, 1, 1, 1, 1, 1], 2) == [0, 1, 6]
    assert balanced_cuts([1, 1, 100], 3) == [0, 1, 2, 3]
    rng = random.Random(0)
    for _ in range(500):
        sizes = [rng.randint(1, 20) for _ in range(rng.randint(1, 40))]
        n = rng.randint(1, len(sizes))
        cuts = balanced_cuts(sizes, n)
        assert cuts[0] == 0 and cuts[-1] == len(sizes) and len(cuts) == n + 1
        assert all(a < b for a, b in itertools.pairwise(cuts))
        if len(sizes) >= 2 * n:
            total = sum(sizes)
            for a, b in itertools.pairwise(cuts):
                assert abs(sum(sizes[a:b]) - total / n) <= max(sizes)
    with pytest.raises(ValueError):
        balanced_cuts([1, 2], 3)
