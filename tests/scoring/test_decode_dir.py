"""Scoring a decode directory over its grid: best setting on dev, a fixed setting on test, results files."""
import json

import pytest

from toolkit import cli
from toolkit.bin import chosen_setting as chosen_setting_step
from toolkit.errors import InputError
from toolkit.scoring.decode_dir import Setting, chosen_setting, score_decode_dir
from toolkit.scoring.results import collect_results, write_results


def _decode_dir(root, hyps_by_setting, jobs=(("u1", "u2"), ("u3",))):
    """hyps_by_setting: {"10_0": {utt: words}}; each job directory gets its utterances."""
    for j, utts in enumerate(jobs, start=1):
        job = root / f"hyp.{j}"
        job.mkdir(parents=True)
        for name, hyps in hyps_by_setting.items():
            (job / f"{name}.txt").write_text("".join(f"{u} {hyps.get(u, '')}\n" for u in utts))
        (job / "timing.json").write_text(json.dumps({"utterances": len(utts), "audio_seconds": 10.0 * len(utts),
                                                     "decode_seconds": 0.1 * len(utts)}))
    return root


@pytest.fixture
def ref(tmp_path):
    p = tmp_path / "text"
    p.write_text("u1 one two three\nu2 four five\nu3 six\n")
    return p


def test_best_setting_and_files(tmp_path, ref, capsys):
    d = _decode_dir(tmp_path / "exp/mono/decode_dev", {
        "7_0": {"u1": "one two", "u2": "four five", "u3": "six six"},       # 1 del + 1 ins
        "10_0": {"u1": "one two three", "u2": "four nine", "u3": "six"},   # 1 sub
        "10_0.5": {"u1": "one two three", "u2": "four five", "u3": "six"},  # perfect
    })
    setting, stats = score_decode_dir(d, ref)
    assert setting == Setting(10.0, 0.5) and stats.errors == 0
    assert (d / "wer_7_0").read_text().splitlines()[0] == "%WER 33.33 [ 2 / 6, 1 ins, 1 del, 0 sub ]"
    assert (d / "best_wer").read_text().startswith("%WER 0.00 [ 0 / 6, 0 ins, 0 del, 0 sub ]")
    summary = json.loads((d / "scoring.json").read_text())
    assert summary["lmwt"] == 10 and summary["penalty"] == 0.5 and summary["settings"] == ["7_0", "10_0", "10_0.5"]
    assert chosen_setting(d) == Setting(10.0, 0.5)
    # decode.sh reads it this way to decode a test set at that one setting: the names must match
    assert cli.run(chosen_setting_step.main, [str(d)]) == 0
    lmwt, penalty = capsys.readouterr().out.split()
    assert Setting(float(lmwt), float(penalty)).name == "10_0.5"
    assert cli.run(chosen_setting_step.main, [str(tmp_path / "nowhere")]) == 1

    # A test set is scored once, at the dev setting, even if another would be better on test.
    t = _decode_dir(tmp_path / "exp/mono/decode_test", {
        "7_0": {"u1": "one two three", "u2": "four five", "u3": "six"},
        "10_0.5": {"u1": "one", "u2": "four five", "u3": "six"},
    })
    setting, stats = score_decode_dir(t, ref, [chosen_setting(d)])
    assert setting == Setting(10.0, 0.5) and (stats.errors, stats.csid[3]) == (2, 2)
    assert not (t / "wer_7_0").exists()

    # The first pass of a two-pass decoding (decode_dev.si) is reported as a system of its own.
    si = _decode_dir(tmp_path / "exp/mono/decode_dev.si", {"7_0": {"u1": "one two", "u2": "four five", "u3": "six"}})
    score_decode_dir(si, ref)
    results = collect_results(tmp_path / "exp")
    assert list(results) == ["mono", "mono.si"] and list(results["mono.si"]) == ["dev"]
    assert results["mono.si"]["dev"]["wer"] == 16.67
    del results["mono.si"]
    assert results["mono"]["dev"]["wer"] == 0.0 and results["mono"]["test"]["wer"] == 33.33
    assert results["mono"]["test"]["rtf"] == pytest.approx(0.01)
    write_results([("corpus A", results, ["2026-11-27 10:00:00 ./run.sh"])], tmp_path / "RESULTS.md", "T", "./run.sh",
                  ["dev", "test"], notes="## Notes\nmono is the only system.\n")
    text = (tmp_path / "RESULTS.md").read_text()
    assert text.endswith("```\n\n## Notes\nmono is the only system.\n")
    assert "| mono | 0.00 | 33.33 | 10, 0.5 |  | 0.0100 |" in text
    assert f"%WER 33.33 [ 2 / 6, 0 ins, 2 del, 0 sub ] {tmp_path}/exp/mono/decode_test\n" in text
    assert "2026-11-27 10:00:00 ./run.sh\n" in text


def test_bad_decode_dirs(tmp_path, ref):
    with pytest.raises(InputError, match="has it been decoded"):
        score_decode_dir(tmp_path, ref)
    d = _decode_dir(tmp_path / "a", {"7_0": {}, "8_0": {}})
    (d / "hyp.2" / "8_0.txt").unlink()
    with pytest.raises(InputError, match="8_0 are missing from some of the 2 jobs"):
        score_decode_dir(d, ref)
    d = _decode_dir(tmp_path / "b", {"7_0": {}}, jobs=(("u1",), ("u1", "u2")))
    with pytest.raises(InputError, match="'u1' was decoded by more than one job"):
        score_decode_dir(d, ref)
    d = _decode_dir(tmp_path / "c", {"7_0": {}})
    with pytest.raises(InputError, match="not decoded at setting"):
        score_decode_dir(d, ref, [Setting(9.0, 0.0)])
    with pytest.raises(InputError, match="not scored yet"):
        chosen_setting(d)
