"""FSTs (tropical arcs) and Kaldi lattices (kaldifst.Lattice) as numpy arrays, through OpenFst's binary format.

kaldifst gives Python no fast access to arcs (one object per arc through an iterator, and
no mutable iterator), so the graph passes it lacks (self-loops, symbol removal) work on
arrays: an FST is serialised by OpenFst and the bytes are decoded with numpy, and arrays are
encoded in the same format and read back. Both directions cost about a microsecond per state
plus vectorised work per arc. Label and weight edits that keep the structure (dense
transition ids for alignment, word insertion penalties on lattices) patch the serialised
bytes in place instead.

VectorFst binary layout: FstHeader (magic, "vector", arc type, version 2, flags,
properties, start, num_states, num_arcs (not maintained by the writer)), then per state its
final weight, its number of arcs (int64) and the arcs: ilabel int32, olabel int32, weight,
nextstate int32. A tropical weight is one float32, a lattice weight two (graph, acoustic).
"""
from __future__ import annotations

import atexit
import os
import shutil
import struct
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import kaldifst
import numpy as np

from toolkit.errors import ToolkitError

_MAGIC = 2125659606
_STD_ARC = np.dtype([("ilabel", "<i4"), ("olabel", "<i4"), ("weight", "<f4"), ("nextstate", "<i4")])
_LAT_ARC = np.dtype([("ilabel", "<i4"), ("olabel", "<i4"), ("graph", "<f4"), ("acoustic", "<f4"),
                     ("nextstate", "<i4")])
_HAS_SYMBOLS = 0x3
_CONST_STATE_BYTES = 20  # ConstFst state: final weight (float32), first arc, arcs, input and output epsilons (uint32)
_EXPANDED_MUTABLE = 0x3  # OpenFst's kExpanded | kMutable; every other property left unknown


@dataclass
class FstArrays:
    """Arcs of an FST grouped by source state in state order (each state's arcs in the FST's order).

    `src, ilabel, olabel, dst` (num_arcs,) int64, `weight` (num_arcs,) float64 (tropical
    costs), `final` (num_states,) float64 with inf for non-final states, `start` (-1 if none).
    """

    start: int
    src: np.ndarray
    ilabel: np.ndarray
    olabel: np.ndarray
    weight: np.ndarray
    dst: np.ndarray
    final: np.ndarray

    @property
    def num_states(self) -> int:
        return self.final.shape[0]

    @property
    def num_arcs(self) -> int:
        return self.src.shape[0]


@dataclass
class LatticeArrays:
    """A lattice's arcs grouped by source state in state order.

    `src, dst, ilabel, olabel` (num_arcs,) int64; `graph, acoustic` (num_arcs,) float64;
    `final_graph, final_acoustic` (num_states,) float64 (inf where a state is not final);
    `start` (-1 for an empty lattice).
    """

    start: int
    src: np.ndarray
    dst: np.ndarray
    ilabel: np.ndarray
    olabel: np.ndarray
    graph: np.ndarray
    acoustic: np.ndarray
    final_graph: np.ndarray
    final_acoustic: np.ndarray

    @property
    def num_states(self) -> int:
        return self.final_graph.shape[0]


class _Scratch:
    """A scratch file for serialised FSTs (kaldifst reads and writes named files only): an in-memory
    file (memfd) on Linux, else a file in a private temporary directory. One per thread."""

    def __init__(self):
        if hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd"):
            self.fd = os.memfd_create("fst_arrays")
            self.path = f"/proc/self/fd/{self.fd}"
        else:
            directory = tempfile.mkdtemp(prefix="fst_arrays.")
            atexit.register(shutil.rmtree, directory, True)
            self.path = os.path.join(directory, "fst")
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def read(self) -> bytes:
        return os.pread(self.fd, os.fstat(self.fd).st_size, 0)

    def write(self, data: bytes) -> None:
        os.ftruncate(self.fd, 0)
        os.pwrite(self.fd, data, 0)


_local = threading.local()


def _scratch() -> _Scratch:
    if not hasattr(_local, "scratch"):
        _local.scratch = _Scratch()
    return _local.scratch


def _serialise(fst) -> bytes:
    scratch = _scratch()
    if not fst.write(scratch.path):
        raise ToolkitError("could not serialise an FST")
    return scratch.read()


def _string(buf: bytes, pos: int) -> tuple[str, int]:
    (n,) = struct.unpack_from("<i", buf, pos)
    return buf[pos + 4:pos + 4 + n].decode("ascii", "replace"), pos + 4 + n


@dataclass
class _Header:
    """OpenFst's FstHeader: `properties_at` is the byte offset of its properties field, `end` that of the
    first byte after it."""

    version: int
    start: int
    num_states: int
    num_arcs: int
    properties_at: int
    end: int


