"""Kaldi archives of FSTs (training graphs: `key` + binary VectorFst per entry), through kaldifst's table code.

What compile-train-graphs writes and gmm-align-compiled / align-equal-compiled read.
Writing goes to a scratch file which is then copied through atomic_write, so that a failed
step leaves no truncated archive. kaldifst's public reader wrappers print spurious errors
from their destructor when opening fails, so the bound reader class is used directly.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

import kaldifst
from kaldifst.lib._kaldifst import _SequentialVectorFstReader

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write


def write_fst_archive(ark: str | os.PathLike, items: Iterable[tuple[str, kaldifst.StdFst]]) -> int:
    """Write `(key, fst)` pairs to the archive file `ark` atomically; returns the number written."""
    ark = Path(ark)
    count = 0
    seen: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="fsts.") as scratch:
        tmp = os.path.join(scratch, "out.ark")
        writer = kaldifst.VectorFstWriter(f"ark:{tmp}")
        try:
            for key, fst in items:
                if not key or any(c.isspace() for c in key):
                    raise InputError(f"archive key {key!r} is empty or contains white space", ark)
                if key in seen:
                    raise InputError(f"key '{key}' written twice", ark)
                seen.add(key)
                writer.write(key, fst if isinstance(fst, kaldifst.StdVectorFst) else kaldifst.StdVectorFst(fst))
                count += 1
        finally:
            writer.close()
        with open(tmp, "rb") as src, atomic_write(ark, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    return count


def read_fst_archive(ark: str | os.PathLike) -> Iterator[tuple[str, kaldifst.StdVectorFst]]:
    """Iterate `(key, fst)` over an FST archive file; InputError naming it if missing or malformed."""
    name = os.fspath(ark)
    if not os.path.isfile(name):
        raise InputError("no such file", name)
    try:
        reader = _SequentialVectorFstReader(f"ark:{name}")
    except RuntimeError:
        raise InputError("not a Kaldi archive of FSTs", name) from None
    key = None
    try:
        while not reader.done:
            key = reader.key
            yield key, reader.value.copy()  # the reader reuses its object on next()
            reader.next()
    except RuntimeError:
        after = f" after key '{key}'" if key is not None else ""
        raise InputError(f"malformed FST archive{after}", name) from None
    finally:
        reader.close()
