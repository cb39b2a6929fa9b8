"""benchmark_gmm on a tiny model: it runs, reports every figure, and its likelihoods match the direct formula."""
import json

from toolkit import cli
from toolkit.bin import benchmark_gmm


def test_benchmark_runs_and_reports(tmp_path, capsys):
    out = tmp_path / "bench.json"
    argv = ["--num-pdfs", "6", "--num-gauss", "20", "--dim", "5", "--frames", "3000", "--utt-frames", "100",
            "--threads", "1", "--repeats", "1", "--json", str(out)]
    assert cli.run(benchmark_gmm.main, argv) == 0
    printed = capsys.readouterr().out
    assert "6 pdfs, 20 Gaussians" in printed and "lik+acc fr/s" in printed
    (result,) = json.loads(out.read_text())["results"]
    assert result["num_gauss"] == 20 and result["frames"] == 3000 and result["threads"] == 1
    assert result["max_abs_diff_vs_direct"] < 1e-3
    for key in ("likelihood_fps", "likelihood_per_utt_fps", "accumulate_fps", "likelihood_and_accumulate_fps",
                "likelihood_gflops", "matmul_peak_gflops"):
        assert result[key] > 0
    assert result["likelihood_and_accumulate_fps"] < min(result["likelihood_fps"], result["accumulate_fps"])
