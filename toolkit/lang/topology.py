"""HMM topologies: Kaldi's `topo` file (text form of HmmTopology) and its Python representation.

make_topology() writes what utils/gen_topo.pl writes: a left-to-right HMM for non-silence
phones (self-loop 0.75, forward 0.25) and, for silence phones, an HMM whose first state can
reach the middle states, whose middle states are fully connected with each other and the
last emitting state, and whose last emitting state cannot be skipped. The last state of
every entry is the non-emitting final state.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write


@dataclass(frozen=True)
class HmmState:
    """One HMM state: `pdf_class` None marks the non-emitting final state (which has no transitions)."""

    pdf_class: int | None
    transitions: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class TopologyEntry:
    """The HMM shared by `phones` (integer ids from phones.txt)."""

    phones: tuple[int, ...]
    states: tuple[HmmState, ...]

    @property
    def num_pdf_classes(self) -> int:
        return 1 + max(s.pdf_class for s in self.states if s.pdf_class is not None)


class Topology:
    """A set of topology entries; every phone belongs to at most one entry."""

    def __init__(self, entries: Sequence[TopologyEntry]):
        self.entries = tuple(entries)
        self._entry_of: dict[int, TopologyEntry] = {}
        for entry in self.entries:
            _check_entry(entry)
            for p in entry.phones:
                if p in self._entry_of:
                    raise ToolkitError(f"topology: phone {p} is in more than one entry")
                self._entry_of[p] = entry

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Topology) and self.entries == other.entries

    @property
    def phones(self) -> list[int]:
        """Every phone the topology covers, sorted."""
        return sorted(self._entry_of)

    def entry(self, phone: int) -> TopologyEntry:
        try:
            return self._entry_of[phone]
        except KeyError:
            raise ToolkitError(f"topology: no entry for phone {phone}") from None

    def num_pdf_classes(self, phone: int) -> int:
        return self.entry(phone).num_pdf_classes

    def to_text(self) -> str:
        """Kaldi's text form, as gen_topo.pl lays it out."""
        lines = ["<Topology>"]
        for entry in self.entries:
            lines += ["<TopologyEntry>", "<ForPhones>", " ".join(map(str, entry.phones)), "</ForPhones>"]
            for i, state in enumerate(entry.states):
                tokens = ["<State>", str(i)]
                if state.pdf_class is not None:
                    tokens += ["<PdfClass>", str(state.pdf_class)]
                for dest, prob in state.transitions:
                    tokens += ["<Transition>", str(dest), repr(prob)]
                lines.append(" ".join(tokens + ["</State>"]))
            lines.append("</TopologyEntry>")
        lines.append("</Topology>")
        return "\n".join(lines) + "\n"


def _check_entry(entry: TopologyEntry) -> None:
    """As HmmTopology::Check: one final non-emitting state, last; valid transitions summing to 1."""
    where = f"topology entry for phones {' '.join(map(str, entry.phones[:5]))}{' ...' if len(entry.phones) > 5 else ''}"
    if not entry.phones:
        raise ToolkitError(f"{where}: no phones")
    if len(entry.states) < 2:
        raise ToolkitError(f"{where}: needs at least one emitting state and the final state")
    *emitting, final = entry.states
    if final.pdf_class is not None or final.transitions:
        raise ToolkitError(f"{where}: the last state must be non-emitting with no transitions")
    for i, state in enumerate(emitting):
        if state.pdf_class is None:
            raise ToolkitError(f"{where}: state {i} has no <PdfClass>; only the last state may be non-emitting")
        if not state.transitions:
            raise ToolkitError(f"{where}: state {i} has no transitions")
        for dest, prob in state.transitions:
            if not 0 <= dest < len(entry.states):
                raise ToolkitError(f"{where}: state {i} has a transition to state {dest}, which does not exist")
            if not 0.0 < prob <= 1.0:
                raise ToolkitError(f"{where}: state {i} has a transition probability {prob} outside (0, 1]")
        total = sum(prob for _, prob in state.transitions)
        if abs(total - 1.0) > 0.01:
            raise ToolkitError(f"{where}: transition probabilities of state {i} sum to {total}, not 1")
    classes = {s.pdf_class for s in emitting}
    if classes != set(range(len(classes))):
        raise ToolkitError(f"{where}: pdf classes {sorted(classes)} are not 0 .. N-1")


