"""BLEU/chrF: the library and `python -m toolkit.bin.score_bleu` against the sacrebleu command line."""
from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.scoring.bleu import corpus_scores, read_keyed, read_line_aligned

REPO = Path(__file__).resolve().parents[2]
WORDS = "The cat dog sat ran on under a the mat table , . ! ? mat. dog, (yes) don't isn't 3.5 % $ l'homme Über".split()


def _sentences(rng: random.Random, n: int) -> list[str]:
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 15))) for _ in range(n)]


def _perturb(rng: random.Random, sentence: str) -> str:
    words = [w if rng.random() < 0.7 else rng.choice(WORDS) for w in sentence.split()]
    return " ".join(w.lower() if rng.random() < 0.2 else w for w in words)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    rng = random.Random(11)
    d = tmp_path_factory.mktemp("bleu")
    ref1 = _sentences(rng, 200)
    ref2 = [_perturb(rng, s) for s in ref1]
    hyp = [_perturb(rng, s) for s in ref1]
    for name, lines in (("hyp.txt", hyp), ("ref1.txt", ref1), ("ref2.txt", ref2)):
        (d / name).write_text("".join(line + "\n" for line in lines))
    # The same sentences keyed, in a different order in each file.
    keys = [f"utt{i:03d}" for i in range(len(hyp))]
    for name, lines in (("hyp.keyed", hyp), ("ref1.keyed", ref1), ("ref2.keyed", ref2)):
        items = list(zip(keys, lines))
        rng.shuffle(items)
        (d / name).write_text("".join(f"{k} {s}\n" for k, s in items))
    return d


