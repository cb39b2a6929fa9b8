"""ARPA back-off language model files: the one reader and writer, and back-off lookup.

An ARPA file lists, for each order n, n-grams with a log10 probability and (below the
highest order) a log10 back-off weight:

    \\data\\
    ngram 1=4
    ngram 2=3

    \\1-grams:
    -0.69897	</s>
    -99	<s>	-0.30103
    ...

    \\end\\

The probability of a word after a history the file does not list is found by backing off:
p(w | a b) = bow(a b) * p(w | b) when "a b w" is absent (bow 1 where "a b" is absent).
A log10 probability of -99 or less means zero (the `<s>` convention) and is held as -inf.
Gzipped files are read as such; a path ending in .gz is written gzipped.
"""
from __future__ import annotations

import gzip
import io
import math
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write

BOS = "<s>"
EOS = "</s>"

LOG10_ZERO = -99.0  # how ARPA files write log10(0)

_COUNT_LINE = re.compile(r"^ngram\s+(\d+)\s*=\s*(\d+)$")
_SECTION_LINE = re.compile(r"^\\(\d+)-grams:$")

Entry = tuple[float, float]  # (log10 probability, log10 back-off weight; 0.0 where the file has none)


class ArpaLM:
    """A back-off n-gram model as an ARPA file holds it.

    `ngrams[n - 1]` maps each n-gram (a tuple of n words) to (log10 prob, log10 back-off);
    a zero probability is -inf and a missing back-off weight is 0.0 (weight 1).
    """

    def __init__(self, ngrams: list[dict[tuple[str, ...], Entry]]):
        if not ngrams:
            raise ValueError("an ARPA model has at least one order")
        self.ngrams = ngrams

    @property
    def order(self) -> int:
        return len(self.ngrams)

    def counts(self) -> list[int]:
        """Number of n-grams of each order, 1 first (the \\data\\ header's numbers)."""
        return [len(table) for table in self.ngrams]

    def __contains__(self, word: object) -> bool:
        """True if `word` is in the vocabulary (has a unigram)."""
        return (word,) in self.ngrams[0]

    def vocabulary(self) -> list[str]:
        """The unigram words, in file order."""
        return [ngram[0] for ngram in self.ngrams[0]]

    def log10prob(self, word: str, history: Sequence[str]) -> float:
        """log10 p(word | history) by back-off; `history` is oldest first and may be longer than order-1.

        Returns -inf for a word outside the vocabulary or one listed with probability zero.
        """
        context = tuple(history[-(self.order - 1) :]) if self.order > 1 else ()
        backoff = 0.0
        while True:
            entry = self.ngrams[len(context)].get(context + (word,))
            if entry is not None:
                return backoff + entry[0]
            if not context:
                return -math.inf
            history_entry = self.ngrams[len(context) - 1].get(context)
            if history_entry is not None:
                backoff += history_entry[1]
            context = context[1:]


