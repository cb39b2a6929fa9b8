"""Kaldi archives: round trips, scp offsets checked against the raw bytes, atomicity, errors."""
import struct

import numpy as np
import pytest

from toolkit.errors import InputError
from toolkit.io import archive


def _matrices(rng):
    return [("utt1", rng.standard_normal((5, 3)).astype(np.float32)),
            ("utt2", rng.standard_normal((1, 3)).astype(np.float32)),
            ("utt3", rng.standard_normal((7, 2)))]  # float64 stays double


def test_matrix_round_trip_and_scp_offsets(tmp_path):
    mats = _matrices(np.random.default_rng(0))
    ark, scp = tmp_path / "feats.ark", tmp_path / "feats.scp"
    archive.write_matrices(ark, scp, mats)

    got = list(archive.read_matrices(ark))
    assert [k for k, _ in got] == [k for k, _ in mats]
    for (_, a), (_, b) in zip(got, mats):
        assert a.dtype == b.dtype and np.array_equal(a, b)

    # Each scp offset must land on Kaldi's binary header of that entry: "\0B" then FM/DM,
    # then the row and column counts as (size byte, int32) pairs.
    raw = ark.read_bytes()
    lines = scp.read_text().splitlines()
    for line, (key, m) in zip(lines, mats):
        k, where = line.split()
        path, offset = where.rsplit(":", 1)
        assert k == key and path == str(ark)
        off = int(offset)
        assert raw[off - len(key) - 1:off] == (key + " ").encode()
        assert raw[off:off + 2] == b"\0B"
        assert raw[off + 2:off + 5] == (b"FM " if m.dtype == np.float32 else b"DM ")
        rows = struct.unpack("<i", raw[off + 6:off + 10])[0]
        cols = struct.unpack("<i", raw[off + 11:off + 15])[0]
        assert (rows, cols) == m.shape

    table = archive.MatrixScp(scp)
    assert table.keys() == ["utt1", "utt2", "utt3"] and len(table) == 3 and "utt2" in table
    np.testing.assert_array_equal(table["utt3"], mats[2][1])


def test_int_and_float_vectors_round_trip(tmp_path):
    ali = [("a", np.array([1, 2, 2, 3], dtype=np.int64)), ("b", np.array([], dtype=np.int32))]
    archive.write_int_vectors(tmp_path / "ali.ark", ali)
    got = dict(archive.read_int_vectors(tmp_path / "ali.ark"))
    assert got["a"].dtype == np.int32 and got["a"].tolist() == [1, 2, 2, 3] and got["b"].size == 0

    with archive.vector_writer(tmp_path / "v.ark") as w:
        w.write("p", np.array([0.25, 0.75], dtype=np.float32))
    (key, v), = archive.read_vectors(tmp_path / "v.ark")
    assert key == "p" and v.tolist() == [0.25, 0.75]


def test_failed_write_leaves_no_archive(tmp_path):
    ark, scp = tmp_path / "x.ark", tmp_path / "x.scp"
    with pytest.raises(RuntimeError):
        with archive.matrix_writer(ark, scp) as w:
            w.write("u1", np.zeros((2, 2), np.float32))
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_bad_entries_are_reported(tmp_path):
    with pytest.raises(InputError, match="written twice"):
        with archive.matrix_writer(tmp_path / "d.ark") as w:
            w.write("u1", np.zeros((1, 1), np.float32))
            w.write("u1", np.zeros((1, 1), np.float32))
    with pytest.raises(InputError, match="white space"):
        with archive.matrix_writer(tmp_path / "e.ark") as w:
            w.write("u 1", np.zeros((1, 1), np.float32))
    with pytest.raises(InputError, match="2-D"):
        archive.write_matrices(tmp_path / "f.ark", None, [("u", np.zeros(3, np.float32))])

    bad = tmp_path / "bad.ark"
    bad.write_bytes(b"utt1 \0BXM garbage")
    with pytest.raises(InputError, match=str(bad)):
        list(archive.read_matrices(bad))
    with pytest.raises(InputError, match="no such file"):
        list(archive.read_matrices(tmp_path / "missing.ark"))


def test_int_vectors_have_kaldi_io_bytes(tmp_path):
    """The fast int-vector writer produces byte for byte what kaldi-io's own writer does."""
    import kaldi_io

    items = [("a", np.array([5, -1, 70000], dtype=np.int32)), ("b", np.array([], dtype=np.int32))]
    archive.write_int_vectors(tmp_path / "fast.ark", items)
    with open(tmp_path / "ref.ark", "wb") as f:
        for key, v in items:
            kaldi_io.write_vec_int(f, v, key=key)
    assert (tmp_path / "fast.ark").read_bytes() == (tmp_path / "ref.ark").read_bytes()
