"""Kaldi binary archives (ark) and their scp indexes, read and written through kaldi-io.

This is the only module that touches ark bytes. Matrices (features, CMVN statistics,
log-likelihoods), float vectors and int vectors (alignments, pdf targets) are supported.
Writers produce the ark under a temporary name and rename it, then write the scp, so a
failed or interrupted step never leaves a truncated archive behind. scp lines point at
`ARK:OFFSET`, the byte just after `key `, exactly as Kaldi's `ark,scp:` writers do.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

# kaldi-io prints a banner on import unless KALDI_ROOT names an existing directory;
# path.sh sets it, this covers library use outside the recipes.
if not os.path.isdir(os.environ.get("KALDI_ROOT", "")):
    os.environ["KALDI_ROOT"] = str(Path(__file__).resolve().parents[2])
import kaldi_io  # noqa: E402

from toolkit.errors import InputError  # noqa: E402
from toolkit.io.atomic import atomic_write  # noqa: E402
from toolkit.io.table import read_table  # noqa: E402


class ArchiveWriter:
    """Writes `key -> object` entries to ARK (and optionally SCP), atomically, in call order.

    Use as a context manager; `write(key, obj)` appends one entry. Nothing appears at the
    final paths unless the block completes.
    """

    def __init__(self, ark: str | os.PathLike, scp: str | os.PathLike | None, write_one: Callable):
        self.ark = Path(ark)
        self.scp = None if scp is None else Path(scp)
        self._write_one = write_one
        self._index: list[tuple[str, int]] = []
        self._keys: set[str] = set()

    def __enter__(self) -> "ArchiveWriter":
        self.ark.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.ark.name}.", suffix=".tmp", dir=self.ark.parent)
        self._f = os.fdopen(fd, "wb")
        return self

    def write(self, key: str, obj: np.ndarray) -> None:
        if not key or any(c.isspace() for c in key):
            raise InputError(f"archive key {key!r} is empty or contains white space", self.ark)
        if key in self._keys:
            raise InputError(f"key '{key}' written twice", self.ark)
        self._keys.add(key)
        offset = self._f.tell() + len(key.encode("latin1")) + 1
        self._write_one(self._f, obj, key=key)
        self._index.append((key, offset))

    def __exit__(self, exc_type, exc, tb) -> None:
        self._f.close()
        if exc_type is not None:
            os.unlink(self._tmp)
            return
        os.chmod(self._tmp, 0o644)
        os.replace(self._tmp, self.ark)
        if self.scp is not None:
            with atomic_write(self.scp) as f:
                for key, offset in self._index:
                    f.write(f"{key} {self.ark}:{offset}\n")


def matrix_writer(ark: str | os.PathLike, scp: str | os.PathLike | None = None) -> ArchiveWriter:
    """Writer of float matrices `(rows, cols)`; float32 stays float32, float64 stays float64."""

    def write(f, m: np.ndarray, key: str) -> None:
        m = np.asarray(m)
        if m.ndim != 2:
            raise InputError(f"entry '{key}': expected a 2-D matrix, got shape {m.shape}", ark)
        if m.dtype not in (np.float32, np.float64):
            m = m.astype(np.float32)
        kaldi_io.write_mat(f, np.ascontiguousarray(m), key=key)

    return ArchiveWriter(ark, scp, write)


def vector_writer(ark: str | os.PathLike, scp: str | os.PathLike | None = None) -> ArchiveWriter:
    """Writer of float vectors `(n,)` (float32 or float64)."""

    def write(f, v: np.ndarray, key: str) -> None:
        v = np.asarray(v)
        if v.ndim != 1:
            raise InputError(f"entry '{key}': expected a vector, got shape {v.shape}", ark)
        if v.dtype not in (np.float32, np.float64):
            v = v.astype(np.float32)
        kaldi_io.write_vec_flt(f, v, key=key)

    return ArchiveWriter(ark, scp, write)


# Kaldi's binary int32 vector: "\0B", then (size byte 4, int32) for the length and for every element.
_INT_ENTRY = np.dtype([("size", "i1"), ("value", "<i4")])


def int_vector_writer(ark: str | os.PathLike, scp: str | os.PathLike | None = None) -> ArchiveWriter:
    """Writer of int32 vectors `(n,)`: alignments (transition-ids), pdf targets, word ids.

    The bytes are exactly kaldi-io's write_vec_int's (the tests read them back with
    kaldi-io), built with one numpy call per vector instead of a Python loop per element:
    writing alignments was a tenth of an alignment pass.
    """

    def write(f, v: np.ndarray, key: str) -> None:
        v = np.asarray(v)
        if v.ndim != 1 or not np.issubdtype(v.dtype, np.integer):
            raise InputError(f"entry '{key}': expected an integer vector, got {v.dtype} {v.shape}", ark)
        entries = np.empty(len(v) + 1, dtype=_INT_ENTRY)
        entries["size"] = 4
        entries["value"][0] = len(v)
        entries["value"][1:] = v
        f.write(key.encode("latin1") + b" \0B" + entries.tobytes())

    return ArchiveWriter(ark, scp, write)


def write_matrices(ark: str | os.PathLike, scp: str | os.PathLike | None, items: Iterable[tuple[str, np.ndarray]]) -> None:
    """Write all `(key, matrix)` pairs to ARK (+ SCP) atomically."""
    with matrix_writer(ark, scp) as w:
        for key, m in items:
            w.write(key, m)


def write_int_vectors(ark: str | os.PathLike, items: Iterable[tuple[str, np.ndarray]]) -> None:
    """Write all `(key, int vector)` pairs to ARK atomically."""
    with int_vector_writer(ark) as w:
        for key, v in items:
            w.write(key, v)


def _reading(what: str, source: str, gen: Iterator) -> Iterator:
    """Re-raise kaldi-io's errors on malformed input as InputError naming the source."""
    key = None
    try:
        for key, value in gen:
            yield key, value
    except FileNotFoundError:
        raise InputError("no such file", source) from None
    except (AssertionError, ValueError, EOFError, kaldi_io.UnknownMatrixHeader, kaldi_io.UnknownVectorHeader,
            kaldi_io.BadSampleSize, UnicodeDecodeError) as e:
        after = f" after key '{key}'" if key is not None else ""
        raise InputError(f"malformed {what} archive{after} ({type(e).__name__}: {e})", source) from None


