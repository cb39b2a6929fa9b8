"""Tagged .npz files: round trip, and every kind of wrong file named in the error."""
import numpy as np
import pytest

from toolkit.errors import InputError
from toolkit.io.npz import load_npz, save_npz


def test_round_trip_and_wrong_files(tmp_path):
    p = tmp_path / "a.acc"
    save_npz(p, "stats", {"x": np.arange(3), "y": np.array(2.5)}, version=2)
    got = load_npz(p, "stats", "test statistics", version=2)
    assert sorted(got) == ["x", "y"] and got["x"].tolist() == [0, 1, 2] and float(got["y"]) == 2.5
    with pytest.raises(InputError, match=rf"{p}: not a model file \(format 'stats'\)"):
        load_npz(p, "model", "model")
    with pytest.raises(InputError, match=rf"{p}: test statistics format version 2 is not 3"):
        load_npz(p, "stats", "test statistics", version=3)
    with pytest.raises(InputError, match="no such file"):
        load_npz(tmp_path / "missing", "stats", "test statistics")
    (tmp_path / "junk").write_bytes(b"not a zip")
    with pytest.raises(InputError, match=r"junk: not a valid test statistics file"):
        load_npz(tmp_path / "junk", "stats", "test statistics")
    np.savez(tmp_path / "untagged.npz", x=np.zeros(1))
    with pytest.raises(InputError, match=r"not a test statistics file \(format none\)"):
        load_npz(tmp_path / "untagged.npz", "stats", "test statistics")