def _sacrebleu_cli(d: Path, hyp: str, refs: list[str], extra: list[str]) -> dict[str, dict]:
    out = subprocess.run(
        [sys.executable, "-m", "sacrebleu", *refs, "-i", hyp, "-m", "bleu", "chrf", "-f", "json", "-w", "6", *extra],
        cwd=d,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {entry["name"]: entry for entry in json.loads(out)}


def _score_bleu(d: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.run(
        [sys.executable, "-m", "toolkit.bin.score_bleu", *args], cwd=d, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "ours,theirs,refs",
    [
        ([], [], ["ref1.txt"]),
        (["--lowercase"], ["--lowercase", "--chrf-lowercase"], ["ref1.txt", "ref2.txt"]),
        (["--tokenize", "intl"], ["--tokenize", "intl"], ["ref1.txt", "ref2.txt"]),
        (
            ["--tokenize", "none", "--lowercase"],
            ["--tokenize", "none", "--lowercase", "--chrf-lowercase"],
            ["ref2.txt"],
        ),
    ],
)
def test_agrees_with_sacrebleu_command(corpus, ours, theirs, refs):
    expected = _sacrebleu_cli(corpus, "hyp.txt", refs, theirs)
    r = _score_bleu(corpus, *ours, "--json", "out/scores.json", "hyp.txt", *refs)
    assert r.returncode == 0, r.stderr
    got = json.loads((corpus / "out/scores.json").read_text())
    assert round(got["bleu"], 6) == expected["BLEU"]["score"]
    assert round(got["chrf"], 6) == expected["chrF2"]["score"]
    assert got["bleu_signature"] == expected["BLEU"]["signature"]
    assert got["chrf_signature"] == expected["chrF2"]["signature"]
    assert got["n_sentences"] == 200
    lines = r.stdout.splitlines()
    assert lines[0].startswith("BLEU = ") and lines[0].endswith(expected["BLEU"]["verbose_score"])
    assert lines[1].startswith("chrF2 = ")
    assert lines[2:] == [
        f"BLEU signature: {expected['BLEU']['signature']}",
        f"chrF2 signature: {expected['chrF2']['signature']}",
    ]


def test_keyed_files_match_by_key(corpus):
    plain = corpus_scores(*read_line_aligned(str(corpus / "hyp.txt"), [str(corpus / f"ref{n}.txt") for n in (1, 2)]))
    keyed_refs = [str(corpus / "ref1.keyed"), f"ark:{corpus / 'ref2.keyed'}"]
    keyed = corpus_scores(*read_keyed(str(corpus / "hyp.keyed"), keyed_refs))
    assert keyed == plain
    r = _score_bleu(corpus, "--keyed", "hyp.keyed", "ref1.keyed", "ref2.keyed")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == plain.bleu_line


def test_identical_text_scores_100():
    scores = corpus_scores(["a small test .", "another one !"], [["a small test .", "another one !"]])
    assert scores.bleu == pytest.approx(100.0) and scores.chrf == pytest.approx(100.0)
    assert scores.bleu_line.startswith("BLEU = 100.00 100.0/100.0/100.0/100.0")
    assert scores.brevity_penalty == 1.0 and scores.length_ratio == 1.0


def test_brevity_penalty_and_length_ratio_of_a_short_output():
    # 3 hypothesis tokens against 6 reference tokens: BP = exp(1 - 6/3)
    scores = corpus_scores(["a small test"], [["a small test of the length"]])
    assert scores.length_ratio == pytest.approx(0.5)
    assert scores.brevity_penalty == pytest.approx(math.exp(1 - 6 / 3))
    assert scores.as_json()["brevity_penalty"] == scores.brevity_penalty


def test_library_errors():
    with pytest.raises(ToolkitError, match="reference stream 1 has 1 sentences, hypotheses have 2"):
        corpus_scores(["a", "b"], [["a"]])
    with pytest.raises(ToolkitError, match="no sentences"):
        corpus_scores([], [[]])
    with pytest.raises(ToolkitError, match="unknown BLEU tokenizer"):
        corpus_scores(["a"], [["a"]], tokenize="moses")


def test_keyed_errors(tmp_path):
    (tmp_path / "hyp").write_text("u1 a\nu2 b\n")
    (tmp_path / "short").write_text("u1 a\n")
    (tmp_path / "long").write_text("u1 a\nu2 b\nu3 c\n")
    (tmp_path / "dup").write_text("u1 a\nu2 b\nu1 c\n")
    with pytest.raises(InputError, match=r"short: no reference for key 'u2' of .*hyp"):
        read_keyed(str(tmp_path / "hyp"), [str(tmp_path / "short")])
    with pytest.raises(InputError, match=r"long: key 'u3' has no hypothesis in .*hyp"):
        read_keyed(str(tmp_path / "hyp"), [str(tmp_path / "long")])
    with pytest.raises(InputError, match=r"dup:3: duplicate key 'u1'"):
        read_keyed(str(tmp_path / "hyp"), [str(tmp_path / "dup")])


def test_command_line_errors(corpus, tmp_path):
    (tmp_path / "three").write_text("a\nb\nc\n")
    (tmp_path / "two").write_text("a\nb\n")
    (tmp_path / "empty").write_text("")
    mismatch = _score_bleu(tmp_path, "--json", "scores.json", "two", "three")
    assert mismatch.returncode == 1 and mismatch.stdout == ""
    assert not (tmp_path / "scores.json").exists()
    assert "error: three: 3 lines, but the hypothesis file two has 2" in mismatch.stderr
    missing = _score_bleu(tmp_path, "two", "nope")
    assert missing.returncode == 1 and "error: nope: no such file" in missing.stderr
    empty = _score_bleu(tmp_path, "empty", "empty")
    assert empty.returncode == 1 and "error: empty: no sentences to score" in empty.stderr
    unmatched = _score_bleu(corpus, "--keyed", "hyp.keyed", str(tmp_path / "three"))
    assert unmatched.returncode == 1 and "three: no reference for key 'utt" in unmatched.stderr
    assert _score_bleu(tmp_path, "--tokenize", "moses", "two", "two").returncode == 2
