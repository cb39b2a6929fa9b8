"""The throughput benchmark runs end to end on a few utterances and reports every implementation."""
import json
import shutil

import pytest

from toolkit import cli
from toolkit.bin import benchmark_features


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None, reason="needs espeak-ng and sox")
def test_benchmark_reports_throughput_and_agreement(tmp_path, capsys):
    out = tmp_path / "bench.json"
    argv = ["--num-utts", "3", "--repeats", "1", "--type", "fbank", "--json", str(out)]
    assert cli.run(benchmark_features.main, argv) == 0
    printed = capsys.readouterr().out
    assert "ratio toolkit (batched) / kaldi-native-fbank" in printed
    result = json.loads(out.read_text())
    timing = result["throughput_x_real_time"]["fbank"]
    assert result["utterances"] == 3 and result["audio_seconds"] > 0.5
    for name in ("kaldi-native-fbank", "toolkit (batched)", "torchaudio.compliance.kaldi",
                 "toolkit compute_features job (wav in, ark out)"):
        assert timing[name] > 0
    ratio = timing["toolkit (batched)"] / timing["kaldi-native-fbank"]
    assert timing["ratio toolkit (batched) / kaldi-native-fbank"] == pytest.approx(ratio)
    # Same work: the fbank rows printed agree with kaldi-native-fbank to 1e-3.
    diffs = [float(line.split()[-1]) for line in printed.splitlines() if line.startswith("fbank  toolkit")]
    assert diffs and max(diffs) <= 1e-3
