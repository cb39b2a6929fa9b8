"""ARPA files: round trips (plain and gzipped), back-off lookup by hand, and validation errors that
name the file and line."""
from __future__ import annotations

import gzip
import math
from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.lm.arpa import ArpaLM, read_arpa, write_arpa
from toolkit.lm.ngram import train_kneser_ney

TINY = """\
comment lines before \\data\\ are allowed

\\data\\
ngram 1=4
ngram 2=3

\\1-grams:
-1.0\t</s>
-99\t<s>\t-0.5
-0.5\ta\t-0.25
-0.7\tb\t-0.2

\\2-grams:
-0.3\t<s> a
-0.2\ta b
-0.4\tb </s>

\\end\\
"""


def write(tmp_path: Path, text: str, name: str = "lm.arpa") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_read_tiny_and_back_off_by_hand(tmp_path):
    lm = read_arpa(write(tmp_path, TINY))
    assert lm.order == 2 and lm.counts() == [4, 3]
    assert lm.vocabulary() == ["</s>", "<s>", "a", "b"]
    assert lm.ngrams[0][("<s>",)] == (-math.inf, -0.5)
    assert lm.ngrams[0][("</s>",)] == (-1.0, 0.0)
    assert lm.log10prob("b", ["a"]) == -0.2  # listed
    assert lm.log10prob("b", ["<s>"]) == pytest.approx(-0.5 + -0.7)  # bow(<s>) p(b)
    assert lm.log10prob("</s>", ["x", "a"]) == pytest.approx(-0.25 + -1.0)  # history cut to order-1
    assert lm.log10prob("a", ["zzz"]) == -0.5  # unknown history: weight 1
    assert lm.log10prob("zzz", ["a"]) == -math.inf
    assert "a" in lm and "zzz" not in lm


@pytest.mark.parametrize("name", ["lm.arpa", "lm.arpa.gz"])
def test_write_read_round_trip(tmp_path, name):
    corpus = [s.split() for s in ["the cat sat", "the dog sat", "a cat ran", "the cat ran far"]]
    lm = train_kneser_ney(corpus, order=3, unk="<unk>")
    path = tmp_path / name
    write_arpa(path, lm)
    if name.endswith(".gz"):
        with open(path, "rb") as f:
            assert f.read(2) == b"\x1f\x8b"
        text = gzip.decompress(path.read_bytes()).decode()
    else:
        text = path.read_text()
    assert "ngram 3=" in text and "\n\\end\\\n" in text and "-99\t<s>" in text
    back = read_arpa(path)
    assert back.counts() == lm.counts()
    for n in range(3):
        assert back.ngrams[n].keys() == lm.ngrams[n].keys()
        for ngram, (p, b) in lm.ngrams[n].items():
            q, c = back.ngrams[n][ngram]
            assert (q == p == -math.inf) or q == pytest.approx(p, abs=1e-6)
            assert c == pytest.approx(b, abs=1e-6)
    # Writing what was read gives the same bytes.
    again = tmp_path / ("again" + name)
    write_arpa(again, back)
    assert again.read_bytes() == path.read_bytes()


def test_written_file_omits_unit_back_off_weights(tmp_path):
    lm = ArpaLM([{("<s>",): (-math.inf, -0.5), ("a",): (-0.3, 0.0), ("</s>",): (-0.2, 0.0)}, {("<s>", "a"): (-0.1, 0.0)}])
    path = tmp_path / "x.arpa"
    write_arpa(path, lm)
    assert "-99\t<s>\t-0.5\n-0.3\ta\n-0.2\t</s>\n" in path.read_text()


BROKEN = [
    # (replace this, with this, message pattern, line of the error)
    ("ngram 2=3\n", "ngram 2=4\n", r"\\2-grams: section has 3 n-grams but the \\data\\ header says ngram 2=4", 13),
    ("ngram 1=4\n", "ngram 1=5\n", r"\\1-grams: section has 4 n-grams but .* ngram 1=5", 7),
    ("ngram 2=3\n", "ngram 2 3\n", r"malformed \\data\\ header line 'ngram 2 3'", 5),
    ("ngram 1=4\nngram 2=3\n", "ngram 2=3\nngram 1=4\n", r"expected 'ngram 1=COUNT'", 4),
    ("-0.2\ta b\n", "-0.2\ta\n", r"expected a log10 probability, 2 word\(s\)", 15),
    ("-0.2\ta b\n", "-0.2\ta b\t-0.1\n", r"back-off weight on a line of the highest order", 15),
    ("-0.2\ta b\n", "-0.2\ta b c d\n", r"got 5 field\(s\)", 15),
    ("-0.2\ta b\n", "x\ta b\n", r"log10 probability is not a number: 'x'", 15),
    ("-0.2\ta b\n", "0.2\ta b\n", r"log10 probability above 0", 15),
    ("-0.2\ta b\n", "-0.3\t<s> a\n", r"n-gram '<s> a' appears twice", 15),
    ("\\2-grams:\n", "\\3-grams:\n", r"expected \\2-grams:, got '\\3-grams:'", 13),
    ("\\end\\\n", "", r"no \\end\\ line", None),
    ("\\data\\\n", "data\n", r"no \\data\\ line", None),
    ("\\end\\\n", "\\bogus\\\n", r"unexpected line", 18),
]


@pytest.mark.parametrize("old,new,message,line", BROKEN)
def test_broken_files_name_the_line(tmp_path, old, new, message, line):
    assert old in TINY
    path = write(tmp_path, TINY.replace(old, new, 1))
    with pytest.raises(InputError, match=message) as e:
        read_arpa(path)
    assert e.value.path == str(path)
    assert e.value.line == line
    if line is not None:
        assert str(e.value).startswith(f"{path}:{line}: ")


def test_missing_section_and_missing_file(tmp_path):
    text = TINY.replace("\\2-grams:\n-0.3\t<s> a\n-0.2\ta b\n-0.4\tb </s>\n", "")
    with pytest.raises(InputError, match=r"\\end\\ before the \\2-grams: section"):
        read_arpa(write(tmp_path, text))
    with pytest.raises(InputError, match="no such file"):
        read_arpa(tmp_path / "absent.arpa")
    (tmp_path / "bad.gz").write_bytes(gzip.compress(TINY.encode())[:60])
    with pytest.raises(InputError, match="cannot read"):
        read_arpa(tmp_path / "bad.gz")
