"""Alignments of toolkit.scoring.wer.edit_ops against NIST sclite, kaldialign and a plain DP."""
from __future__ import annotations

import os
import random
import re
import shutil
import subprocess

import kaldialign
import pytest

import toolkit.scoring.wer as wer
from toolkit.errors import ToolkitError
from toolkit.scoring.wer import edit_ops


def _random_pairs(n: int, seed: int) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """Keys and (ref, hyp) pairs over a 5-word vocabulary: many ties, every kind of error,
    some empty hypotheses, some empty references, some unrelated hypotheses."""
    rng = random.Random(seed)
    vocab = "a b c d e".split()
    keys, refs, hyps = [], [], []
    for k in range(n):
        ref = [rng.choice(vocab) for _ in range(rng.randint(0, 14))]
        hyp = []
        for w in ref:
            r = rng.random()
            if r < 0.15:
                continue  # deletion
            hyp.append(rng.choice(vocab) if r < 0.35 else w)
            if rng.random() < 0.12:
                hyp.append(rng.choice(vocab))  # insertion
        r = rng.random()
        if r < 0.04:
            hyp = []
        elif r < 0.14:
            hyp = [rng.choice(vocab) for _ in range(rng.randint(0, 14))]
        keys.append(f"spk{k % 7}-utt{k:05d}")
        refs.append(ref)
        hyps.append(hyp)
    return keys, refs, hyps


KEYS, REFS, HYPS = _random_pairs(1500, seed=20240611)


def _counts(ops: str) -> tuple[int, int, int]:
    return ops.count("I"), ops.count("D"), ops.count("S")


