"""get_utt2dur: durations from audio headers, from `cmd |` pipes, from segments; failures located."""
from __future__ import annotations

import pytest

from toolkit.data.datadir import DataDir
from toolkit.data.durations import durations_from_audio, format_duration, get_utt2dur
from toolkit.errors import InputError
from toolkit.io.table import read_table


def read_durations(path) -> dict[str, float]:
    return {k: float(v) for k, v in read_table(path).items()}


@pytest.mark.parametrize("nj", [1, 3])
def test_durations_from_files_and_pipes(data_dir, durations, nj):
    assert "|" in (data_dir / "wav.scp").read_text()
    out = get_utt2dur(data_dir, nj=nj)
    assert out == data_dir / "utt2dur"
    got = read_durations(out)
    assert list(got) == sorted(durations)
    assert got == pytest.approx(durations, abs=1e-6)


def test_durations_from_segments(write, data_dir):
    write(data_dir, {
        "wav.scp": ["recA missing.wav", "recB false |"],  # never read: segments give the durations
        "segments": ["spk1-u1 recA 0 1.5", "spk1-u2 recA 1.1 2.3", "spk1-u3 recB 0 0.25", "spk2-u1 recB 1 2",
                     "spk2-u2 recB 2 3.125", "spk3-u1 recB 3 4"],
    })
    get_utt2dur(data_dir)
    assert (data_dir / "utt2dur").read_text().splitlines() == [
        "spk1-u1 1.5", "spk1-u2 1.2", "spk1-u3 0.25", "spk2-u1 1", "spk2-u2 1.125", "spk3-u1 1"]


def test_failures_name_the_utterance_and_line(write, data_dir, files):
    wav = list(files["wav.scp"])
    wav[3] = "spk2-u1 sox /nonexistent.wav -t wav - |"
    write(data_dir, {"wav.scp": wav})
    with pytest.raises(InputError, match=rf"^{data_dir}/wav.scp:4: utterance 'spk2-u1': command failed"):
        get_utt2dur(data_dir, nj=2)
    assert not (data_dir / "utt2dur").exists()
    wav[3] = f"spk2-u1 {data_dir}/junk.wav"
    write(data_dir, {"wav.scp": wav, "junk.wav": "not audio"})
    with pytest.raises(InputError, match=r"wav.scp:4: utterance 'spk2-u1': cannot read audio"):
        durations_from_audio(DataDir.read(data_dir))


def test_up_to_date_utt2dur_is_kept_and_stale_one_replaced(write, data_dir, durations):
    write(data_dir, {"utt2dur": ["spk1-u1 9"]})  # stale: wrong utterances
    get_utt2dur(data_dir)
    assert read_durations(data_dir / "utt2dur") == pytest.approx(durations, abs=1e-6)
    stamp = (data_dir / "utt2dur").stat().st_mtime_ns
    get_utt2dur(data_dir)
    assert (data_dir / "utt2dur").stat().st_mtime_ns == stamp


def test_format_duration():
    assert format_duration(1.25) == "1.25"
    assert format_duration(2.0) == "2"
    assert format_duration(2.3 - 1.1) == "1.2"
    assert format_duration(1 / 3) == "0.333333"
    assert format_duration(10.0) == "10"
