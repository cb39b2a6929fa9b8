"""validate_data_dir reports every problem Kaldi's validate_data_dir.sh objects to, at its file and line."""
from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.data.validate import consistency_problems, validate_data_dir


def where(problems) -> list[tuple[str, int | None]]:
    return [(Path(p.path).name, p.line) for p in problems]


def has(problems, name: str, line: int | None, text: str) -> bool:
    return any(Path(p.path).name == name and p.line == line and text in p.message for p in problems)


def test_valid_directory_passes(data_dir):
    assert validate_data_dir(data_dir, no_feats=True) == []
    assert consistency_problems(data_dir) == []


def test_required_files_and_options(write, data_dir):
    problems = validate_data_dir(data_dir)
    assert where(problems) == [("feats.scp", None)] and "--no-feats" in problems[0].message
    (data_dir / "text").unlink()
    assert where(validate_data_dir(data_dir, no_feats=True)) == [("text", None)]
    assert validate_data_dir(data_dir, no_feats=True, no_text=True) == []
    (data_dir / "wav.scp").unlink()
    assert where(validate_data_dir(data_dir, no_feats=True, no_text=True)) == [("wav.scp", None)]
    assert validate_data_dir(data_dir, no_feats=True, no_text=True, no_wav=True) == []
    # feats.scp stands in for wav.scp.
    write(data_dir, {"feats.scp": [f"{u} feats.ark:{i}" for i, u in enumerate(
        ["spk1-u1", "spk1-u2", "spk1-u3", "spk2-u1", "spk2-u2", "spk3-u1"])]})
    assert validate_data_dir(data_dir, no_text=True) == []


def test_missing_directory_and_utt2spk(write, tmp_path):
    assert where(validate_data_dir(tmp_path / "none")) == [("none", None)]
    write(tmp_path / "d", {"text": ["u1 a"]})
    problems = validate_data_dir(tmp_path / "d", no_feats=True, no_wav=True)
    assert ("utt2spk", None) in where(problems) and ("spk2utt", None) in where(problems)


# (file to change, line (1-based) to replace or None to append, new content, where, message)
CASES = [
    ("text", 1, "spk1-u4 x", ("text", 2), "key 'spk1-u2' is out of sorted order: it comes after 'spk1-u4'"),
    ("text", 3, "", ("text", 3), "blank line"),
    ("utt2spk", 2, "spk1-u1 spk1", ("utt2spk", 2), "duplicate key 'spk1-u1' (first on line 1)"),
    ("text", 2, "spk1-u2 <s> three", ("text", 2), "reserved symbol(s) <s>"),
    ("text", 2, "spk1-u2 three #0", ("text", 2), "reserved symbol(s) #0"),
    ("text", 2, "spk1-u2 thr\x07ee", ("text", 2), "non-printable character(s) U+0007"),
    ("text", 2, "spk1-u2 three\r", ("text", 2), "carriage return"),
    ("text", 2, "spk1-u2 three\u00a0four", ("text", 2), "disallowed white space U+00A0"),
    ("text", 2, "\ufeffspk1-u2 three", ("text", 2), "byte-order mark"),
    ("utt2spk", 2, "spk1-u2 spk1 extra", ("utt2spk", 2), "expected exactly one field"),
    ("utt2spk", 2, "spk1-u2 spk2", ("spk2utt", 1), "lists utterance 'spk1-u2', which utt2spk (line 2)"),
    ("spk2utt", 1, "spk1 spk1-u1 spk1-u3", ("spk2utt", 1), "does not list its utterance 'spk1-u2'"),
    ("spk2utt", 1, "spk1 spk1-u2 spk1-u1 spk1-u3", ("spk2utt", 1), "not in sorted order"),
    ("text", None, "spk4-u1 extra", ("text", 7), "utterance 'spk4-u1' is not in utt2spk"),
    ("text", 4, "spk2-u1x seven", ("utt2spk", 4), "utterance 'spk2-u1' has no entry in text"),
    ("wav.scp", 4, "spk2-u1 ~/a.wav", ("wav.scp", 4), "starts with '~'"),
    ("wav.scp", 4, "spk2-u1 |", ("wav.scp", 4), "empty command"),
    ("spk2gender", 2, "spk2 x", ("spk2gender", 2), "gender must be 'm' or 'f'"),
    ("spk2gender", 3, "spk4 m", ("spk2gender", 3), "speaker 'spk4' has no utterances"),
    ("spk2gender", 3, "spk3 m", ("spk2gender", None), "the last line does not end in a newline"),
]


@pytest.mark.parametrize("name,line,content,expected,message", CASES)
def test_each_problem_is_located(write, data_dir, files, name, line, content, expected, message):
    lines = list(files[name])
    if line is None:
        lines.append(content)
    else:
        lines[line - 1] = content
    if message.startswith("the last line"):
        write(data_dir, {name: "\n".join(lines)})
        expected = (name, len(lines))
    else:
        write(data_dir, {name: lines})
    problems = validate_data_dir(data_dir, no_feats=True)
    assert has(problems, *expected, message), [str(p) for p in problems]
    assert all(str(p).startswith(str(data_dir)) for p in problems)


def test_invalid_utf8_is_located(data_dir, files):
    (data_dir / "text").write_bytes(
        "\n".join(files["text"][:2]).encode() + b"\nspk1-u3 f\xffour\n"
        + "\n".join(files["text"][3:]).encode() + b"\n")
    problems = validate_data_dir(data_dir, no_feats=True)
    assert where(problems) == [("text", 3)] and "not valid UTF-8 (byte 10" in problems[0].message
    problems = consistency_problems(data_dir)
    assert where(problems) == [("text", None)] and "not valid UTF-8" in problems[0].message


