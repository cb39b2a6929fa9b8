"""Context dependency: which pdf the HMM state of a phone in context uses (Kaldi's ContextDependencyInterface).

A phone in context is a window of N phone ids (N = context width) whose phone at the
central position P is the one being modelled; 0 marks "no phone" beyond an utterance edge.
`pdf(window, pdf_class)` gives the pdf for one pdf class of that phone's topology entry.

Every kind of context dependency stores itself as a dict of numpy arrays (`to_arrays()`)
with a `kind` entry, so that a model file can hold it without pickling;
`ContextDependency.from_arrays` rebuilds whichever kind the arrays describe. The
monophone kind (N=1, P=0) is made by `monophone_context`, as Kaldi's gmm-init-mono
makes its tree with --shared-phones: the phones of one set share their pdfs.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Mapping, Sequence

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.lang.topology import Topology


class ContextDependency(ABC):
    """Maps (phone window, pdf class) to a pdf id in 0 .. num_pdfs-1."""

    kind: ClassVar[str]
    _kinds: ClassVar[dict[str, type[ContextDependency]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        ContextDependency._kinds[cls.kind] = cls

    @property
    @abstractmethod
    def context_width(self) -> int:
        """N: the number of phones in a window."""

    @property
    @abstractmethod
    def central_position(self) -> int:
        """P: the index of the modelled phone in a window."""

    @property
    @abstractmethod
    def num_pdfs(self) -> int:
        """The number of pdfs; pdf ids are 0 .. num_pdfs-1."""

    @abstractmethod
    def pdf(self, window: Sequence[int], pdf_class: int) -> int:
        """The pdf of `pdf_class` of phone window[P] in context `window` (length N); ToolkitError if none."""

    @abstractmethod
    def possible_pdfs(self, phone: int, pdf_class: int) -> list[int]:
        """Every pdf `pdf_class` of `phone` can take in some context, sorted (for the transition model)."""

    @abstractmethod
    def _arrays(self) -> dict[str, np.ndarray]:
        """The arrays that define this object (without `kind`)."""

    @classmethod
    @abstractmethod
    def _from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> ContextDependency:
        """Inverse of `_arrays`; ToolkitError if they are inconsistent."""

    def to_arrays(self) -> dict[str, np.ndarray]:
        """A dict of numpy arrays (no objects) from which `from_arrays` rebuilds an equal object."""
        return {"kind": np.array(self.kind), **self._arrays()}

    @staticmethod
    def from_arrays(arrays: Mapping[str, np.ndarray]) -> ContextDependency:
        """Rebuild the context dependency `to_arrays` stored; ToolkitError if the arrays are not one."""
        if "kind" not in arrays:
            raise ToolkitError("context dependency: no 'kind' entry")
        kind = str(np.asarray(arrays["kind"]))
        cls = ContextDependency._kinds.get(kind)
        if cls is None:
            raise ToolkitError(f"context dependency: unknown kind '{kind}' (known: {', '.join(sorted(ContextDependency._kinds))})")
        try:
            return cls._from_arrays(arrays)
        except (KeyError, ValueError, IndexError) as e:
            raise ToolkitError(f"context dependency ({kind}): malformed arrays ({type(e).__name__}: {e})") from None


class MonophoneContext(ContextDependency):
    """Context-independent pdfs: `table[phone, pdf_class]` is the pdf (-1 where undefined); N=1, P=0."""

    kind = "monophone"

    def __init__(self, table: np.ndarray):
        table = np.asarray(table, dtype=np.int32)
        if table.ndim != 2:
            raise ToolkitError(f"monophone context: expected a (phones, pdf classes) table, got shape {table.shape}")
        used = table[table >= 0]
        if used.size and set(np.unique(used).tolist()) != set(range(int(used.max()) + 1)):
            raise ToolkitError("monophone context: pdf ids are not 0 .. num_pdfs-1 without gaps")
        if table.shape[0] > 0 and (table[0] >= 0).any():
            raise ToolkitError("monophone context: phone 0 (epsilon) cannot have pdfs")
        self.table = table
        self._num_pdfs = int(used.max()) + 1 if used.size else 0

    @property
    def context_width(self) -> int:
        return 1

    @property
    def central_position(self) -> int:
        return 0

    @property
    def num_pdfs(self) -> int:
        return self._num_pdfs

    def pdf(self, window: Sequence[int], pdf_class: int) -> int:
        if len(window) != 1:
            raise ToolkitError(f"monophone context: expected a window of 1 phone, got {list(window)}")
        return self._lookup(window[0], pdf_class)

    def possible_pdfs(self, phone: int, pdf_class: int) -> list[int]:
        return [self._lookup(phone, pdf_class)]

    def _lookup(self, phone: int, pdf_class: int) -> int:
        if 0 <= phone < self.table.shape[0] and 0 <= pdf_class < self.table.shape[1]:
            pdf = int(self.table[phone, pdf_class])
            if pdf >= 0:
                return pdf
        raise ToolkitError(f"monophone context: no pdf for phone {phone}, pdf class {pdf_class}")

    def _arrays(self) -> dict[str, np.ndarray]:
        return {"table": self.table.copy()}

    @classmethod
    def _from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> MonophoneContext:
        return cls(np.asarray(arrays["table"]))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MonophoneContext) and np.array_equal(self.table, other.table)


def monophone_context(topology: Topology, phone_sets: Sequence[Sequence[int]] = ()) -> MonophoneContext:
    """The monophone context dependency: one pdf per (phone set, pdf class).

    `phone_sets` (e.g. lang/phones/sets.int) lists phones that share pdfs; a topology phone
    in no set gets its own pdfs. Pdfs are numbered set by set, in the order given (phones
    in no set follow, in increasing order), pdf class within set. The phones of a set must
    have the same number of pdf classes.
    """
    covered = set(topology.phones)
    groups: list[list[int]] = []
    seen: set[int] = set()
    for i, group in enumerate(phone_sets):
        if not group:
            raise ToolkitError(f"phone set {i + 1} is empty")
        for p in group:
            if p not in covered:
                raise ToolkitError(f"phone set {i + 1}: phone {p} has no topology entry")
            if p in seen:
                raise ToolkitError(f"phone set {i + 1}: phone {p} is in more than one set")
            seen.add(p)
        groups.append(list(group))
    groups += [[p] for p in topology.phones if p not in seen]

    max_classes = max(topology.num_pdf_classes(p) for p in topology.phones)
    table = np.full((max(topology.phones) + 1, max_classes), -1, dtype=np.int32)
    next_pdf = 0
    for group in groups:
        counts = {topology.num_pdf_classes(p) for p in group}
        if len(counts) != 1:
            raise ToolkitError(f"phones {group} share pdfs but have different numbers of pdf classes {sorted(counts)}")
        (n,) = counts
        table[group, :n] = np.arange(next_pdf, next_pdf + n, dtype=np.int32)
        next_pdf += n
    return MonophoneContext(table)
