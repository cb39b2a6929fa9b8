"""wav.scp entries: files and pipes read to the same samples; failures name the entry."""
import numpy as np
import pytest
import soundfile

from toolkit.errors import InputError
from toolkit.io.wav import is_pipe, read_wav, wav_duration


@pytest.fixture
def wav(tmp_path):
    x = (np.sin(np.arange(8000) * 0.05) * 0.5).astype(np.float32)
    path = tmp_path / "a.wav"
    soundfile.write(path, x, 16000, subtype="PCM_16")
    return path, x


def test_file_and_pipe_give_the_same_samples(wav):
    path, x = wav
    a, ra = read_wav(str(path))
    b, rb = read_wav(f"cat {path} |")
    assert ra == rb == 16000
    np.testing.assert_allclose(a, x, atol=1 / 32768)
    np.testing.assert_array_equal(a, b)
    assert wav_duration(str(path)) == pytest.approx(0.5)
    assert wav_duration(f"cat {path} |") == pytest.approx(0.5)
    assert is_pipe("sox x.wav -t wav - |") and not is_pipe("x.wav")


def test_errors_name_the_entry(tmp_path):
    with pytest.raises(InputError, match="scp:3: audio file not found"):
        read_wav(str(tmp_path / "none.wav"), "scp:3")
    with pytest.raises(InputError, match="scp:4: command failed with status"):
        read_wav("false |", "scp:4")
    (tmp_path / "junk.wav").write_bytes(b"not audio")
    with pytest.raises(InputError, match="cannot read audio"):
        read_wav(str(tmp_path / "junk.wav"), "scp:5")
