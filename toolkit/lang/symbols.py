"""Symbol tables (phones.txt, words.txt): one `symbol id` pair per line, as OpenFst and Kaldi write them."""
from __future__ import annotations

import os
from typing import Iterable, Iterator

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write


class SymbolTable:
    """A two-way map between symbols and integer ids; ids need not be contiguous."""

    def __init__(self, pairs: Iterable[tuple[str, int]], name: str = "symbol table"):
        self.name = name
        self._ids: dict[str, int] = {}
        self._symbols: dict[int, str] = {}
        for symbol, i in pairs:
            if symbol in self._ids:
                raise ToolkitError(f"{name}: symbol '{symbol}' appears twice")
            if i in self._symbols:
                raise ToolkitError(f"{name}: id {i} given to both '{self._symbols[i]}' and '{symbol}'")
            if i < 0:
                raise ToolkitError(f"{name}: negative id {i} for '{symbol}'")
            self._ids[symbol] = i
            self._symbols[i] = symbol

    @classmethod
    def from_symbols(cls, symbols: Iterable[str], name: str = "symbol table") -> SymbolTable:
        """Number `symbols` 0, 1, 2, ... in the order given."""
        return cls(((s, i) for i, s in enumerate(symbols)), name)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._ids

    def __iter__(self) -> Iterator[str]:
        """Symbols in increasing id order."""
        return (self._symbols[i] for i in sorted(self._symbols))

    def items(self) -> list[tuple[str, int]]:
        """(symbol, id) pairs in increasing id order."""
        return [(self._symbols[i], i) for i in sorted(self._symbols)]

    @property
    def max_id(self) -> int:
        return max(self._symbols) if self._symbols else -1

    def id(self, symbol: str) -> int:
        """The id of `symbol`; ToolkitError naming the table if it has none."""
        try:
            return self._ids[symbol]
        except KeyError:
            raise ToolkitError(f"{self.name}: no symbol '{symbol}'") from None

    def symbol(self, i: int) -> str:
        """The symbol with id `i`; ToolkitError naming the table if there is none."""
        try:
            return self._symbols[i]
        except KeyError:
            raise ToolkitError(f"{self.name}: no symbol with id {i}") from None

    def ids(self, symbols: Iterable[str], oov: str | None = None) -> list[int]:
        """Map symbols to ids (as sym2int.pl); unknown symbols map to `oov` if given, else raise."""
        oov_id = None if oov is None else self.id(oov)
        out = []
        for s in symbols:
            i = self._ids.get(s, oov_id)
            if i is None:
                raise ToolkitError(f"{self.name}: no symbol '{s}'")
            out.append(i)
        return out

    def symbols(self, ids: Iterable[int]) -> list[str]:
        """Map ids to symbols (as int2sym.pl)."""
        return [self.symbol(i) for i in ids]


def read_symbol_table(path: str | os.PathLike) -> SymbolTable:
    """Read `symbol id` lines; InputError naming file and line for anything malformed."""
    name = os.fspath(path)
    pairs: list[tuple[str, int]] = []
    seen_symbols: dict[str, int] = {}
    seen_ids: dict[int, int] = {}
    try:
        f = open(name, encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    with f:
        for n, line in enumerate(f, start=1):
            fields = line.split()
            if len(fields) != 2:
                raise InputError(f"expected 'symbol id', got {line.strip()!r}", name, n)
            symbol, id_text = fields
            if not id_text.isdigit():
                raise InputError(f"id of '{symbol}' is not a non-negative integer: {id_text!r}", name, n)
            i = int(id_text)
            if symbol in seen_symbols:
                raise InputError(f"symbol '{symbol}' repeated (first on line {seen_symbols[symbol]})", name, n)
            if i in seen_ids:
                raise InputError(f"id {i} repeated (first on line {seen_ids[i]})", name, n)
            seen_symbols[symbol] = n
            seen_ids[i] = n
            pairs.append((symbol, i))
    return SymbolTable(pairs, name)


def write_symbol_table(path: str | os.PathLike, table: SymbolTable) -> None:
    """Write `symbol id` lines in increasing id order, atomically."""
    with atomic_write(path) as f:
        for symbol, i in table.items():
            f.write(f"{symbol} {i}\n")

