"""combine_data_dirs: union of utterances, collisions named, optional files kept only if all have them."""
from __future__ import annotations

import logging

import pytest

from toolkit.data.combine import combine_data_dirs
from toolkit.data.datadir import DataDir
from toolkit.data.validate import validate_data_dir
from toolkit.errors import ToolkitError


@pytest.fixture
def halves(tmp_path, data_dir):
    data = DataDir.read(data_dir)
    data.select_utterances(data.utterances[:3]).write(tmp_path / "a")
    data.select_utterances(data.utterances[3:]).write(tmp_path / "b")
    return data, tmp_path / "a", tmp_path / "b"


def test_combine_restores_the_whole(tmp_path, halves):
    data, a, b = halves
    combined = combine_data_dirs([DataDir.read(a), DataDir.read(b)])
    assert combined.tables == data.tables
    combined.write(tmp_path / "all")
    assert validate_data_dir(tmp_path / "all", no_feats=True) == []


def test_utterance_collision_is_named(halves):
    data, a, b = halves
    with pytest.raises(ToolkitError, match=rf"'spk1-u1' \(in {a} and {a}\)"):
        combine_data_dirs([DataDir.read(a), DataDir.read(a)])


def test_optional_file_kept_only_if_all_sources_have_it(write, halves, caplog):
    data, a, b = halves
    write(a, {"utt2dur": ["spk1-u1 0.5", "spk1-u2 0.75", "spk1-u3 1"]})
    with caplog.at_level(logging.INFO):
        combined = combine_data_dirs([DataDir.read(a), DataDir.read(b)])
    assert not combined.has("utt2dur") and combined.has("spk2gender")
    assert f"not combining utt2dur: missing in {b}" in caplog.text


def test_shared_speaker_must_agree(write, halves, caplog):
    data, a, b = halves
    write(b, {"utt2spk": ["spk2-u1 spk2", "spk2-u2 spk2", "spk3-u1 spk1"], "spk2gender": ["spk1 f", "spk2 f"]})
    with pytest.raises(ToolkitError, match=rf"speaker 'spk1' has different entries in {a} \('m'\) and {b} \('f'\)"):
        combine_data_dirs([DataDir.read(a), DataDir.read(b)])
    # Equal entries merge; differing CMVN statistics are dropped, to be recomputed.
    write(b, {"spk2gender": ["spk1 m", "spk2 f"], "cmvn.scp": ["spk1 b.ark:1", "spk2 b.ark:2"]})
    write(a, {"cmvn.scp": ["spk1 a.ark:1"]})
    with caplog.at_level(logging.WARNING):
        combined = combine_data_dirs([DataDir.read(a), DataDir.read(b)])
    assert combined.spk2utt["spk1"] == ["spk1-u1", "spk1-u2", "spk1-u3", "spk3-u1"]
    assert not combined.has("cmvn.scp") and "not combining cmvn.scp" in caplog.text


def test_segmented_and_unsegmented_cannot_combine(write, halves):
    data, a, b = halves
    write(b, {"segments": ["spk2-u1 r 0 1", "spk2-u2 r 1 2", "spk3-u1 r 2 3"], "wav.scp": ["r r.wav"]})
    with pytest.raises(ToolkitError, match="with segments .* and without"):
        combine_data_dirs([DataDir.read(a), DataDir.read(b)])
