"""`python -m toolkit.bin.compute_wer` end to end, in a subprocess: output, files, exit codes, messages."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

REF = "u1 a b c d\nu2 a b\nu3 x y z\n"
HYP = "u2 b a\nu1 a x y c\nu3 x y z\n"
LINES = [
    "%WER 55.56 [ 5 / 9, 2 ins, 2 del, 1 sub ]",
    "%SER 66.67 [ 2 / 3 ]",
    "Scored 3 sentences, 0 not present in hyp.",
]


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.run(
        [sys.executable, "-m", "toolkit.bin.compute_wer", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "ref.txt").write_text(REF)
    (tmp_path / "hyp.txt").write_text(HYP)
    return tmp_path


def test_prints_kaldi_lines(data):
    r = run("ref.txt", "hyp.txt", cwd=data)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == LINES


def test_accepts_kaldi_rspecifiers_and_stdin(data):
    r = run("--text", "--mode=present", "ark:ref.txt", "ark,t:-", cwd=data, stdin=HYP)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == LINES


def test_per_utt_file(data):
    r = run("--per-utt", "details/per_utt", "ref.txt", "hyp.txt", cwd=data)
    assert r.returncode == 0, r.stderr
    assert (data / "details/per_utt").read_text().splitlines() == [
        "u1 ref  a  ***  b  c   d ",
        "u1 hyp  a   x   y  c  ***",
        "u1 op   C   I   S  C   D ",
        "u1 #csid 2 1 1 1",
        "u2 ref   a   b  ***",
        "u2 hyp  ***  b   a ",
        "u2 op    D   C   I ",
        "u2 #csid 1 0 1 1",
        "u3 ref  x  y  z",
        "u3 hyp  x  y  z",
        "u3 op   C  C  C",
        "u3 #csid 3 0 0 0",
    ]


def test_bootstrap_line(data):
    args = ("--bootstrap", "500", "--seed", "4", "ref.txt", "hyp.txt")
    first, second = run(*args, cwd=data), run(*args, cwd=data)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    lines = first.stdout.splitlines()
    assert lines[:3] == LINES
    m = re.fullmatch(
        r"%WER 95% Conf Interval \[ ([\d.]+), ([\d.]+) \] \(500 bootstrap resamples over sentences\)", lines[3]
    )
    assert m and float(m.group(1)) <= 55.56 <= float(m.group(2))


def test_modes_for_a_missing_hypothesis(data):
    (data / "hyp2.txt").write_text("u1 a b c d\n")
    strict = run("ref.txt", "hyp2.txt", cwd=data)
    assert strict.returncode == 1 and strict.stdout == ""
    assert "error: hyp2.txt: no hypothesis for utterance 'u2' (and 1 more)" in strict.stderr
    present = run("--mode", "present", "ref.txt", "hyp2.txt", cwd=data)
    assert present.returncode == 0
    assert present.stdout.splitlines() == [
        "%WER 0.00 [ 0 / 4, 0 ins, 0 del, 0 sub ] [PARTIAL]",
        "%SER 0.00 [ 0 / 1 ]",
        "Scored 1 sentences, 2 not present in hyp.",
    ]
    every = run("--mode", "all", "ref.txt", "hyp2.txt", cwd=data)
    assert every.stdout.splitlines()[0] == "%WER 55.56 [ 5 / 9, 0 ins, 5 del, 0 sub ] [PARTIAL]"


def test_duplicate_key_names_file_and_line(data):
    (data / "dup.txt").write_text("u1 a\nu2 b\nu1 c\n")
    r = run("ref.txt", "dup.txt", cwd=data)
    assert r.returncode == 1 and r.stdout == ""
    assert "error: dup.txt:3: duplicate key 'u1' (first on line 1)" in r.stderr


def test_missing_file(data):
    r = run("ref.txt", "nonexistent.txt", cwd=data)
    assert r.returncode == 1
    assert "error: nonexistent.txt: no such file" in r.stderr


def test_bad_options(data):
    assert run("--mode", "partial", "ref.txt", "hyp.txt", cwd=data).returncode == 2
    r = run("--confidence", "95", "ref.txt", "hyp.txt", cwd=data)
    assert r.returncode == 1 and "--confidence must lie strictly between 0 and 1" in r.stderr
