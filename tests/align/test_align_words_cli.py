"""`python -m toolkit.bin.align_words` end to end: outputs, their agreement, and bad input."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.align.fertility import fertilities
from toolkit.align.pharaoh import read_pharaoh
from toolkit.align.symmetrize import symmetrize

REPO = Path(__file__).resolve().parents[2]
SRC = ["la maison", "la fleur", "la maison bleue", "la fleur bleue", "une maison", "une fleur bleue"] * 3
TGT = ["the house", "the flower", "the blue house", "the blue flower", "a house", "a blue flower"] * 3


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.run([sys.executable, "-m", "toolkit.bin.align_words", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)


def write(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines))


def test_outputs(tmp_path):
    write(tmp_path / "src", SRC)
    write(tmp_path / "tgt", TGT)
    r = run("--vb-alpha", "0", "--ibm1-iterations", "10", "src", "tgt", "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "model1 iteration 10: log_e likelihood" in r.stderr and "fast_align iteration 5" in r.stderr
    lengths = [(len(s.split()), len(t.split())) for s, t in zip(SRC, TGT)]
    fwd = read_pharaoh(tmp_path / "out/forward.align", lengths)
    rev = read_pharaoh(tmp_path / "out/reverse.align", lengths)
    sym = read_pharaoh(tmp_path / "out/symmetrized.align", lengths)
    # the known dictionary, word order swapped for the adjective
    assert fwd[2] == [(0, 0), (2, 1), (1, 2)] and rev[2] == [(0, 0), (1, 2), (2, 1)]
    assert sym[2] == [(0, 0), (1, 2), (2, 1)]
    assert fwd[4] == [(0, 0), (1, 1)]
    for f, r_, s in zip(fwd, rev, sym):
        assert s == symmetrize(f, r_, "grow-diag-final-and")
        assert len({j for _, j in f}) == len(f)  # forward: at most one source per target token
        assert len({i for i, _ in r_}) == len(r_)  # reverse: at most one target per source token
    fert = [list(map(int, line.split())) for line in (tmp_path / "out/fertility.txt").read_text().splitlines()]
    assert [sum(f) for f in fert] == [t for _, t in lengths]
    assert [len(f) for f in fert] == [s for s, _ in lengths]
    assert fert[2] == [1, 1, 1]
    assert fert == [fertilities(f, s, t).tolist() for f, (s, t) in zip(fwd, lengths)]
    stats = json.loads((tmp_path / "out/stats.json").read_text())
    assert stats["pairs"] == len(SRC) and len(stats["directions"]["forward"]["iterations"]) == 15


def test_fertility_from_symmetrized_and_one_direction(tmp_path):
    write(tmp_path / "src", SRC)
    write(tmp_path / "tgt", TGT)
    r = run("--fertility-from", "symmetrized", "--heuristic", "intersect", "src", "tgt", "out", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    sym = read_pharaoh(tmp_path / "out/symmetrized.align")
    fert = [list(map(int, line.split())) for line in (tmp_path / "out/fertility.txt").read_text().splitlines()]
    lengths = [(len(s.split()), len(t.split())) for s, t in zip(SRC, TGT)]
    assert fert == [fertilities(a, s, t).tolist() for a, (s, t) in zip(sym, lengths)]
    r = run("--directions", "forward", "src", "tgt", "fwd", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path / "fwd")) == ["fertility.txt", "forward.align", "stats.json"]
    r = run("--directions", "forward", "--fertility-from", "symmetrized", "src", "tgt", "bad", cwd=tmp_path)
    assert r.returncode == 1 and "needs the forward and reverse alignment" in r.stderr


@pytest.mark.parametrize("src, tgt, message", [
    (["a b", "c"], ["x y"], "tgt: 1 lines, but its source side src has 2"),
    (["a b", "", "c"], ["x y", "z", "w"], "src:2: empty line"),
    (["a b", "c"], ["x y", "  "], "tgt:2: empty line"),
])
def test_bad_corpus(tmp_path, src, tgt, message):
    write(tmp_path / "src", src)
    write(tmp_path / "tgt", tgt)
    r = run("src", "tgt", "out", cwd=tmp_path)
    assert r.returncode == 1
    assert f"align_words: error: {message}" in r.stderr, r.stderr
    assert not (tmp_path / "out" / "forward.align").exists()


def test_bad_option(tmp_path):
    write(tmp_path / "src", SRC)
    write(tmp_path / "tgt", TGT)
    r = run("--p0", "1.5", "src", "tgt", "out", cwd=tmp_path)
    assert r.returncode == 1 and "p0 must be in (0, 1)" in r.stderr
