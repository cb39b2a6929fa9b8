"""The steps train_lm, compute_perplexity and arpa_to_fst: outputs agree with the library, options
work, and bad input gives `<step>: error: file:line: ...` with exit status 1."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit import cli
from toolkit.bin import arpa_to_fst as arpa_to_fst_step
from toolkit.bin import compute_perplexity, train_lm
from toolkit.io.fst import read_fst
from toolkit.lang.symbols import SymbolTable, read_symbol_table, write_symbol_table
from toolkit.lm.arpa import read_arpa
from toolkit.lm.arpa_to_fst import arpa_to_fst
from toolkit.lm.ngram import train_kneser_ney
from toolkit.lm.perplexity import corpus_perplexity
from toolkit.lm.text import read_sentences

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    lines = (DATA / "synthetic_corpus.txt").read_text().splitlines()
    (tmp_path / "train.txt").write_text("\n".join(lines[:250]) + "\n")
    (tmp_path / "dev.txt").write_text("\n".join(lines[250:]) + "\nunknownword " + lines[0] + "\n\n")
    return tmp_path


def words_txt(path: Path, lm, drop: tuple[str, ...] = ()) -> None:
    words = [w for w in lm.vocabulary() if w not in ("<s>", "</s>", *drop)]
    write_symbol_table(path, SymbolTable.from_symbols(["<eps>", *words, "#0", "<s>", "</s>"]))


def test_train_perplexity_and_G(texts, capsys):
    d = texts
    assert cli.run(train_lm.main, ["--order", "3", "--unk-word", "<unk>", str(d / "train.txt"), str(d / "lm.arpa.gz")]) == 0
    lm = read_arpa(d / "lm.arpa.gz")
    train = [s.words for s in read_sentences(d / "train.txt")]
    assert lm.counts() == train_kneser_ney(train, order=3, unk="<unk>").counts()

    capsys.readouterr()
    args = ["--per-sentence", str(d / "per.txt"), str(d / "lm.arpa.gz"), str(d / "dev.txt")]
    assert cli.run(compute_perplexity.main, args) == 0
    out = capsys.readouterr().out.splitlines()
    dev = [s.words for s in read_sentences(d / "dev.txt")]
    total, per = corpus_perplexity(lm, dev)
    assert out == total.srilm_lines(str(d / "dev.txt"))
    assert re.fullmatch(rf"file .*dev.txt: 51 sentences, {sum(map(len, dev))} words, [1-9]\d* OOVs", out[0])
    blocks = (d / "per.txt").read_text().split("\n\n")
    assert blocks[0].splitlines() == [" ".join(dev[0]), *per[0].srilm_lines()]
    assert len(blocks) == len(dev) + 1 and blocks[-1] == ""

    assert cli.run(compute_perplexity.main, ["--unk-word", "<unk>", str(d / "lm.arpa.gz"), str(d / "dev.txt")]) == 0
    assert capsys.readouterr().out.splitlines() == corpus_perplexity(lm, dev, unk="<unk>")[0].srilm_lines(str(d / "dev.txt"))

    words_txt(d / "words.txt", lm)
    assert cli.run(arpa_to_fst_step.main, [str(d / "lm.arpa.gz"), str(d / "words.txt"), str(d / "G.fst")]) == 0
    G = read_fst(d / "G.fst")
    reference = arpa_to_fst(lm, read_symbol_table(d / "words.txt"))
    assert (G.num_states, G.start) == (reference.num_states, reference.start)
    assert sum(G.num_arcs(s) for s in range(G.num_states)) == sum(reference.num_arcs(s) for s in range(G.num_states))


def test_kaldi_text_vocab_and_unk(texts, capsys):
    d = texts
    (d / "text").write_text("utt1 a b c a\nutt2 b c d\nutt3\n")
    (d / "vocab").write_text("a\nb\nc\n")
    args = ["--order", "2", "--text-has-keys", "true", "--vocab", str(d / "vocab"), "--unk-word", "<unk>",
            str(d / "text"), str(d / "lm.arpa")]
    assert cli.run(train_lm.main, args) == 0
    lm = read_arpa(d / "lm.arpa")
    assert sorted(lm.vocabulary()) == ["</s>", "<s>", "<unk>", "a", "b", "c"]
    assert ("c", "<unk>") in lm.ngrams[1] and ("utt1",) not in lm.ngrams[0]
    capsys.readouterr()
    assert cli.run(compute_perplexity.main, ["--text-has-keys", "true", str(d / "lm.arpa"), str(d / "text")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"file {d / 'text'}: 2 sentences, 7 words, 1 OOVs"


def test_errors_name_file_and_line(texts, capsys):
    d = texts
    (d / "bad.txt").write_text("a b\nc <s> d\n")
    assert cli.run(train_lm.main, [str(d / "bad.txt"), str(d / "x.arpa")]) == 1
    assert capsys.readouterr().err.strip() == f"train_lm: error: {d / 'bad.txt'}:2: the text contains <s> or </s>; sentence boundaries are added by the model"
    assert not (d / "x.arpa").exists()

    assert cli.run(train_lm.main, ["--order", "0", str(d / "train.txt"), str(d / "x.arpa")]) == 1
    assert "--order must be 1 or more" in capsys.readouterr().err
    assert cli.run(train_lm.main, ["--discount-fallback", "1 2", str(d / "train.txt"), str(d / "x.arpa")]) == 1
    assert "--discount-fallback must be three numbers" in capsys.readouterr().err

    (d / "broken.arpa").write_text("\\data\\\nngram 1=2\nngram 2 = x\n")
    assert cli.run(compute_perplexity.main, [str(d / "broken.arpa"), str(d / "dev.txt")]) == 1
    err = capsys.readouterr().err.strip()
    assert err == f"compute_perplexity: error: {d / 'broken.arpa'}:3: malformed \\data\\ header line 'ngram 2 = x' (expected 'ngram N=COUNT')"

    assert cli.run(train_lm.main, [str(d / "train.txt"), str(d / "lm.arpa")]) == 0
    lm = read_arpa(d / "lm.arpa")
    missing = sorted(lm.vocabulary())[-2:]
    words_txt(d / "words.txt", lm, drop=tuple(missing))
    capsys.readouterr()
    args = [str(d / "lm.arpa"), str(d / "words.txt"), str(d / "G.fst")]
    assert cli.run(arpa_to_fst_step.main, args) == 1
    assert f"2 word(s) of the model are not in {d / 'words.txt'}: {' '.join(missing)}" in capsys.readouterr().err
    assert not (d / "G.fst").exists()
    assert cli.run(arpa_to_fst_step.main, ["--skip-oov-ngrams", "true", *args]) == 0
    assert read_fst(d / "G.fst").num_states > 100


def test_runs_as_module_with_help(texts):
    env = dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    r = subprocess.run([sys.executable, "-m", "toolkit.bin.train_lm", "--help"], capture_output=True, text=True, env=env, check=False)
    assert r.returncode == 0 and "--unk-word" in r.stdout and "(default: 3)" in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "toolkit.bin.train_lm", "--order", "2", "-", str(texts / "lm.arpa")],
        input="a b\nb a c\n", capture_output=True, text=True, env=env, check=False,
    )
    assert r.returncode == 0, r.stderr
    assert read_arpa(texts / "lm.arpa").counts() == [5, 7]
