"""Tagged torch files: round trip, and every kind of wrong file named in the error."""
import pytest
import torch

from toolkit.errors import InputError
from toolkit.io.torch_file import load_torch_file, save_torch_file


def test_round_trip_keeps_tensors_and_values(tmp_path):
    save_torch_file(tmp_path / "a.pt", "toolkit-x", 2, {"w": torch.arange(6.0).reshape(2, 3), "cfg": {"n": 3}})
    blob = load_torch_file(tmp_path / "a.pt", "toolkit-x", 2, "x")
    assert torch.equal(blob["w"], torch.arange(6.0).reshape(2, 3)) and blob["cfg"] == {"n": 3}


def test_wrong_files_are_refused_by_name(tmp_path):
    with pytest.raises(InputError, match="missing.pt: no such x file"):
        load_torch_file(tmp_path / "missing.pt", "toolkit-x", 1, "x")
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(InputError, match="junk.pt: not a x file"):
        load_torch_file(tmp_path / "junk.pt", "toolkit-x", 1, "x")
    save_torch_file(tmp_path / "other.pt", "toolkit-y", 1, {})
    with pytest.raises(InputError, match="no 'toolkit-x' tag"):
        load_torch_file(tmp_path / "other.pt", "toolkit-x", 1, "x")
    save_torch_file(tmp_path / "old.pt", "toolkit-x", 1, {})
    with pytest.raises(InputError, match="x file version 1, this toolkit reads 2"):
        load_torch_file(tmp_path / "old.pt", "toolkit-x", 2, "x")
