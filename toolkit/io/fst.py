"""OpenFst binary files (L.fst, G.fst, HCLG.fst, ...) through kaldifst: the one reader and writer."""
from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import kaldifst

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write

_FST_MAGIC = 2125659606  # OpenFst's FstHeader magic number


def write_fst(fst: kaldifst.StdFst, path: str | os.PathLike) -> None:
    """Write `fst` in OpenFst's binary format (what Kaldi's fst tools read), atomically."""
    # kaldifst writes only to a named file: serialise to a scratch file, then copy the bytes
    # through atomic_write so that `path` is never left half-written.
    with tempfile.TemporaryDirectory(prefix="fst.") as scratch:
        tmp = os.path.join(scratch, "out.fst")
        if not fst.write(tmp):
            raise ToolkitError(f"could not serialise FST for {os.fspath(path)}")
        with open(tmp, "rb") as src, atomic_write(Path(path), "wb") as dst:
            dst.write(src.read())


def _header(name: str) -> tuple[str, str] | None:
    """(fst type, arc type) from an OpenFst header, or None if the file does not start with one."""
    with open(name, "rb") as f:
        head = f.read(4)
        if len(head) < 4 or struct.unpack("<i", head)[0] != _FST_MAGIC:
            return None
        fields = []
        for _ in range(2):
            raw = f.read(4)
            if len(raw) < 4:
                return None
            (n,) = struct.unpack("<i", raw)
            if not 0 < n < 256:
                return None
            fields.append(f.read(n).decode("ascii", errors="replace"))
    return fields[0], fields[1]


def read_fst(path: str | os.PathLike) -> kaldifst.StdVectorFst:
    """Read a binary vector or const FST with standard (tropical) arcs, as a mutable VectorFst.

    Raises InputError naming the file if it is missing or not such an FST.
    """
    name = os.fspath(path)
    if not os.path.isfile(name):
        raise InputError("no such file", name)
    header = _header(name)
    if header is None:
        raise InputError("not an OpenFst binary file", name)
    fst_type, arc_type = header
    if arc_type != "standard":
        raise InputError(f"FST has {arc_type} arcs, expected standard (tropical) arcs", name)
    if fst_type == "vector":
        fst = kaldifst.StdVectorFst.read(name)
    elif fst_type == "const":
        const = kaldifst.StdConstFst.read(name)
        fst = None if const is None else kaldifst.StdVectorFst(const)
    else:
        raise InputError(f"FST type '{fst_type}' is not supported (vector or const)", name)
    if fst is None:
        raise InputError(f"could not read the {fst_type} FST", name)
    return fst