def read_matrices(ark: str | os.PathLike) -> Iterator[tuple[str, np.ndarray]]:
    """Iterate `(key, matrix)` over an ark (plain, .gz, or `cmd |`)."""
    return _reading("matrix", os.fspath(ark), kaldi_io.read_mat_ark(os.fspath(ark)))


def read_vectors(ark: str | os.PathLike) -> Iterator[tuple[str, np.ndarray]]:
    """Iterate `(key, float vector)` over an ark."""
    return _reading("vector", os.fspath(ark), kaldi_io.read_vec_flt_ark(os.fspath(ark)))


def read_int_vectors(ark: str | os.PathLike) -> Iterator[tuple[str, np.ndarray]]:
    """Iterate `(key, int32 vector)` over an ark (alignments, targets)."""
    return _reading("int-vector", os.fspath(ark), kaldi_io.read_vec_int_ark(os.fspath(ark)))


class MatrixScp:
    """Random access to the matrices an scp file indexes: `scp[key]` -> `(rows, cols)` array.

    Keys keep the scp's order. Entries are loaded on demand from `ARK:OFFSET`.
    """

    def __init__(self, scp: str | os.PathLike):
        self.path = os.fspath(scp)
        self._where = read_table(self.path)
        for key, where in self._where.items():
            if not where:
                raise InputError(f"entry '{key}' has no location", self.path)

    def __len__(self) -> int:
        return len(self._where)

    def __contains__(self, key: str) -> bool:
        return key in self._where

    def keys(self) -> list[str]:
        return list(self._where)

    def __getitem__(self, key: str) -> np.ndarray:
        where = self._where[key]
        try:
            return kaldi_io.read_mat(where)
        except FileNotFoundError:
            raise InputError(f"entry '{key}': archive not found ({where})", self.path) from None
        except (AssertionError, ValueError, EOFError, kaldi_io.UnknownMatrixHeader, UnicodeDecodeError) as e:
            raise InputError(f"entry '{key}': cannot read a matrix at {where} ({e})", self.path) from None

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        for key in self._where:
            yield key, self[key]

    def archives(self) -> list[str]:
        """The distinct files the entries point into (`ARK` of `ARK:OFFSET`), sorted."""
        files = set()
        for where in self._where.values():
            path, sep, offset = where.rpartition(":")
            files.add(path if sep and offset.isdigit() else where)
        return sorted(files)
