"""The digits recipe's data preparation: the synthetic corpus and the Asterisk real-speech test set."""
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from toolkit.data.validate import validate_data_dir
from toolkit.io.table import read_table

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "recipes" / "digits" / "asr" / "local"
pytestmark = pytest.mark.skipif(
    not all(shutil.which(p) for p in ("espeak-ng", "flite", "sox")), reason="needs espeak-ng, flite and sox"
)


def _env():
    env = dict(os.environ)
    env.update(TOOLKIT_ROOT=str(ROOT), PYTHONPATH=str(ROOT), LC_ALL="C",
               PATH=f"{ROOT / 'local'}:{env['PATH']}")
    return env


def _run(args, cwd):
    proc = subprocess.run(["bash", *map(str, args)], cwd=cwd, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _digits(cwd, corpus, nj, n_train=12, n_dev=4, n_test=4):
    _run([LOCAL / "prepare_digits.sh", "--nj", nj, "--seed", 17, "--n-train", n_train, "--n-dev", n_dev,
          "--n-test", n_test, corpus, "data_" + corpus], cwd)
    return cwd / corpus, cwd / ("data_" + corpus)


def _wavs(corpus):
    return {p.relative_to(corpus / "wav"): p.read_bytes() for p in (corpus / "wav").rglob("*.wav")}


def test_digits_corpus_is_voice_disjoint_valid_and_reproducible(tmp_path):
    corpus_a, data_a = _digits(tmp_path, "a", nj=2)
    corpus_b, data_b = _digits(tmp_path, "b", nj=1)
    speakers = {s["id"]: s for s in json.loads((corpus_a / "speakers.json").read_text())}
    spk_sets, families = {}, {}
    for split, n in (("train", 12), ("dev", 4), ("test", 4)):
        d = data_a / split
        assert validate_data_dir(d, no_feats=True) == []
        utt2spk = read_table(d / "utt2spk")
        assert len(utt2spk) == n
        spk_sets[split] = set(utt2spk.values())
        families[split] = {speakers[s]["voice"]["family"] for s in spk_sets[split]}
        # same seed, other job count: same transcripts, speakers and durations
        for name in ("text", "utt2spk", "spk2utt", "utt2dur", "spk2gender"):
            assert (d / name).read_text() == (data_b / split / name).read_text(), name
        for utt, path in read_table(d / "wav.scp").items():
            assert os.path.isabs(path) and path.startswith(str(corpus_a / "wav"))
            x, rate = soundfile.read(path, dtype="int16")
            assert rate == 16000 and x.ndim == 1 and soundfile.info(path).subtype == "PCM_16"
            assert np.sqrt(np.mean(x.astype(float) ** 2)) > 300  # not silent
        assert any(speakers[s]["voice"]["engine"] == "flite" for s in spk_sets[split])
    for a, b in (("train", "dev"), ("train", "test"), ("dev", "test")):
        assert not spk_sets[a] & spk_sets[b] and not families[a] & families[b], (a, b)
    wavs = _wavs(corpus_a)
    assert len(wavs) == 20 and wavs == _wavs(corpus_b)

    # a rerun replaces, never appends: nothing is left of the bigger corpus
    _digits(tmp_path, "a", nj=2, n_train=5, n_dev=2, n_test=0)
    assert len(_wavs(corpus_a)) == 7
    assert len(read_table(data_a / "train" / "text")) == 5 and not (data_a / "test").exists()
    assert not list(corpus_a.glob("wav.*"))


def test_failed_synthesis_names_the_utterance_and_keeps_the_old_corpus(tmp_path):
    corpus, data = _digits(tmp_path, "c", nj=1, n_train=3, n_dev=1, n_test=1)
    before = _wavs(corpus)
    # a runner that breaks espeak-ng for the synthesis jobs
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "espeak-ng").write_text("#!/bin/sh\necho 'espeak-ng: broken' >&2\nexit 3\n")
    (fake_bin / "espeak-ng").chmod(0o755)
    runner = tmp_path / "runner.sh"
    runner.write_text(f'#!/bin/sh\nPATH={fake_bin}:$PATH exec run_local.sh "$@"\n')
    runner.chmod(0o755)
    proc = subprocess.run(["bash", LOCAL / "prepare_digits.sh", "--cmd", str(runner), "--seed", "17", "--n-train", "3",
                           "--n-dev", "1", "--n-test", "1", "c", "data_c"], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert "synthesize_corpus: error: utterance e" in proc.stderr
    assert "command failed with status 3: espeak-ng -v" in proc.stderr
    assert _wavs(corpus) == before
    assert validate_data_dir(data / "train", no_feats=True) == []


def _fake_asterisk(root):
    """Digit prompts as Asterisk ships them (8 kHz 16-bit mono), spoken by espeak-ng, and transcripts."""
    sounds = root / "en_US_f_Allison"
    (sounds / "digits").mkdir(parents=True)
    words = dict(zip("0123456789", "zero one two three four five six seven eight nine".split()), oh="oh")
    for name, word in words.items():
        subprocess.run(["espeak-ng", "-v", "en-us+f3", "-w", root / "raw.wav", word], check=True)
        subprocess.run(["sox", "-R", root / "raw.wav", "-r", "8000", "-b", "16", sounds / "digits" / f"{name}.wav"],
                       check=True)
    lines = ["; Core Asterisk Sounds in English", "digits/10: Ten.", "activated: Activated."]
    lines += [f"digits/{n}: {w.capitalize()}." for n, w in words.items()]
    (root / "core-sounds-en.txt").write_text("\n".join(lines) + "\n")
    return sounds, root / "core-sounds-en.txt", words


def test_asterisk_test_set_from_the_prompts(tmp_path):
    sounds, transcripts, words = _fake_asterisk(tmp_path)
    args = [LOCAL / "prepare_asterisk.sh", "--sounds-dir", sounds, "--transcripts", transcripts,
            "--num-strings", 6, "corpus", "data/asterisk"]
    _run(args, tmp_path)
    first = _wavs(tmp_path / "corpus")
    _run(args, tmp_path)
    assert _wavs(tmp_path / "corpus") == first and len(first) == 17

    data = tmp_path / "data" / "asterisk"
    for d, n in ((data, 17), (tmp_path / "data" / "asterisk_isolated", 11), (tmp_path / "data" / "asterisk_connected", 6)):
        assert validate_data_dir(d, no_feats=True) == []
        assert len(read_table(d / "text")) == n
    text = read_table(data / "text")
    assert set(read_table(data / "utt2spk").values()) == {"allison"}
    assert {text[f"allison-iso-{n}"] for n in words} == set(words.values())
    assert text["allison-iso-oh"] == "oh" and text["allison-iso-0"] == "zero"
    dur = read_table(data / "utt2dur")
    prompt_len = {w: soundfile.info(sounds / "digits" / f"{n}.wav").duration for n, w in words.items()}
    for utt, path in read_table(data / "wav.scp").items():
        info = soundfile.info(path)
        assert (info.samplerate, info.channels, info.subtype) == (16000, 1, "PCM_16")
        assert float(dur[utt]) == pytest.approx(info.duration, abs=1e-6)
        spoken = sum(prompt_len[w] for w in text[utt].split())
        # the prompts, 0.25 s before and after, pauses of at most 0.15 s between
        assert spoken + 0.5 - 0.01 <= info.duration <= spoken + 0.5 + 0.15 * (len(text[utt].split()) - 1) + 0.01
    assert all(2 <= len(text[u].split()) <= 7 for u in text if "-str-" in u)


def test_asterisk_transcript_problems_are_located(tmp_path):
    sounds, transcripts, _ = _fake_asterisk(tmp_path)
    transcripts.write_text(transcripts.read_text().replace("digits/7: Seven.", "digits/7: Seven o'clock."))
    proc = subprocess.run(["python", LOCAL / "prepare_asterisk.py", sounds, transcripts, tmp_path / "w", tmp_path / "d"],
                          env=_env(), capture_output=True, text=True)
    assert proc.returncode == 1
    assert f"prepare_asterisk.py: error: {transcripts}:11: expected one word for digits/7" in proc.stderr
    assert not (tmp_path / "w").exists() and not (tmp_path / "d").exists()
