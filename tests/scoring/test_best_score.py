import json

from toolkit import cli
from toolkit.bin import best_score


def test_best_and_lowest_with_ties_to_the_earlier_file(tmp_path, capsys):
    files = []
    for name, bleu, wer in (("a", 10.0, 5.0), ("b", 12.5, 7.0), ("c", 12.5, 5.0)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"bleu": bleu, "wer": wer}))
        files.append(str(path))
    assert best_score.main(files) == 0
    assert capsys.readouterr().out.strip() == files[1]
    assert best_score.main(["--key", "wer", "--lowest", *files]) == 0
    assert capsys.readouterr().out.strip() == files[0]


def test_bad_files_are_named(tmp_path, capsys):
    (tmp_path / "x.json").write_text('{"chrf": 3}')
    assert cli.run(best_score.main, [str(tmp_path / "x.json")]) == 1
    assert "x.json: no number under 'bleu'" in capsys.readouterr().err
    assert cli.run(best_score.main, [str(tmp_path / "missing.json")]) == 1
    assert "missing.json: no such file" in capsys.readouterr().err
