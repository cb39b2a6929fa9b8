import numpy as np
import pytest

from toolkit.errors import InputError
from toolkit.transform.store import (
    load_global_transform,
    read_transforms,
    save_global_transform,
    write_transforms,
)


def test_speaker_transforms_round_trip_over_job_archives(tmp_path):
    rng = np.random.default_rng(0)
    t = {f"spk{i}": rng.standard_normal((3, 4)) for i in range(4)}
    write_transforms(tmp_path / "trans.1.ark", {k: t[k] for k in ("spk0", "spk1")})
    write_transforms(tmp_path / "trans.2.ark", [(k, t[k]) for k in ("spk2", "spk3")])
    back = read_transforms([tmp_path / "trans.1.ark", tmp_path / "trans.2.ark"])
    assert list(back) == list(t)
    for k, m in t.items():
        np.testing.assert_array_equal(back[k], m)
    with pytest.raises(InputError, match="appears twice"):
        read_transforms([tmp_path / "trans.1.ark", tmp_path / "trans.1.ark"])


def test_global_transform_is_a_single_entry_archive(tmp_path):
    m = np.random.default_rng(1).standard_normal((40, 92))
    save_global_transform(tmp_path / "final.mat", m)
    np.testing.assert_array_equal(load_global_transform(tmp_path / "final.mat"), m)
    write_transforms(tmp_path / "trans.ark", {"a": m, "b": m})
    with pytest.raises(InputError, match="trans.ark"):
        load_global_transform(tmp_path / "trans.ark")