def _sclite(args: list[str]) -> str:
    if shutil.which("sctk") is None:
        if os.environ.get("CI"):
            pytest.fail("sctk (NIST sclite) is not installed; it is required in CI")
        pytest.skip("sctk (NIST sclite) is not installed (Debian package sctk)")
    return subprocess.run(["sctk", "sclite", *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def sclite_output(tmp_path_factory) -> tuple[dict[str, str], list[str]]:
    """sclite's alignment ops per utterance (from -o sgml) and its 'Sum' row (from -o rsum)."""
    d = tmp_path_factory.mktemp("sclite")
    for name, sents in (("ref.trn", REFS), ("hyp.trn", HYPS)):
        (d / name).write_text("".join(" ".join(s) + f" ({k})\n" for k, s in zip(KEYS, sents)))
    common = ["-r", str(d / "ref.trn"), "trn", "-h", str(d / "hyp.trn"), "trn", "-i", "rm"]
    sgml = _sclite([*common, "-o", "sgml", "stdout"])
    ops = {}
    for m in re.finditer(r'<PATH id="\(([^)]*)\)"[^>]*>\n(.*?)</PATH>', sgml, re.S):
        body = m.group(2).strip()
        ops[m.group(1)] = "".join(item[0] for item in body.split(":")) if body else ""
    rsum = _sclite([*common, "-o", "rsum", "stdout"])
    sum_row = next(line for line in rsum.splitlines() if re.match(r"\s*\|\s*Sum\s*\|", line))
    return ops, re.findall(r"\d+", sum_row)


def test_sclite_costs_reproduce_sclite_alignments(sclite_output):
    sclite_ops, _ = sclite_output
    assert len(sclite_ops) == len(KEYS)
    ours = edit_ops(REFS, HYPS, "sclite")
    mismatched = [(k, o, sclite_ops[k]) for k, o in zip(KEYS, ours) if _counts(o) != _counts(sclite_ops[k])]
    assert mismatched == []
    # Not only the counts: the alignments themselves are sclite's.
    assert ours == [sclite_ops[k] for k in KEYS]


def test_sclite_costs_reproduce_sclite_totals(sclite_output):
    _, (snt, wrd, corr, sub, dele, ins, err, s_err) = sclite_output
    stats = wer.compute_wer(dict(zip(KEYS, REFS)), dict(zip(KEYS, HYPS)), costs="sclite")
    assert (stats.sentences, stats.ref_words) == (int(snt), int(wrd))
    assert stats.csid == (int(corr), int(sub), int(ins), int(dele))
    assert (stats.errors, stats.sentence_errors) == (int(err), int(s_err))
    assert stats.kaldi_lines()[0].endswith(f"[ {err} / {wrd}, {ins} ins, {dele} del, {sub} sub ]")


def test_levenshtein_costs_agree_with_kaldialign():
    ours = edit_ops(REFS, HYPS, "levenshtein")
    for ref, hyp, ops in zip(REFS, HYPS, ours):
        ref_ops = kaldialign.edit_distance(ref, hyp)
        assert len(ops) - ops.count("C") == ref_ops["total"], (ref, hyp, ops)
        # kaldialign splits ties as Kaldi's compute-wer does (insertion, deletion, then substitution).
        assert _counts(ops) == (ref_ops["ins"], ref_ops["del"], ref_ops["sub"]), (ref, hyp, ops)


def _optimal_cost(ref: list[str], hyp: list[str], c_ins: int, c_del: int, c_sub: int) -> int:
    """Textbook O(MN) edit-distance DP with the given costs."""
    prev = [j * c_ins for j in range(len(hyp) + 1)]
    for i in range(1, len(ref) + 1):
        cur = [i * c_del]
        for j in range(1, len(hyp) + 1):
            diag = prev[j - 1] + (0 if ref[i - 1] == hyp[j - 1] else c_sub)
            cur.append(min(diag, prev[j] + c_del, cur[j - 1] + c_ins))
        prev = cur
    return prev[-1]


@pytest.mark.parametrize("costs,weights", [("sclite", (3, 3, 4)), ("levenshtein", (1, 1, 1))])
def test_alignments_are_valid_and_optimal(costs, weights):
    c_ins, c_del, c_sub = weights
    for ref, hyp, ops in zip(REFS[:400], HYPS[:400], edit_ops(REFS[:400], HYPS[:400], costs)):
        r = h = 0
        for op in ops:
            if op in "CS":
                assert (ref[r] == hyp[h]) == (op == "C")
            r += op != "I"
            h += op != "D"
        assert (r, h) == (len(ref), len(hyp))
        n_ins, n_del, n_sub = _counts(ops)
        assert n_ins * c_ins + n_del * c_del + n_sub * c_sub == _optimal_cost(ref, hyp, *weights)


@pytest.mark.parametrize(
    "ref,hyp,sclite_ops,levenshtein_ops",
    [
        ("", "", "", ""),
        ("a", "", "D", "D"),
        ("", "a b", "II", "II"),
        ("a b c", "a b c", "CCC", "CCC"),
        # Worked by hand: sclite keeps the cheaper deletion last and the substitution at the tie;
        # compute-wer prefers the insertion wherever it ties.
        ("a b c d", "a x y c", "CISCD", "CSICD"),
        # Both prefer an insertion and a deletion (cost 6) to two substitutions (cost 8 / equal count).
        ("a b", "b a", "DCI", "DCI"),
        # sclite's cost 15 (3 del + 2 ins) beats 16 (3 sub + 1 del) at the price of one more error,
        # so its total differs from the minimum edit distance (verified with sclite 2.10).
        ("b b b a c", "a c c a", "DDDCICI", "SSSCD"),
    ],
)
def test_hand_worked_alignments(ref, hyp, sclite_ops, levenshtein_ops):
    assert edit_ops([ref.split()], [hyp.split()], "sclite") == [sclite_ops]
    assert edit_ops([ref.split()], [hyp.split()], "levenshtein") == [levenshtein_ops]


def test_batching_does_not_change_alignments(monkeypatch):
    rng = random.Random(5)
    refs, hyps = list(REFS[:300]), list(HYPS[:300])
    long_ref = [rng.choice("abcde") for _ in range(250)]
    refs.append(long_ref)
    hyps.append([w if rng.random() < 0.8 else rng.choice("abcde") for w in long_ref])
    for costs in wer.COSTS:
        whole = edit_ops(refs, hyps, costs)
        monkeypatch.setattr(wer, "_BATCH_CELLS", 200)
        assert edit_ops(refs, hyps, costs) == whole
        monkeypatch.undo()


def test_bad_arguments():
    with pytest.raises(ToolkitError, match="unknown cost scheme"):
        edit_ops([["a"]], [["a"]], "nist")
    with pytest.raises(ToolkitError, match="1 references but 2 hypotheses"):
        edit_ops([["a"]], [["a"], ["b"]])
