import json
import os
import shutil

import pytest

from toolkit import cli
from toolkit.bin import apertium_translate


def fake_apertium(tmp_path, monkeypatch, script):
    """An `apertium` on PATH that runs `script` (a shell pipeline over stdin)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "apertium"
    exe.write_text(f"#!/bin/sh\n{script}\n")
    exe.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")


def test_each_line_comes_back_in_order(tmp_path, monkeypatch):
    fake_apertium(tmp_path, monkeypatch, "tr a-z A-Z")
    src = tmp_path / "in.en"
    src.write_text("the cat\nis on\nthe table.\n", encoding="utf-8")
    out = tmp_path / "out.es"
    assert apertium_translate.main(["--timing", str(tmp_path / "t.json"), str(src), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "THE CAT\nIS ON\nTHE TABLE.\n"
    assert json.loads((tmp_path / "t.json").read_text())["sentences"] == 3


def test_a_lost_paragraph_and_a_missing_tool_are_errors(tmp_path, monkeypatch, capsys):
    src = tmp_path / "in.en"
    src.write_text("one\ntwo\n", encoding="utf-8")
    fake_apertium(tmp_path, monkeypatch, "head -n 2")  # drops the second paragraph
    assert cli.run(apertium_translate.main, [str(src), str(tmp_path / "o")]) == 1
    assert "1 paragraphs for the 2 lines" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert cli.run(apertium_translate.main, [str(src), str(tmp_path / "o")]) == 1
    assert "apertium is not installed" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium is not installed")
def test_real_apertium_keeps_lines_apart(tmp_path):
    src = tmp_path / "in.en"
    src.write_text("Creating Controls in the Dialog Editor\nClick a tool on the toolbar.\n", encoding="utf-8")
    assert apertium_translate.main([str(src), str(tmp_path / "out.es")]) == 0
    first, second = (tmp_path / "out.es").read_text(encoding="utf-8").splitlines()
    assert "Editor" in first and "Clic" in second  # without blank lines apertium moves words across them
