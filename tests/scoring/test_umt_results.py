import json

import pytest

from toolkit import cli
from toolkit.bin import write_umt_results
from toolkit.scoring.umt_results import select_iteration, spearman


def test_spearman_known_answers():
    assert spearman([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)  # 1 - 6 * 2 / (4 * 15)
    assert spearman([1.0], [2.0]) is None and spearman([1, 1], [1, 2]) is None


def scored(d, bleu, chrf=50.0):
    d.mkdir(parents=True, exist_ok=True)
    (d / "scores.json").write_text(json.dumps({"bleu": bleu, "chrf": chrf}))


def make_system(exp, name, test, dev=None, roundtrip=None):
    for (pair, b) in zip(("en-fr", "fr-en"), test):
        scored(exp / name / f"decode_test.{pair}", b)
    for (pair, b) in zip(("en-fr", "fr-en"), dev or ()):
        scored(exp / name / f"decode_dev.{pair}", b)
    for (lang, b) in zip(("en", "fr"), roundtrip or ()):
        scored(exp / name / f"roundtrip.{lang}", b)


def test_selection_by_round_trip_and_the_table(tmp_path):
    exp = tmp_path / "exp"
    make_system(exp, "wbw_freedict", (3.0, 4.0), (3.0, 4.0))
    make_system(exp, "umt_iter1", (5.0, 6.0), (5.0, 5.0), (20.0, 22.0))
    make_system(exp, "umt_iter2", (9.0, 8.0), (8.0, 9.0), (30.0, 28.0))
    make_system(exp, "umt_iter3", (8.0, 8.5), (9.0, 9.0), (29.0, 28.0))
    make_system(exp, "supervised", (16.0, 20.0), (15.0, 18.0), (40.0, 40.0))
    (exp / "commands.log").write_text("2026-11-28 ./run.sh\n")
    assert write_umt_results.main(["--iterations", "3", str(tmp_path), str(tmp_path / "RESULTS.md"),
                                   str(tmp_path / "results.json")]) == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert set(results) == {"wbw_freedict", "umt_iter1", "umt_iter2", "umt_iter3", "umt_final", "supervised"}
    final = results["umt_final"]
    assert final["selection"]["iteration"] == 2 and final["en-fr"]["bleu"] == 9.0
    assert final["selection"]["best_dev_iteration"] == 3 and not final["selection"]["same_choice_as_dev_bleu"]
    assert final["selection"]["spearman"] == pytest.approx(0.5)
    text = (tmp_path / "RESULTS.md").read_text()
    assert "| umt_final | 9.00 | 50.00 | 8.00 | 50.00 | 8.50 |" in text
    assert "- en-fr: umt_final 9.00 vs 2 x word-by-word 6.00: met" in text
    assert "- fr-en: umt_final 8.00 vs half of supervised 10.00: not met" in text


def test_no_iteration_scored_means_no_selection_and_an_empty_recipe_fails(tmp_path):
    assert select_iteration({}, "en", "fr") is None
    assert cli.run(write_umt_results.main, [str(tmp_path), str(tmp_path / "R.md"), str(tmp_path / "r.json")]) == 1
