"""The data-directory steps as a user runs them: exit status, messages, outputs."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def step(name: str, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LC_ALL="C")
    return subprocess.run([sys.executable, "-m", f"toolkit.bin.{name}", *map(str, args)],
                          capture_output=True, text=True, env=env, cwd=ROOT)


def test_validate_exit_status_and_messages(write, data_dir, files):
    ok = step("validate_data_dir", "--no-feats", data_dir)
    assert ok.returncode == 0, ok.stderr
    assert "successfully validated" in ok.stderr
    text = list(files["text"])
    text[1], text[4] = "spk1-u2 <s> three", "spk2-u2x eight"
    write(data_dir, {"text": text})
    bad = step("validate_data_dir", "--no-feats", data_dir)
    assert bad.returncode == 1
    lines = bad.stderr.splitlines()
    assert f"{data_dir}/text:2: transcript of 'spk1-u2' contains the reserved symbol(s) <s>" in lines
    assert f"{data_dir}/text:5: utterance 'spk2-u2x' is not in utt2spk" in lines
    assert f"{data_dir}/utt2spk:5: utterance 'spk2-u2' has no entry in text" in lines
    assert lines[-1] == f"validate_data_dir: {data_dir}: 3 problem(s)"
    assert step("validate_data_dir", data_dir).returncode == 1  # feats.scp required without --no-feats


def test_fix_then_validate(write, data_dir, files):
    write(data_dir, {"text": files["text"][1:]})
    fixed = step("fix_data_dir", data_dir)
    assert fixed.returncode == 0, fixed.stderr
    assert "kept 5 of 6 utterances" in fixed.stderr and "lack of an entry in text" in fixed.stderr
    assert (data_dir / ".backup" / "utt2spk").read_text() == "".join(line + "\n" for line in files["utt2spk"])
    assert step("validate_data_dir", "--no-feats", data_dir).returncode == 0
    # What fixing cannot repair is reported, with a non-zero status.
    write(data_dir, {"text": ["spk1-u2 </s>"] + files["text"][2:]})
    unfixable = step("fix_data_dir", data_dir)
    assert unfixable.returncode == 1
    assert f"{data_dir}/text:1: transcript of 'spk1-u2' contains the reserved symbol(s) </s>" in unfixable.stderr


def test_split_subset_combine_steps(tmp_path, data_dir):
    split = step("split_data_dir", data_dir, 2)
    assert split.returncode == 0, split.stderr
    assert (data_dir / "split2" / "2" / "spk2utt").read_text() == "spk2 spk2-u1 spk2-u2\nspk3 spk3-u1\n"
    too_many = step("split_data_dir", data_dir, 5)
    assert too_many.returncode == 1
    assert "split_data_dir: error: cannot split" in too_many.stderr and "only 3 speaker(s)" in too_many.stderr
    assert step("split_data_dir", "--per-utt", data_dir, 5).returncode == 0

    assert step("subset_data_dir", "--first", 3, data_dir, tmp_path / "a").returncode == 0
    assert step("subset_data_dir", "--last", 3, data_dir, tmp_path / "b").returncode == 0
    assert (tmp_path / "b" / "utt2spk").read_text() == "spk2-u1 spk2\nspk2-u2 spk2\nspk3-u1 spk3\n"
    (tmp_path / "list").write_text("spk2\n")
    assert step("subset_data_dir", "--spk-list", tmp_path / "list", data_dir, tmp_path / "c").returncode == 0
    assert (tmp_path / "c" / "spk2utt").read_text() == "spk2 spk2-u1 spk2-u2\n"
    assert step("subset_data_dir", data_dir, tmp_path / "d").returncode == 2  # a selection is required

    combined = step("combine_data_dirs", tmp_path / "all", tmp_path / "a", tmp_path / "b")
    assert combined.returncode == 0, combined.stderr
    for name in ("utt2spk", "text", "wav.scp", "spk2utt", "spk2gender"):
        assert (tmp_path / "all" / name).read_text() == (data_dir / name).read_text()
    clash = step("combine_data_dirs", tmp_path / "x", tmp_path / "a", tmp_path / "c", tmp_path / "b")
    assert clash.returncode == 1 and "'spk2-u1' (in " in clash.stderr
    assert not (tmp_path / "x").exists()


def test_get_utt2dur_step(write, data_dir, files, durations):
    done = step("get_utt2dur", "--nj", 2, data_dir)
    assert done.returncode == 0, done.stderr
    assert len((data_dir / "utt2dur").read_text().splitlines()) == len(durations)
    wav = list(files["wav.scp"])
    wav[5] = "spk3-u1 exit 3 |"
    write(data_dir, {"wav.scp": wav})
    (data_dir / "utt2dur").unlink()
    failed = step("get_utt2dur", data_dir)
    assert failed.returncode == 1
    assert f"{data_dir}/wav.scp:6: utterance 'spk3-u1': command failed with status 3" in failed.stderr