def test_non_print_option_allows_control_characters(write, data_dir, files):
    lines = list(files["text"])
    lines[1] = "spk1-u2 thr\x07ee"
    write(data_dir, {"text": lines})
    assert validate_data_dir(data_dir, no_feats=True, non_print=True) == []


def test_speaker_prefix_and_speaker_order(write, tmp_path):
    d = write(tmp_path / "d", {
        "utt2spk": ["a-1 a", "ab-1 ab", "az a", "x1 s9"],
        "spk2utt": ["a a-1 az", "ab ab-1", "s9 x1"],
        "text": ["a-1 w", "ab-1 w", "az w", "x1 w"],
    })
    problems = validate_data_dir(d, no_feats=True, no_wav=True)
    assert has(problems, "utt2spk", 3, "comes after speaker 'ab'")
    assert has(problems, "utt2spk", 4, "speaker 's9' is not a prefix of utterance 'x1'")
    assert len(problems) == 2
    assert validate_data_dir(d, no_feats=True, no_wav=True, no_spk_sort=True) == []


def test_segments_checks(write, data_dir, files):
    rec = files["wav.scp"][:2]  # recordings spk1-u1, spk1-u2 (as recording ids)
    write(data_dir, {
        "wav.scp": ["rec1 " + rec[0].split()[1], "rec2 " + rec[1].split()[1], "rec3 unused.wav"],
        "segments": [
            "spk1-u1 rec1 0.0 0.3",
            "spk1-u2 rec1 0.3 0.2",
            "spk1-u3 rec2 -1 0.5",
            "spk2-u1 rec2 0.1",
            "spk2-u2 rec9 0 1",
            "spk3-u1 rec2 0.5 0.7",
        ],
        "reco2file_and_channel": ["rec1 rec1 A", "rec2 rec2 C", "rec3 rec3 A"],
    })
    problems = validate_data_dir(data_dir, no_feats=True)
    assert has(problems, "segments", 2, "end 0.2 is not after start 0.3")
    assert has(problems, "segments", 3, "start -1 is negative")
    assert has(problems, "segments", 4, "got 2 field(s)")
    assert has(problems, "segments", 5, "recording 'rec9' has no entry in wav.scp")
    assert has(problems, "wav.scp", 3, "recording 'rec3' is not used by any segment")
    assert has(problems, "reco2file_and_channel", 2, "channel must be 'A' or 'B'")
    assert has(problems, "reco2file_and_channel", 3, "recording 'rec3' is not used")


def test_segments_without_wav_scp(write, data_dir):
    write(data_dir, {"segments": ["spk1-u1 r 0 1"]})
    (data_dir / "wav.scp").unlink()
    assert has(validate_data_dir(data_dir, no_feats=True, no_wav=True), "segments", None, "wav.scp does not")


def test_speaker_and_utterance_indexed_files(write, data_dir):
    write(data_dir, {
        "cmvn.scp": ["spk1 cmvn.ark:1", "spk2 cmvn.ark:2"],
        "feats.scp": ["spk1-u1 f.ark:1", "spk1-u2 f.ark:2", "spk1-u3 f.ark:3", "spk2-u1 f.ark:4",
                      "spk2-u2 f.ark:5", "spk3-u1 f.ark:6", "spk3-u2 f.ark:7"],
        "utt2dur": ["spk1-u1 0.5", "spk1-u2 0", "spk1-u3 1", "spk2-u1 nan", "spk2-u2 1.5", "spk3-u1 2"],
        "utt2num_frames": ["spk1-u1 50", "spk1-u2 75", "spk1-u3 1.5", "spk2-u1 25", "spk2-u2 150",
                           "spk3-u1 125"],
    })
    problems = validate_data_dir(data_dir)
    assert has(problems, "utt2spk", 6, "speaker 'spk3' has no entry in cmvn.scp")
    assert has(problems, "feats.scp", 7, "utterance 'spk3-u2' is not in utt2spk")
    assert has(problems, "utt2dur", 2, "expected a positive duration")
    assert has(problems, "utt2dur", 4, "expected a positive duration")
    assert has(problems, "utt2num_frames", 3, "expected a positive integer")
    assert len(problems) == 5


def test_every_problem_is_reported_in_file_and_line_order(write, data_dir, files):
    text = list(files["text"])
    text[0], text[1] = "spk1-u2 three </s>", "spk1-u1 one two"
    utt2spk = list(files["utt2spk"]) + ["spk4-u1 spk4"]
    write(data_dir, {"text": text, "utt2spk": utt2spk,
                           "spk2gender": ["spk1 m", "spk2 q", "spk3 m"]})
    problems = validate_data_dir(data_dir, no_feats=True)
    got = [(name, line) for name, line in where(problems)]
    assert got == sorted(got, key=lambda x: (x[0], x[1] or 0))
    for expected in [("spk2gender", 2, "gender"), ("text", 1, "reserved symbol(s) </s>"),
                     ("text", 2, "out of sorted order"), ("utt2spk", 7, "'spk4-u1' has no entry in text"),
                     ("utt2spk", 7, "'spk4-u1' has no entry in wav.scp"),
                     ("utt2spk", 7, "speaker 'spk4' has no entry in spk2gender"),
                     ("utt2spk", 7, "speaker 'spk4' is not in spk2utt")]:
        assert has(problems, *expected), (expected, [str(p) for p in problems])
    assert len(problems) == 7


def test_consistency_ignores_order_and_style(write, data_dir, files):
    text = list(reversed(files["text"]))
    text[0] = "spk3-u1 <s> oh\r"
    write(data_dir, {"text": text})
    assert consistency_problems(data_dir) == []
    assert validate_data_dir(data_dir, no_feats=True) != []
