"""compute_wer's modes and the lines it prints, against hand-worked answers and Kaldi's documented output."""
from __future__ import annotations

import logging

import pytest

import toolkit.scoring.wer as wer
from toolkit.errors import InputError, ToolkitError
from toolkit.scoring.wer import UttAlignment, compute_wer, kaldi_percent

REFS = {
    "u1": "a b c d".split(),
    "u2": "a b".split(),
    "u3": "x y z".split(),
    "u4": "p q".split(),
}
HYPS = {
    "u1": "a x y c".split(),  # C I S C D: 1 ins, 1 sub, 1 del
    "u2": "b a".split(),  # D C I: 1 del, 1 ins
    "u3": "x y z".split(),  # correct
    "u9": "stray".split(),  # no reference
}


@pytest.mark.parametrize(
    "num,den,text",
    [
        (1, 3, "33.33"),
        (2, 3, "66.67"),
        (97, 800, "12.12"),  # exactly 12.125: round half to even, as printf
        # compute-wer stores the percentage in a float (BaseFloat); a double would print 98.05 and 69.70.
        # The expected strings are what the compute-wer expression prints when compiled with g++.
        (1462, 1491, "98.06"),
        (1074, 1541, "69.69"),
        (0, 0, "nan"),
        (3, 0, "inf"),
    ],
)
def test_kaldi_percent(num, den, text):
    assert kaldi_percent(num, den) == text


def test_mode_all_scores_absent_as_empty(caplog):
    with caplog.at_level(logging.WARNING):
        stats = compute_wer(REFS, HYPS, mode="all")
    assert stats.kaldi_lines() == [
        "%WER 63.64 [ 7 / 11, 2 ins, 4 del, 1 sub ] [PARTIAL]",
        "%SER 75.00 [ 3 / 4 ]",
        "Scored 4 sentences, 1 not present in hyp.",
    ]
    assert [u.key for u in stats.utts] == ["u1", "u2", "u3", "u4"]
    assert stats.utts[3].ops == "DD"
    assert "1 hypothesis utterances have no reference" in caplog.text and "'u9'" in caplog.text


def test_mode_present_skips_absent():
    stats = compute_wer(REFS, HYPS, mode="present")
    assert stats.kaldi_lines() == [
        "%WER 55.56 [ 5 / 9, 2 ins, 2 del, 1 sub ] [PARTIAL]",
        "%SER 66.67 [ 2 / 3 ]",
        "Scored 3 sentences, 1 not present in hyp.",
    ]


def test_mode_strict_names_utterance_and_file():
    with pytest.raises(InputError) as e:
        compute_wer(REFS, HYPS, mode="strict", hyp_name="exp/decode/hyp.txt")
    assert str(e.value).startswith("exp/decode/hyp.txt: no hypothesis for utterance 'u4'")


def test_no_partial_when_every_utterance_has_a_hypothesis():
    refs = {k: REFS[k] for k in ("u1", "u2", "u3")}
    lines = compute_wer(refs, HYPS).kaldi_lines()
    assert lines[0] == "%WER 55.56 [ 5 / 9, 2 ins, 2 del, 1 sub ]"
    assert lines[2] == "Scored 3 sentences, 0 not present in hyp."


def test_levenshtein_costs_change_the_split_not_the_lines_format():
    refs = {"u1": "b b b a c".split()}
    hyps = {"u1": "a c c a".split()}
    assert compute_wer(refs, hyps, costs="sclite").kaldi_lines()[0] == "%WER 100.00 [ 5 / 5, 2 ins, 3 del, 0 sub ]"
    assert compute_wer(refs, hyps, costs="levenshtein").kaldi_lines()[0] == "%WER 80.00 [ 4 / 5, 0 ins, 1 del, 3 sub ]"


def test_zero_reference_words(caplog):
    with caplog.at_level(logging.WARNING):
        stats = compute_wer({"u1": [], "u2": []}, {"u1": [], "u2": ["oh", "no"]})
    assert stats.kaldi_lines() == [
        "%WER inf [ 2 / 0, 2 ins, 0 del, 0 sub ]",
        "%SER 50.00 [ 1 / 2 ]",
        "Scored 2 sentences, 0 not present in hyp.",
    ]
    assert "no words: %WER is undefined" in caplog.text
    assert compute_wer({"u1": []}, {"u1": []}).kaldi_lines()[0] == "%WER nan [ 0 / 0, 0 ins, 0 del, 0 sub ]"


def test_nothing_scored(caplog):
    with caplog.at_level(logging.WARNING):
        stats = compute_wer({"u1": ["a"]}, {}, mode="present")
    assert stats.kaldi_lines() == [
        "%WER nan [ 0 / 0, 0 ins, 0 del, 0 sub ] [PARTIAL]",
        "%SER nan [ 0 / 0 ]",
        "Scored 0 sentences, 1 not present in hyp.",
    ]
    assert "no sentences were scored" in caplog.text


def test_detail_lines_hand_worked():
    # Columns as wide as their widest entry, centred with any odd space on the left, two spaces apart.
    stats = compute_wer({"utt1": "a b c d".split()}, {"utt1": "a x yy c".split()})
    assert stats.utts[0].detail_lines() == [
        "utt1 ref  a  ***   b  c   d ",
        "utt1 hyp  a   x   yy  c  ***",
        "utt1 op   C   I    S  C   D ",
        "utt1 #csid 2 1 1 1",
    ]


def test_detail_lines_match_kaldi_documented_example(monkeypatch):
    # The example in Kaldi's utils/scoring/wer_per_utt_details.pl, whose empty word is <eps>.
    monkeypatch.setattr(wer, "EMPTY", "<eps>")
    utt = UttAlignment(
        "UTT-A",
        ("word-A", "word-B", "word-C", "word-D", "word-E"),
        ("word-A", "word-A", "word-B", "word-D", "word-X"),
        "CICDCS",
    )
    assert [line.rstrip() for line in utt.detail_lines()] == [
        "UTT-A ref  word-A   <eps>  word-B  word-C  word-D  word-E",
        "UTT-A hyp  word-A  word-A  word-B   <eps>  word-D  word-X",
        "UTT-A op      C       I       C       D       C       S",
        "UTT-A #csid 3 1 1 1",
    ]


def test_counts_follow_the_alignment():
    stats = compute_wer(REFS, HYPS, mode="all")
    for u in stats.utts:
        c, s, i, d = u.csid
        assert c + s + d == len(u.ref) and c + s + i == len(u.hyp)
        assert [col[2] for col in u.columns()] == list(u.ops)
    assert stats.csid == tuple(map(sum, zip(*(u.csid for u in stats.utts))))


def test_bad_mode():
    with pytest.raises(ToolkitError, match="unknown mode 'partial'"):
        compute_wer(REFS, HYPS, mode="partial")
