"""DataDir: consistent loading, sorted C-order writing, derived spk2utt, selection by utterance."""
from __future__ import annotations

import pytest

from toolkit.data.datadir import DataDir
from toolkit.data.files import Segment
from toolkit.data.validate import validate_data_dir
from toolkit.errors import ToolkitError
from toolkit.io.wav import is_pipe


def test_read_write_round_trip_sorts_and_derives_spk2utt(tmp_path, write, files):
    shuffled = {name: list(reversed(lines)) for name, lines in files.items()}
    shuffled["utt2spk"][0] = shuffled["utt2spk"][0].replace(" ", "\t  ")
    src = write(tmp_path / "src", {k: v for k, v in shuffled.items() if k != "spk2utt"})
    data = DataDir.read(src)
    assert data.utterances == sorted(files_utts(files))
    assert data.spk2utt == {"spk1": ["spk1-u1", "spk1-u2", "spk1-u3"], "spk2": ["spk2-u1", "spk2-u2"],
                            "spk3": ["spk3-u1"]}
    assert [u for u, v in data.wav_scp.items() if is_pipe(v)] == ["spk3-u1"]
    data.write(tmp_path / "out")
    for name, lines in files.items():
        assert (tmp_path / "out" / name).read_text().splitlines() == sorted(lines), name
    assert validate_data_dir(tmp_path / "out", no_feats=True) == []


def files_utts(files):
    return [line.split()[0] for line in files["utt2spk"]]


def test_write_replaces_the_directory(tmp_path, data_dir):
    out = tmp_path / "out"
    out.mkdir()
    (out / "feats.scp").write_text("stale 1\n")
    DataDir.read(data_dir).write(out)
    assert not (out / "feats.scp").exists()
    assert sorted(p.name for p in out.iterdir()) == ["spk2gender", "spk2utt", "text", "utt2spk", "wav.scp"]


def test_inconsistent_directory_is_refused_with_located_problems(write, data_dir, files):
    write(data_dir, {"text": files["text"][:-1] + ["spk9-u1 x"]})
    with pytest.raises(ToolkitError) as e:
        DataDir.read(data_dir)
    message = str(e.value)
    assert f"{data_dir}/text:6: utterance 'spk9-u1' is not in utt2spk" in message
    assert f"{data_dir}/utt2spk:6: utterance 'spk3-u1' has no entry in text" in message
    assert "fix_data_dir" in message
    assert DataDir.read(data_dir, ignore=["text"]).text is None


def test_segments_and_selection_keep_what_utterances_use(write, data_dir):
    write(data_dir, {
        "wav.scp": ["recA a.wav", "recB sox b.wav -t wav - |"],
        "segments": ["spk1-u1 recA 0 1", "spk1-u2 recA 1 2.5", "spk1-u3 recB 0 1", "spk2-u1 recB 1 2",
                     "spk2-u2 recB 2 3", "spk3-u1 recB 3 4"],
        "cmvn.scp": ["spk1 c:1", "spk2 c:2", "spk3 c:3"],
    })
    data = DataDir.read(data_dir)
    assert data.segments["spk1-u2"] == Segment("recA", 1.0, 2.5)
    assert data.recording_of("spk2-u1") == "recB"
    sub = data.select_utterances(["spk1-u1", "spk1-u2", "nonexistent"])
    assert sub.utterances == ["spk1-u1", "spk1-u2"]
    assert sub.tables["wav.scp"] == {"recA": "a.wav"}
    assert sub.tables["cmvn.scp"] == {"spk1": "c:1"} and sub.tables["spk2gender"] == {"spk1": "m"}
    sub.write(data_dir.parent / "sub")
    assert validate_data_dir(data_dir.parent / "sub", no_feats=True) == []


def test_missing_directory_and_empty_utt2spk(tmp_path, write):
    with pytest.raises(ToolkitError, match="none: no such directory"):
        DataDir.read(tmp_path / "none")
    write(tmp_path / "d", {"utt2spk": []})
    with pytest.raises(ToolkitError, match="utt2spk: empty file"):
        DataDir.read(tmp_path / "d")
