"""The NAT recipe's step chain on a tiny word-for-word corpus: teacher, distillation, piece alignment,
NAT training (fertility and uniform copy), decoding in every mode, benchmark, results files."""
import json
import random

import pytest

from toolkit import cli
from toolkit.bin import (
    align_words,
    encode_pieces,
    make_distilled_set,
    mt_average_checkpoints,
    mt_benchmark,
    mt_train,
    mt_translate,
    nat_train,
    nat_translate,
    score_bleu,
    train_sentencepiece,
    write_mt_results,
)
from toolkit.errors import ToolkitError

EN = ["open", "close", "save", "the", "file", "menu", "new", "window", "print", "page"]
FR = ["ouvrir", "fermer", "enregistrer", "le", "fichier", "menu", "nouveau", "fenêtre", "imprimer", "page"]
SMALL = ["--d-model", "32", "--heads", "2", "--ffn-dim", "64", "--encoder-layers", "1", "--decoder-layers", "1",
         "--max-tokens", "200", "--warmup-updates", "20", "--lr", "3e-3", "--num-threads", "1",
         "--log-every-updates", "0"]


def write_corpus(d, name, n, seed):
    rng = random.Random(seed)
    en, fr = [], []
    for _ in range(n):
        idx = [rng.randrange(len(EN)) for _ in range(rng.randint(2, 5))]
        en.append(" ".join(EN[i] for i in idx))
        fr.append(" ".join(FR[i] for i in idx))
    (d / f"{name}.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (d / f"{name}.fr").write_text("\n".join(fr) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def recipe(tmp_path_factory):
    """A recipe directory after the teacher, the distillation, the alignment and one NAT."""
    r = tmp_path_factory.mktemp("recipe")
    data, exp = r / "data", r / "exp"
    data.mkdir()
    for name, n, seed in (("train", 400, 0), ("dev", 20, 1), ("test", 20, 2)):
        write_corpus(data, name, n, seed)
    spm = str(data / "spm" / "spm.model")
    assert train_sentencepiece.main(["--vocab-size", "70", str(data / "train.en"), str(data / "train.fr"), spm]) == 0
    assert mt_train.main([*SMALL, "--max-epochs", "15", str(data), spm, str(exp / "ar")]) == 0
    assert mt_average_checkpoints.main(["--last", "2", str(exp / "ar"), str(exp / "ar" / "model_avg.pt")]) == 0
    distill = data / "distill"
    hyp = exp / "ar" / "distill.fr"
    assert mt_translate.main(["--beam", "2", "--num-threads", "1", str(exp / "ar" / "model_avg.pt"), spm,
                              str(data / "train.en"), str(hyp)]) == 0
    lines = hyp.read_text(encoding="utf-8").splitlines()
    hyp.write_text("\n".join(["", *lines[1:]]) + "\n", encoding="utf-8")  # an empty translation
    assert make_distilled_set.main([str(data / "train.en"), str(data / "train.fr"), str(hyp),
                                    str(distill / "train")]) == 0
    distilled = (distill / "train.fr").read_text(encoding="utf-8").splitlines()
    assert distilled[0] == (data / "train.fr").read_text(encoding="utf-8").splitlines()[0]  # the reference kept
    assert distilled[1:] == lines[1:]
    align = exp / "align_distill"
    align.mkdir(parents=True)
    for lang in ("en", "fr"):
        assert encode_pieces.main([spm, str(distill / f"train.{lang}"), str(align / f"train.{lang}")]) == 0
    assert align_words.main([str(align / "train.en"), str(align / "train.fr"), str(align)]) == 0
    assert nat_train.main(["--teacher", str(exp / "ar" / "model_avg.pt"), "--max-epochs", "15", "--dropout", "0",
                           "--max-tokens", "200", "--warmup-updates", "20", "--lr", "3e-3", "--num-threads", "1",
                           "--log-every-updates", "0", str(distill), spm, str(align / "fertility.txt"),
                           str(exp / "nat")]) == 0
    return r


def test_fertilities_match_the_pieces(recipe):
    align = recipe / "exp" / "align_distill"
    for src, tgt, fert in zip(*(open(align / f, encoding="utf-8").read().splitlines()
                                for f in ("train.en", "train.fr", "fertility.txt"))):
        f = [int(v) for v in fert.split()]
        assert len(f) == len(src.split()) and sum(f) == len(tgt.split())


def test_nat_decodes_in_every_mode_and_learns(recipe):
    spm = str(recipe / "data" / "spm" / "spm.model")
    exp, data = recipe / "exp", recipe / "data"
    teacher = str(exp / "ar" / "model_avg.pt")
    outputs = {}
    for name, opts in (("argmax", ["--mode", "argmax"]), ("average", ["--mode", "average"]),
                       ("npd5", ["--mode", "npd", "--samples", "5", "--teacher", teacher])):
        out = exp / "nat" / f"decode_{name}_test" / "hyp.fr"
        assert nat_translate.main([*opts, "--num-threads", "1", str(exp / "nat" / "model_last.pt"), spm,
                                   str(data / "test.en"), str(out)]) == 0
        assert score_bleu.main(["--json", str(out.parent / "scores.json"), str(out), str(data / "test.fr")]) == 0
        outputs[name] = json.loads((out.parent / "scores.json").read_text())
    # after a few seconds of training on 400 pairs the NAT is well above chance (an untrained one
    # scores 0 BLEU here), and NPD, which keeps the teacher's favourite of candidates that include
    # the argmax one, is not far below argmax (in chrF: BLEU of 20 toy sentences can drop to 0
    # when no 4-gram matches)
    assert outputs["argmax"]["bleu"] > 5
    assert outputs["npd5"]["chrf"] > outputs["argmax"]["chrf"] - 5
    assert cli.run(nat_translate.main, ["--mode", "npd", str(exp / "nat" / "model_last.pt"), spm,
                                        str(data / "test.en"), str(exp / "x.fr")]) == 1


def test_uniform_copy_and_bad_fertilities(recipe, capsys):
    spm = str(recipe / "data" / "spm" / "spm.model")
    exp, distill = recipe / "exp", recipe / "data" / "distill"
    fert = exp / "align_distill" / "fertility.txt"
    args = [*SMALL, "--max-epochs", "1", "--decoder-input", "uniform", str(distill), spm, str(fert),
            str(exp / "nat_uniform_copy")]
    assert nat_train.main(args) == 0
    summary = json.loads((exp / "nat_uniform_copy" / "train_summary.json").read_text())
    assert summary["config"]["decoder_input"] == "uniform"
    bad = exp / "bad_fertility.txt"
    lines = fert.read_text().splitlines()
    bad.write_text("\n".join([lines[0] + " 1", *lines[1:]]) + "\n")
    assert cli.run(nat_train.main, [*SMALL, str(distill), spm, str(bad), str(exp / "nat_bad")]) == 1
    assert "bad_fertility.txt:1:" in capsys.readouterr().err


def test_benchmark_and_results(recipe):
    spm = str(recipe / "data" / "spm" / "spm.model")
    exp, data = recipe / "exp", recipe / "data"
    teacher = str(exp / "ar" / "model_avg.pt")
    for name, beam in (("beam2", "2"), ("greedy", "1")):
        out = exp / "ar" / f"decode_{name}_test" / "hyp.fr"
        assert mt_translate.main(["--beam", beam, "--num-threads", "1", teacher, spm, str(data / "test.en"),
                                  str(out)]) == 0
        assert score_bleu.main(["--json", str(out.parent / "scores.json"), str(out), str(data / "test.fr")]) == 0
        assert mt_benchmark.main(["--beam", beam, "--num-threads", "1", teacher, spm, str(data / "test.en"),
                                  str(exp / "ar" / f"bench_{name}.json")]) == 0
    assert mt_benchmark.main(["--nat", "--num-threads", "1", str(exp / "nat" / "model_last.pt"), spm,
                              str(data / "test.en"), str(exp / "nat" / "bench_argmax.json")]) == 0
    nat_dir = exp / "nat" / "decode_argmax_test"
    if not (nat_dir / "scores.json").exists():  # the decoding test may not have run first
        nat_dir.mkdir(parents=True, exist_ok=True)
        assert nat_translate.main(["--num-threads", "1", str(exp / "nat" / "model_last.pt"), spm,
                                   str(data / "test.en"), str(nat_dir / "hyp.fr")]) == 0
        assert score_bleu.main(["--json", str(nat_dir / "scores.json"), str(nat_dir / "hyp.fr"),
                                str(data / "test.fr")]) == 0
    sweep = []
    for lp in ("1.0", "2.0"):  # the recipe's choice of the teacher's length penalty on dev
        out = exp / "ar" / f"decode_beam2_dev_lenpen{lp}" / "hyp.fr"
        assert mt_translate.main(["--beam", "2", "--lenpen", lp, "--num-threads", "1", teacher, spm,
                                  str(data / "dev.en"), str(out)]) == 0
        assert score_bleu.main(["--json", str(out.parent / "scores.json"), str(out), str(data / "dev.fr")]) == 0
        sweep.append(json.loads((out.parent / "scores.json").read_text())["bleu"])
    chosen = "1.0" if sweep[0] >= sweep[1] else "2.0"
    (exp / "ar" / "lenpen").write_text(chosen + "\n")
    npd_sweep = []
    for lp in ("0", "1.0"):  # and of NPD's
        out = exp / "nat" / f"decode_npd5_dev_lenpen{lp}" / "hyp.fr"
        assert nat_translate.main(["--mode", "npd", "--samples", "5", "--lenpen", lp, "--teacher", teacher,
                                   "--num-threads", "1", str(exp / "nat" / "model_last.pt"), spm,
                                   str(data / "dev.en"), str(out)]) == 0
        assert score_bleu.main(["--json", str(out.parent / "scores.json"), str(out), str(data / "dev.fr")]) == 0
        npd_sweep.append(json.loads((out.parent / "scores.json").read_text())["bleu"])
    (exp / "nat" / "npd_lenpen").write_text("1.0\n")
    npd_dir = exp / "nat" / "decode_npd5_test"
    if not (npd_dir / "scores.json").exists():
        assert nat_translate.main(["--mode", "npd", "--samples", "5", "--teacher", teacher, "--num-threads", "1",
                                   str(exp / "nat" / "model_last.pt"), spm, str(data / "test.en"),
                                   str(npd_dir / "hyp.fr")]) == 0
        assert score_bleu.main(["--json", str(npd_dir / "scores.json"), str(npd_dir / "hyp.fr"),
                                str(data / "test.fr")]) == 0
    bench = json.loads((exp / "nat" / "bench_argmax.json").read_text())
    assert bench["sentences"] == 20 and bench["latency_ms"] > 0 and bench["sents_per_s"] > 0
    assert "peer" not in bench
    # NPD's benchmark with the teacher as its peer, measured in the same run
    assert mt_benchmark.main(["--nat", "--mode", "npd", "--samples", "5", "--lenpen", "1.0", "--teacher", teacher,
                              "--peer", teacher, "--peer-beam", "2", "--peer-lenpen", chosen, "--num-threads", "1",
                              str(exp / "nat" / "model_last.pt"), spm, str(data / "test.en"),
                              str(exp / "nat" / "bench_npd5.json")]) == 0
    npd_bench = json.loads((exp / "nat" / "bench_npd5.json").read_text())
    peer = npd_bench["peer"]
    assert peer["beam"] == 2 and peer["lenpen"] == float(chosen) and peer["latency_ms"] > 0 and peer["sents_per_s"] > 0
    assert npd_bench["speedup"] == pytest.approx(peer["latency_ms"] / npd_bench["latency_ms"])
    assert npd_bench["throughput_speedup"] == pytest.approx(npd_bench["sents_per_s"] / peer["sents_per_s"])
    with pytest.raises(ToolkitError, match="--notes .*missing.md"):
        write_mt_results.main(["--notes", str(recipe / "missing.md"), str(recipe), str(recipe / "RESULTS.md"),
                               str(exp / "results.json")])
    (recipe / "notes.md").write_text("## Reading\n\nThe NAT is faster.\n")
    assert write_mt_results.main(["--beam", "2", "--npd-samples", "5", "--notes", str(recipe / "notes.md"), str(recipe),
                                  str(recipe / "RESULTS.md"), str(exp / "results.json")]) == 0
    results = json.loads((exp / "results.json").read_text())
    assert {"ar_beam2", "ar_greedy", "nat"} <= set(results)
    assert results["ar_beam2"]["speedup"] == pytest.approx(1.0)
    ar = json.loads((exp / "ar" / "bench_beam2.json").read_text())["latency_ms"]
    assert results["nat"]["speedup"] == pytest.approx(ar / bench["latency_ms"])
    assert results["nat"]["speedup_source"] == "separate runs"
    assert results["nat_npd5"]["speedup_source"] == "same run" and results["nat_npd5"]["block"] == 50
    assert results["nat_npd5"]["speedup"] == pytest.approx(npd_bench["speedup"])
    assert results["nat_npd5"]["peer_latency_ms"] == pytest.approx(peer["latency_ms"])
    assert results["ar_beam2"]["lenpen"] == float(chosen) and 0 < results["nat"]["brevity_penalty"] <= 1
    markdown = (recipe / "RESULTS.md").read_text()
    assert markdown.endswith("## Reading\n\nThe NAT is faster.\n")
    assert "| nat |" in markdown and "| same run |" in markdown and "| separate runs |" in markdown
    assert f"| 1 | {sweep[0]:.2f} |" in markdown and f"| 2 | {sweep[1]:.2f} |" in markdown
    assert results["nat_npd5"]["lenpen"] == 1.0
    assert "NPD's length penalty (dev, s=5)" in markdown
    assert f"| 0 | {npd_sweep[0]:.2f} |" in markdown and f"| 1 | {npd_sweep[1]:.2f} |" in markdown
    assert markdown.count("| yes |") == 2


def test_batch1_latency_alternates_the_systems():
    calls = []
    searches = [lambda seqs, k=k: calls.append((k, seqs[0][0])) or [] for k in range(2)]
    times = mt_benchmark.batch1_latency(searches, [[1], [2], [3]])
    # one warm-up sentence each, then the two in turn, the order reversed on odd sentences
    assert calls == [(0, 1), (1, 1), (0, 1), (1, 1), (1, 2), (0, 2), (0, 3), (1, 3)]
    assert len(times) == 2 and all(t >= 0 for t in times)
    # in blocks of two sentences: the block [1, 2] system first, then [3] peer first
    calls.clear()
    mt_benchmark.batch1_latency(searches, [[1], [2], [3]], block=2)
    assert calls == [(0, 1), (1, 1), (0, 1), (0, 2), (1, 1), (1, 2), (1, 3), (0, 3)]
