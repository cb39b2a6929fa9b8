"""fix_data_dir: sorts, drops bad lines, keeps the utterances every file has, backs up, reports."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.data.fix import fix_data_dir
from toolkit.data.validate import validate_data_dir
from toolkit.errors import InputError


def test_fix_repairs_reports_and_backs_up(write, data_dir, files):
    broken = {
        "text": list(reversed(files["text"][:3])) + files["text"][4:] + ["spk9-u1 stray"],  # no spk2-u1
        "utt2spk": files["utt2spk"][:2] + [files["utt2spk"][1]] + files["utt2spk"][2:],
        "wav.scp": files["wav.scp"][:3] + [""] + files["wav.scp"][3:],
        "utt2dur": ["spk1-u1 0.5", "spk1-u2 0.75", "spk1-u3 0", "spk2-u1 0.25", "spk2-u2 1.5", "spk3-u1 1.25"],
        "spk2gender": ["spk1 m", "spk2 f"],  # no spk3
        "spk2utt": ["spk1 spk1-u1"],
    }
    write(data_dir, broken)
    originals = {name: (data_dir / name).read_bytes() for name in broken}
    assert validate_data_dir(data_dir, no_feats=True) != []

    report = fix_data_dir(data_dir)

    assert [(Path(p.path).name, p.line) for p in report.dropped_lines] == [
        ("utt2spk", 3), ("utt2dur", 3), ("wav.scp", 4)]
    assert "repeated key 'spk1-u2' (kept line 2)" in report.dropped_lines[0].message
    assert report.resorted == ["text"]
    assert report.utterances == (6, 3)
    assert report.missing == {"text": 1, "utt2dur": 1, "spk2gender": 1}
    assert report.lines["text"] == (6, 3) and report.lines["wav.scp"] == (7, 3)
    summary = "\n".join(report.summary())
    assert f"{data_dir}/utt2spk:3: dropped the line: repeated key 'spk1-u2'" in summary
    assert "kept 3 of 6 utterances" in summary and "1 utterance(s) dropped for lack of an entry in text" in summary

    assert validate_data_dir(data_dir, no_feats=True) == []
    assert (data_dir / "utt2spk").read_text() == "spk1-u1 spk1\nspk1-u2 spk1\nspk2-u2 spk2\n"
    assert (data_dir / "spk2utt").read_text() == "spk1 spk1-u1 spk1-u2\nspk2 spk2-u2\n"
    assert (data_dir / "text").read_text() == "spk1-u1 one two\nspk1-u2 three\nspk2-u2 eight nine\n"
    for name, content in originals.items():
        assert (data_dir / ".backup" / name).read_bytes() == content


def test_fix_keeps_a_valid_directory_as_it_is(data_dir, files):
    before = {name: (data_dir / name).read_text() for name in files}
    report = fix_data_dir(data_dir)
    assert report.utterances == (6, 6) and report.missing == {} and report.lines == {}
    assert report.dropped_lines == [] and report.resorted == []
    assert {name: (data_dir / name).read_text() for name in files} == before


def test_fix_filters_recordings_through_segments(write, data_dir):
    write(data_dir, {
        "wav.scp": ["recA a.wav", "recC unused.wav"],
        "segments": ["spk1-u1 recA 0 1", "spk1-u2 recA 1 2", "spk1-u3 recB 0 1", "spk2-u1 recA 2 3",
                     "spk2-u2 recA 3 2", "spk3-u1 recA 4 5"],
        "reco2file_and_channel": ["recA a A", "recB b A", "recC c A"],
    })
    report = fix_data_dir(data_dir)
    assert report.missing == {"wav.scp": 1, "segments": 1}  # spk1-u3's recording; spk2-u2's bad line
    assert (data_dir / "wav.scp").read_text() == "recA a.wav\n"
    assert (data_dir / "reco2file_and_channel").read_text() == "recA a A\n"
    assert validate_data_dir(data_dir, no_feats=True) == []


def test_fix_refuses_when_nothing_would_remain(write, data_dir):
    write(data_dir, {"feats.scp": ["other-u1 f.ark:1"]})
    before = (data_dir / "utt2spk").read_bytes()
    with pytest.raises(InputError, match="no utterances would remain"):
        fix_data_dir(data_dir)
    assert (data_dir / "utt2spk").read_bytes() == before
    assert not (data_dir / ".backup").exists()


def test_fix_needs_utt2spk(tmp_path):
    with pytest.raises(InputError, match="utt2spk: no such file"):
        fix_data_dir(tmp_path)
