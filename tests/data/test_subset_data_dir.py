"""Subsets by utterance list, speaker list, first/last N and random N keep the data directory valid."""
from __future__ import annotations

import pytest

from toolkit.data import subset
from toolkit.data.datadir import DataDir
from toolkit.data.validate import validate_data_dir
from toolkit.errors import InputError, ToolkitError

ALL = ["spk1-u1", "spk1-u2", "spk1-u3", "spk2-u1", "spk2-u2", "spk3-u1"]


def test_selections(tmp_path, write, data_dir):
    data = DataDir.read(data_dir)
    assert subset.first_utterances(data, 2) == ALL[:2]
    assert subset.last_utterances(data, 2) == ALL[-2:]
    drawn = subset.random_utterances(data, 3, seed=7)
    assert len(set(drawn)) == 3 and set(drawn) <= set(ALL)
    assert drawn == subset.random_utterances(data, 3, seed=7)
    assert {tuple(sorted(subset.random_utterances(data, 3, seed=s))) for s in range(20)} != {tuple(sorted(drawn))}
    write(tmp_path, {"spk.list": ["spk3", "spk1 anything", "nobody"], "utt.list": ["spk2-u2", "", "spk9-u9"]})
    assert subset.utterances_of_speakers(data, subset.read_id_list(tmp_path / "spk.list"), "spk.list") == [
        "spk3-u1", "spk1-u1", "spk1-u2", "spk1-u3"]
    assert subset.listed_utterances(data, subset.read_id_list(tmp_path / "utt.list"), "utt.list") == ["spk2-u2"]


def test_selection_errors(data_dir):
    data = DataDir.read(data_dir)
    with pytest.raises(ToolkitError, match="cannot take 7 utterances .* only 6"):
        subset.first_utterances(data, 7)
    with pytest.raises(ToolkitError, match="at least 1"):
        subset.random_utterances(data, 0, seed=0)
    with pytest.raises(InputError, match="list: none of the 2 speaker id"):
        subset.utterances_of_speakers(data, ["x", "y"], "list")


def test_subset_is_a_valid_data_directory(tmp_path, data_dir):
    data = DataDir.read(data_dir)
    sub = data.select_utterances(subset.last_utterances(data, 3))
    sub.write(tmp_path / "sub")
    assert validate_data_dir(tmp_path / "sub", no_feats=True) == []
    assert DataDir.read(tmp_path / "sub").speakers == ["spk2", "spk3"]
    for name, table in sub.tables.items():
        assert table.items() <= data.tables[name].items()
    assert sub.tables["spk2gender"] == {"spk2": "f", "spk3": "m"}
