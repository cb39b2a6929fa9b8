"""Reader of dictd databases as FreeDict ships them (Debian's `dict-freedict-*` packages).

A database is `NAME.index` plus `NAME.dict` or `NAME.dict.dz` (dictzip, which gzip reads).
Each index line is `key<TAB>offset<TAB>length`, offset and length being byte positions in
the uncompressed .dict written in dictd's base-64 digits (`A-Za-z0-9+/`, most significant
first). Keys `00database...` / `00-database-...` are the database's own metadata and are skipped;
several keys may share one definition, which is read once.

A FreeDict definition is laid out as
    headword /pronunciation/ <pos, gender>
    1. translation, translation
    2.  [domain] translation
or, with a single sense, one unnumbered line of comma- (or semicolon-) separated translations.
Lines indented by white space are usage examples and notes, not translations, and are skipped;
a leading `[domain]` label of a sense is dropped. Translations are kept as written (case,
parentheses, several words): `toolkit.text.lexicon` decides which make word pairs.
"""
from __future__ import annotations

import gzip
import os
import re
from pathlib import Path
from typing import NamedTuple

from toolkit.errors import InputError

_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGITS)}
_META_KEY = re.compile(r"00-?database")
_HEAD = re.compile(r"(?P<head>.*?)(?: /[^/]*/)?(?: <[^>]*>)?")
_SENSE = re.compile(r"\d+\.(?:\s+|$)")
_DOMAIN = re.compile(r"^\[[^\]]*\]\s*")
# Split at commas/semicolons outside parentheses: "take (with one, or two), take away".
_SEPARATOR = re.compile(r"\s*[,;]\s*(?![^()]*\))")

# ISO 639-1 codes of the languages FreeDict names by ISO 639-3.
_ISO639_3 = {"en": "eng", "fr": "fra", "de": "deu", "es": "spa"}


class Entry(NamedTuple):
    """One definition: its headword as written and its translations in the dictionary's order."""

    headword: str
    translations: list[str]


def decode_number(digits: str) -> int:
    """The value of dictd's base-64 number `digits` (`"B"` -> 1, `"BA"` -> 64); ValueError if not one."""
    if not digits:
        raise ValueError("empty number")
    value = 0
    for c in digits:
        if c not in _DIGIT_VALUE:
            raise ValueError(f"{c!r} is not a dictd base-64 digit")
        value = value * 64 + _DIGIT_VALUE[c]
    return value


def parse_definition(text: str) -> Entry:
    """The Entry of one FreeDict definition (see the module doc); ValueError if it has no headword."""
    lines = text.split("\n")
    head = _HEAD.fullmatch(lines[0].strip()).group("head").strip()
    if not head:
        raise ValueError(f"definition has no headword: {lines[0]!r}")
    translations: list[str] = []
    for line in lines[1:]:
        if not line.strip() or line[0].isspace():
            continue
        sense = _SENSE.match(line)
        if sense:
            line = line[sense.end():]
        line = _DOMAIN.sub("", line.strip())
        translations += [t for t in _SEPARATOR.split(line) if t]
    return Entry(head, translations)


def read_dictd(index_path: str | os.PathLike, dict_path: str | os.PathLike | None = None) -> list[Entry]:
    """Every definition of a dictd database, in .dict order, metadata skipped.

    `dict_path` defaults to the index's `NAME.dict.dz`, else `NAME.dict`. Bad index lines,
    positions outside the .dict, non-UTF-8 definitions and definitions without headword
    raise InputError naming the index file and line.
    """
    index_path = Path(index_path)
    if dict_path is None:
        dict_path = _dict_beside(index_path)
    data = _read_dict(Path(dict_path))
    spans: dict[tuple[int, int], int] = {}
    try:
        with open(index_path, encoding="utf-8", newline="\n") as f:
            for n, line in enumerate(f, start=1):
                fields = line.rstrip("\n").split("\t")
                if len(fields) != 3:
                    raise InputError(f"expected key<TAB>offset<TAB>length, got {line.rstrip()!r}", index_path, n)
                key, offset, length = fields
                if _META_KEY.match(key):
                    continue
                try:
                    span = decode_number(offset), decode_number(length)
                except ValueError as e:
                    raise InputError(f"bad offset or length: {e}", index_path, n) from None
                if span[0] + span[1] > len(data):
                    raise InputError(f"definition at {span[0]}+{span[1]} lies past the end of {dict_path} "
                                     f"({len(data)} bytes)", index_path, n)
                spans.setdefault(span, n)
    except FileNotFoundError:
        raise InputError("no such file", index_path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e})", index_path) from None
    entries = []
    for (offset, length), n in sorted(spans.items()):
        try:
            entries.append(parse_definition(data[offset:offset + length].decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as e:
            raise InputError(f"bad definition in {dict_path}: {e}", index_path, n) from None
    return entries


def freedict_index(directory: str | os.PathLike, src: str, tgt: str) -> Path:
    """The index file of FreeDict's `src`->`tgt` database in `directory` (`freedict-eng-fra.index`).

    Languages may be given as ISO 639-1 (`en`, `fr`, `de`, `es`) or as FreeDict's ISO 639-3 codes.
    InputError if the index or its .dict(.dz) is missing.
    """
    names = []
    for lang in (src, tgt):
        code = _ISO639_3.get(lang, lang)
        if not re.fullmatch(r"[a-z]{3}", code):
            raise InputError(f"unknown language code {lang!r} (ISO 639-1 {sorted(_ISO639_3)} or ISO 639-3)")
        names.append(code)
    index = Path(directory) / f"freedict-{names[0]}-{names[1]}.index"
    if not index.is_file():
        raise InputError("no such file (install Debian's dict-freedict-"
                         f"{names[0]}-{names[1]} or give the directory holding it)", index)
    _dict_beside(index)
    return index


def _dict_beside(index_path: Path) -> Path:
    stem = index_path.with_suffix("")
    for candidate in (stem.with_name(stem.name + ".dict.dz"), stem.with_name(stem.name + ".dict")):
        if candidate.is_file():
            return candidate
    raise InputError(f"no {stem.name}.dict.dz or {stem.name}.dict beside the index", index_path)


def _read_dict(path: Path) -> bytes:
    try:
        if path.name.endswith(".dz") or path.name.endswith(".gz"):
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except (OSError, EOFError) as e:
        raise InputError(f"cannot decompress ({e})", path) from None
