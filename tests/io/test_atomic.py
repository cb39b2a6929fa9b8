"""Atomic outputs: complete or absent, never half-written; usual permissions."""
import os
import stat

import pytest

from toolkit.io.atomic import atomic_dir, atomic_write


def _mode(p):
    return stat.S_IMODE(os.stat(p).st_mode)


def test_atomic_write_replaces_only_on_success(tmp_path):
    p = tmp_path / "out.txt"
    p.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_write(p) as f:
            f.write("half")
            raise RuntimeError
    assert p.read_text() == "old\n" and os.listdir(tmp_path) == ["out.txt"]
    with atomic_write(p) as f:
        f.write("new\n")
    assert p.read_text() == "new\n" and _mode(p) == 0o666 & ~_umask()


def test_atomic_dir_replaces_only_on_success(tmp_path):
    d = tmp_path / "data"
    d.mkdir()
    (d / "old").write_text("x")
    with pytest.raises(RuntimeError):
        with atomic_dir(d) as tmp:
            (tmp / "new").write_text("y")
            raise RuntimeError
    assert sorted(os.listdir(tmp_path)) == ["data"] and os.listdir(d) == ["old"]
    with atomic_dir(d) as tmp:
        (tmp / "new").write_text("y")
    assert sorted(os.listdir(tmp_path)) == ["data"] and os.listdir(d) == ["new"]
    assert _mode(d) == 0o777 & ~_umask()


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m