def _open_text(path: str) -> IO[str]:
    try:
        with open(path, "rb") as f:
            gzipped = f.read(2) == b"\x1f\x8b"
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected an ARPA file", path) from None
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _parse_float(text: str, what: str, path: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{what} is not a number: {text!r}", path, line) from None
    if not math.isfinite(value):
        raise InputError(f"{what} is not a finite number: {text!r}", path, line)
    return value


def _lines(f: IO[str], path: str) -> Iterator[tuple[int, str]]:
    try:
        for number, line in enumerate(f, start=1):
            yield number, line.strip()
    except UnicodeDecodeError as e:
        raise InputError(f"not valid UTF-8 ({e.reason})", path) from None
    except (OSError, EOFError) as e:  # a truncated or corrupt .gz
        raise InputError(f"cannot read: {e}", path) from None


def read_arpa(path: str | os.PathLike) -> ArpaLM:
    """Read and validate an ARPA file (plain or gzipped).

    Raises InputError naming the file and line for: a missing or malformed \\data\\ header,
    orders that are not 1..N, a section out of order, a malformed or repeated n-gram, a
    back-off weight at the highest order, a section whose number of n-grams differs from
    its header count, or a missing \\end\\.
    """
    name = os.fspath(path)
    declared: list[int] = []  # header counts, order 1 first
    ngrams: list[dict[tuple[str, ...], Entry]] = []
    data_line = 0  # line of \\data\\; 0 while still before it
    current = 0  # order of the section being read; 0 while in the header
    section_line = 0

    def check_section_count() -> None:
        if current and len(ngrams[current - 1]) != declared[current - 1]:
            raise InputError(
                f"\\{current}-grams: section has {len(ngrams[current - 1])} n-grams but the "
                f"\\data\\ header says ngram {current}={declared[current - 1]}",
                name,
                section_line,
            )

    with _open_text(name) as f:
        for number, line in _lines(f, name):
            if not data_line:
                # Tools may put comments before \\data\\; they are not part of the model.
                if line == "\\data\\":
                    data_line = number
                continue
            if not line:
                continue
            if line.startswith("\\"):
                check_section_count()
                if line == "\\end\\":
                    if current != len(declared) or not declared:
                        raise InputError(f"\\end\\ before the \\{current + 1}-grams: section", name, number)
                    return ArpaLM(ngrams)
                m = _SECTION_LINE.match(line)
                if not m:
                    raise InputError(f"unexpected line '{line}'", name, number)
                if not declared:
                    raise InputError("the \\data\\ header declares no n-gram counts", name, data_line)
                if int(m.group(1)) != current + 1 or current == len(declared):
                    expected = f"\\{current + 1}-grams:" if current < len(declared) else "\\end\\"
                    raise InputError(f"expected {expected}, got '{line}'", name, number)
                current += 1
                section_line = number
                continue
            if current == 0:
                m = _COUNT_LINE.match(line)
                if not m:
                    raise InputError(f"malformed \\data\\ header line '{line}' (expected 'ngram N=COUNT')", name, number)
                if int(m.group(1)) != len(declared) + 1:
                    raise InputError(f"expected 'ngram {len(declared) + 1}=COUNT', got '{line}'", name, number)
                declared.append(int(m.group(2)))
                ngrams.append({})
                continue
            words, entry = _parse_ngram(line, current, len(declared), name, number)
            table = ngrams[current - 1]
            if words in table:
                raise InputError(f"n-gram '{' '.join(words)}' appears twice in the \\{current}-grams: section", name, number)
            table[words] = entry
    if not data_line:
        raise InputError("no \\data\\ line: not an ARPA file", name)
    raise InputError("no \\end\\ line: the file is truncated", name)


def _parse_ngram(line: str, n: int, order: int, path: str, number: int) -> tuple[tuple[str, ...], Entry]:
    fields = line.split()
    if len(fields) == n + 1:
        bow = 0.0
    elif len(fields) == n + 2:
        if n == order:
            raise InputError(f"back-off weight on a line of the highest order ({n})", path, number)
        bow = _parse_float(fields[-1], "log10 back-off weight", path, number)
    else:
        raise InputError(
            f"expected a log10 probability, {n} word(s) and an optional back-off weight in the "
            f"\\{n}-grams: section, got {len(fields)} field(s)",
            path,
            number,
        )
    prob = _parse_float(fields[0], "log10 probability", path, number)
    if prob > 0.0:
        raise InputError(f"log10 probability above 0: {fields[0]!r}", path, number)
    if prob <= LOG10_ZERO:
        prob = -math.inf
    return tuple(fields[1 : n + 1]), (prob, bow)


def _format(value: float) -> str:
    return f"{LOG10_ZERO:g}" if value == -math.inf else f"{value:.7g}"


def write_arpa(path: str | os.PathLike, lm: ArpaLM) -> None:
    """Write `lm` as an ARPA file, atomically; gzipped if `path` ends in .gz.

    Back-off weights of 0 (weight 1) are left out, as SRILM does; probabilities keep 7
    significant digits.
    """
    path = Path(path)
    with atomic_write(path, "wb") as raw:
        if path.suffix == ".gz":
            # mtime=0: the same model gives the same bytes.
            stream: IO[bytes] = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
        else:
            stream = raw
        f = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
        f.write("\n\\data\\\n")
        for n, count in enumerate(lm.counts(), start=1):
            f.write(f"ngram {n}={count}\n")
        for n, table in enumerate(lm.ngrams, start=1):
            f.write(f"\n\\{n}-grams:\n")
            lines = []
            for words, (prob, bow) in table.items():
                if bow != 0.0:
                    lines.append(f"{_format(prob)}\t{' '.join(words)}\t{_format(bow)}\n")
                else:
                    lines.append(f"{_format(prob)}\t{' '.join(words)}\n")
            f.write("".join(lines))
        f.write("\n\\end\\\n")
        f.flush()
        f.detach()
        if stream is not raw:
            stream.close()