def left_to_right_entry(phones: Sequence[int], num_states: int) -> TopologyEntry:
    """`num_states` emitting states, each with self-loop 0.75 and forward 0.25."""
    states = [HmmState(i, ((i, 0.75), (i + 1, 0.25))) for i in range(num_states)]
    return TopologyEntry(tuple(phones), tuple(states) + (HmmState(None),))


def silence_entry(phones: Sequence[int], num_states: int) -> TopologyEntry:
    """gen_topo.pl's silence HMM: ergodic middle states, non-skippable last emitting state."""
    if num_states == 1:
        return left_to_right_entry(phones, 1)
    p = 1.0 / (num_states - 1)
    first = HmmState(0, tuple((j, p) for j in range(num_states - 1)))
    middle = [HmmState(i, tuple((j, p) for j in range(1, num_states))) for i in range(1, num_states - 1)]
    last = HmmState(num_states - 1, ((num_states - 1, 0.75), (num_states, 0.25)))
    return TopologyEntry(tuple(phones), (first, *middle, last, HmmState(None)))


def make_topology(
    nonsilence_phones: Sequence[int],
    silence_phones: Sequence[int],
    num_nonsil_states: int = 3,
    num_sil_states: int = 5,
) -> Topology:
    """The topology gen_topo.pl makes (non-silence entry first, then silence)."""
    if num_nonsil_states < 1 or num_sil_states < 1:
        raise ToolkitError("an HMM needs at least one emitting state")
    if num_sil_states == 2:
        # gen_topo.pl's silence HMM with 2 states could never leave its first state.
        raise ToolkitError("the silence HMM needs 1 or at least 3 emitting states, not 2")
    return Topology(
        [left_to_right_entry(nonsilence_phones, num_nonsil_states), silence_entry(silence_phones, num_sil_states)]
    )


class _Tokens:
    def __init__(self, text: str, where: str):
        self.tokens = text.split()
        self.pos = 0
        self.where = where

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> str:
        tok = self.peek()
        if tok is None:
            raise InputError("unexpected end of topology", self.where)
        self.pos += 1
        return tok

    def expect(self, token: str) -> None:
        tok = self.next()
        if tok != token:
            raise InputError(f"expected {token}, got {tok!r} (token {self.pos})", self.where)

    def integer(self) -> int:
        tok = self.next()
        try:
            return int(tok)
        except ValueError:
            raise InputError(f"expected an integer, got {tok!r} (token {self.pos})", self.where) from None

    def number(self) -> float:
        tok = self.next()
        try:
            return float(tok)
        except ValueError:
            raise InputError(f"expected a number, got {tok!r} (token {self.pos})", self.where) from None


def parse_topology(text: str, where: str = "topology") -> Topology:
    """Parse Kaldi's text topology (<PdfClass> form); InputError naming `where` if malformed."""
    t = _Tokens(text, where)
    t.expect("<Topology>")
    entries = []
    while t.peek() == "<TopologyEntry>":
        t.next()
        t.expect("<ForPhones>")
        phones = []
        while t.peek() != "</ForPhones>":
            phones.append(t.integer())
        t.next()
        states = []
        while t.peek() == "<State>":
            t.next()
            index = t.integer()
            if index != len(states):
                raise InputError(f"expected <State> {len(states)}, got <State> {index}", where)
            pdf_class = None
            if t.peek() == "<PdfClass>":
                t.next()
                pdf_class = t.integer()
            transitions = []
            while t.peek() == "<Transition>":
                t.next()
                transitions.append((t.integer(), t.number()))
            t.expect("</State>")
            states.append(HmmState(pdf_class, tuple(transitions)))
        t.expect("</TopologyEntry>")
        entries.append(TopologyEntry(tuple(phones), tuple(states)))
    t.expect("</Topology>")
    if t.peek() is not None:
        raise InputError(f"unexpected {t.peek()!r} after </Topology>", where)
    try:
        return Topology(entries)
    except ToolkitError as e:
        raise InputError(str(e), where) from None


def read_topology(path: str | os.PathLike) -> Topology:
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8") as f:
            return parse_topology(f.read(), name)
    except FileNotFoundError:
        raise InputError("no such file", name) from None


def write_topology(path: str | os.PathLike, topology: Topology) -> None:
    with atomic_write(path) as f:
        f.write(topology.to_text())