_HEADER_TAIL = struct.Struct("<iiQqqq")  # version, flags, properties, start, num_states, num_arcs


def _header(buf: bytes, fst_type: str, arc_type: str) -> _Header:
    """The header of a serialised FST of `fst_type` ("vector", "const") and `arc_type`; ToolkitError otherwise."""
    (magic,) = struct.unpack_from("<i", buf, 0)
    got_fst_type, pos = _string(buf, 4)
    got_arc_type, pos = _string(buf, pos)
    if magic != _MAGIC or got_fst_type != fst_type or got_arc_type != arc_type:
        raise ToolkitError(f"unexpected FST serialisation ({got_fst_type}, {got_arc_type}), "
                           f"expected ({fst_type}, {arc_type})")
    version, flags, _props, start, num_states, num_arcs = _HEADER_TAIL.unpack_from(buf, pos)
    if flags & _HAS_SYMBOLS:
        raise ToolkitError("FSTs with symbol tables are not supported")
    return _Header(version, start, num_states, num_arcs, pos + 8, pos + _HEADER_TAIL.size)


def _decode(buf: bytes, arc_type: str, final_format: str, arc_dtype: np.dtype):
    """(start, finals (num_states, k) float32, src (num_arcs,), arcs structured (num_arcs,),
    offsets (num_arcs,): the byte offset of each arc's record in `buf`) of a serialised VectorFst."""
    header = _header(buf, "vector", arc_type)
    start, num_states, pos = header.start, header.num_states, header.end
    state = struct.Struct("<" + final_format + "q")
    width = len(final_format)
    finals = np.empty((num_states, width), dtype=np.float32)
    first_arc = np.empty(num_states, dtype=np.int64)  # byte offset of each state's first arc
    counts = np.empty(num_states, dtype=np.int64)
    unpack, size, arc_size = state.unpack_from, state.size, arc_dtype.itemsize
    for s in range(num_states):
        *final, n = unpack(buf, pos)
        finals[s] = final
        first_arc[s] = pos + size
        counts[s] = n
        pos += size + arc_size * n
    if pos != len(buf):
        raise ToolkitError("FST serialisation has an unexpected length")
    num_arcs = int(counts.sum())
    src = np.repeat(np.arange(num_states, dtype=np.int64), counts)
    within = np.arange(num_arcs, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    offsets = np.repeat(first_arc, counts) + arc_size * within
    raw = np.frombuffer(buf, dtype=np.uint8)
    arcs = raw[offsets[:, None] + np.arange(arc_size)].copy().view(arc_dtype).reshape(-1)
    return int(start), finals, src, arcs, offsets


def fst_to_arrays(fst: kaldifst.StdFst) -> FstArrays:
    """Every arc and final weight of `fst` (vector or const), exactly."""
    if not isinstance(fst, kaldifst.StdVectorFst):
        fst = kaldifst.StdVectorFst(fst)
    start, finals, src, arcs, _ = _decode(_serialise(fst), "standard", "f", _STD_ARC)
    return FstArrays(start, src, arcs["ilabel"].astype(np.int64), arcs["olabel"].astype(np.int64),
                     arcs["weight"].astype(np.float64), arcs["nextstate"].astype(np.int64),
                     finals[:, 0].astype(np.float64))


def renumber_input_labels(fst: kaldifst.StdFst) -> tuple[kaldifst.StdConstFst, np.ndarray]:
    """(graph, labels): `fst` as a ConstFst whose non-zero input labels are renumbered 1..K in
    increasing order; `labels` (K,) int64 holds the original label of each new label k + 1.

    The map is increasing and keeps 0 (epsilon), so the FST's stored properties (sortedness,
    determinism, epsilons) stay true. ConstFst's arcs are one contiguous array in its binary
    format (states: final weight and four uint32 each, then the arcs), so the labels are
    rewritten in one vectorised step: several times faster than a round trip through arrays.
    """
    buf = bytearray(_serialise(kaldifst.StdConstFst(fst)))
    header = _header(buf, "const", "standard")
    # Version 2 is OpenFst's unaligned ConstFst layout (version 1 pads sections to 16 bytes).
    if header.version != 2:
        raise ToolkitError(f"unexpected ConstFst serialisation (version {header.version})")
    num_arcs = header.num_arcs
    arcs_at = header.end + _CONST_STATE_BYTES * header.num_states
    if arcs_at + _STD_ARC.itemsize * num_arcs != len(buf):
        raise ToolkitError("ConstFst serialisation has an unexpected length")
    arcs = np.ndarray((num_arcs,), dtype=_STD_ARC, buffer=buf, offset=arcs_at)
    ilabel = arcs["ilabel"]
    labels = np.unique(ilabel[ilabel > 0]).astype(np.int64)
    arcs["ilabel"] = np.where(ilabel > 0, np.searchsorted(labels, ilabel) + 1, 0)
    scratch = _scratch()
    scratch.write(bytes(buf))
    graph = kaldifst.StdConstFst.read(scratch.path)
    if graph is None:
        raise ToolkitError("could not read back a renumbered ConstFst")
    return graph, labels


def lattice_to_arrays(lattice: kaldifst.Lattice) -> LatticeArrays:
    """Every arc and final weight of `lattice`, exactly."""
    start, finals, src, arcs, _ = _decode(_serialise(lattice), "lattice4", "ff", _LAT_ARC)
    return LatticeArrays(
        start, src, arcs["nextstate"].astype(np.int64), arcs["ilabel"].astype(np.int64),
        arcs["olabel"].astype(np.int64), arcs["graph"].astype(np.float64), arcs["acoustic"].astype(np.float64),
        finals[:, 0].astype(np.float64), finals[:, 1].astype(np.float64),
    )


def with_word_penalties(lattice: kaldifst.Lattice, penalties: Sequence[float]) -> list[kaldifst.Lattice]:
    """One copy of `lattice` per penalty, with the penalty added to the graph cost of every arc
    with a word (olabel != 0) in float32, as Kaldi's lattice-add-penalty.

    The lattice is serialised and walked once; each copy patches the graph weights of the word
    arcs in place in the bytes. The copies' stored properties are reset to "unknown but
    mutable", as the weights change.
    """
    buf = _serialise(lattice)
    _, _, _, arcs, offsets = _decode(buf, "lattice4", "ff", _LAT_ARC)
    is_word = arcs["olabel"] != 0
    graph_at = offsets[is_word] + _LAT_ARC.fields["graph"][1]  # byte offset of each word arc's graph cost
    graph = arcs["graph"][is_word]
    base = np.frombuffer(buf, dtype=np.uint8)
    properties_at = _header(buf, "vector", "lattice4").properties_at
    scratch, out = _scratch(), []
    for penalty in penalties:
        patched = base.copy()
        patched[graph_at[:, None] + np.arange(4)] = (graph + np.float32(penalty)).view(np.uint8).reshape(-1, 4)
        patched[properties_at:properties_at + 8] = np.frombuffer(struct.pack("<Q", _EXPANDED_MUTABLE), np.uint8)
        scratch.write(patched.tobytes())
        copy = kaldifst.Lattice.read(scratch.path)
        if copy is None:
            raise ToolkitError("could not read back a lattice with word penalties")
        out.append(copy)
    return out


def arrays_to_fst(a: FstArrays) -> kaldifst.StdVectorFst:
    """A new vector FST with exactly the states, arcs and final weights of `a` (arcs in array order per state)."""
    S, A = a.num_states, a.num_arcs
    if A and (a.src.min() < 0 or a.src.max() >= S or a.dst.min() < 0 or a.dst.max() >= S):
        raise ToolkitError("arc arrays refer to states that do not exist")
    order = np.argsort(a.src, kind="stable")
    counts = np.bincount(a.src, minlength=S)
    header = struct.pack("<i", _MAGIC)
    for text in ("vector", "standard"):
        header += struct.pack("<i", len(text)) + text.encode()
    header += struct.pack("<iiQqqq", 2, 0, _EXPANDED_MUTABLE, a.start, S, A)
    state_bytes = 12 + 16 * counts  # final float32 + int64 count, then 16 bytes per arc
    state_pos = len(header) + np.cumsum(state_bytes) - state_bytes
    buf = np.zeros(len(header) + int(state_bytes.sum()), dtype=np.uint8)
    buf[:len(header)] = np.frombuffer(header, dtype=np.uint8)
    state_rec = np.zeros(S, dtype=[("final", "<f4"), ("count", "<i8")])
    state_rec["final"] = a.final
    state_rec["count"] = counts
    buf[state_pos[:, None] + np.arange(12)] = state_rec.view(np.uint8).reshape(S, 12)
    arc_rec = np.zeros(A, dtype=_STD_ARC)
    arc_rec["ilabel"], arc_rec["olabel"] = a.ilabel[order], a.olabel[order]
    arc_rec["weight"], arc_rec["nextstate"] = a.weight[order], a.dst[order]
    within = np.arange(A) - np.repeat(np.cumsum(counts) - counts, counts)
    arc_pos = np.repeat(state_pos + 12, counts) + 16 * within
    buf[arc_pos[:, None] + np.arange(16)] = arc_rec.view(np.uint8).reshape(A, 16)
    scratch = _scratch()
    scratch.write(buf.tobytes())
    fst = kaldifst.StdVectorFst.read(scratch.path)
    if fst is None:
        raise ToolkitError("could not read back an FST built from arrays")
    return fst
