"""GNU gettext catalogues: binary .mo files and .po source files, read into (context, msgid, msgstr) entries.

Both readers return every entry except the header (msgid ""), in file order. Plural
entries keep their singular forms only (msgid and msgstr[0]). A .mo key
`CONTEXT\\x04MSGID` is split into its context and msgid. Bad input (a truncated or
corrupt .mo file, a .po syntax error, undecodable text) raises InputError naming the
file and, for .po files, the line.
"""
from __future__ import annotations

import codecs
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError

MO_MAGIC = 0x950412DE
_CHARSET = re.compile(r"charset=\s*([-A-Za-z0-9_.:]+)", re.IGNORECASE)
_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
               "'": "'", "?": "?"}


@dataclass(frozen=True)
class CatalogEntry:
    """One message: `msgstr` is the (singular) translation, "" when untranslated."""

    msgid: str
    msgstr: str
    context: str | None = None
    plural: bool = False
    fuzzy: bool = False
    line: int | None = None  # where the entry starts in a .po file

    @property
    def translated(self) -> bool:
        """True for a reviewed translation: non-empty and not marked fuzzy."""
        return bool(self.msgstr) and not self.fuzzy


def read_catalog(path: str | os.PathLike) -> list[CatalogEntry]:
    """Entries of a .mo or .po file, chosen by the file name's extension."""
    suffix = Path(path).suffix
    if suffix == ".mo":
        return read_mo(path)
    if suffix == ".po":
        return read_po(path)
    raise InputError("not a gettext catalogue (expected a .mo or .po file)", path)


def header_charset(header: str) -> str:
    """The charset named by a catalogue header's Content-Type; UTF-8 when absent or the 'CHARSET' template."""
    m = _CHARSET.search(header)
    if m is None or m.group(1).upper() == "CHARSET":
        return "utf-8"
    try:
        return codecs.lookup(m.group(1)).name
    except LookupError:
        return "utf-8"


# --------------------------------------------------------------------------- .mo


def read_mo(path: str | os.PathLike) -> list[CatalogEntry]:
    """Entries of a GNU .mo file (either byte order, format revision 0 or 1)."""
    data = Path(path).read_bytes()
    return parse_mo(data, path)


def parse_mo(data: bytes, where: str | os.PathLike = "<mo>") -> list[CatalogEntry]:
    """Entries of the .mo bytes `data`; `where` names the file in errors."""
    if len(data) < 28:
        raise InputError(f"truncated .mo file: {len(data)} bytes, the header alone has 28", where)
    for order in "<>":
        if struct.unpack_from(order + "I", data, 0)[0] == MO_MAGIC:
            break
    else:
        raise InputError("not a .mo file (bad magic number)", where)
    revision, count, orig_at, trans_at = struct.unpack_from(order + "4I", data, 4)
    if revision >> 16 not in (0, 1):
        raise InputError(f"unsupported .mo format revision {revision >> 16}", where)
    pairs = [(_mo_string(data, order, orig_at, i, where), _mo_string(data, order, trans_at, i, where))
             for i in range(count)]
    charset = "utf-8"
    for key, value in pairs:
        if key == b"":
            charset = header_charset(value.decode("latin-1"))
            break
    entries = []
    for i, (key, value) in enumerate(pairs):
        if key == b"":
            continue
        key_text, value_text = _decode(key, charset, where, i), _decode(value, charset, where, i)
        context = None
        if "\x04" in key_text:
            context, key_text = key_text.split("\x04", 1)
        plural = "\x00" in key_text
        entries.append(CatalogEntry(msgid=key_text.split("\x00", 1)[0], msgstr=value_text.split("\x00", 1)[0],
                                    context=context, plural=plural))
    return entries


def _mo_string(data: bytes, order: str, table_at: int, index: int, where) -> bytes:
    """The index-th string of the descriptor table at `table_at`, bounds-checked."""
    at = table_at + 8 * index
    if at + 8 > len(data):
        raise InputError(f"truncated .mo file: string table entry {index} at byte {at} lies past the end "
                         f"({len(data)} bytes)", where)
    length, offset = struct.unpack_from(order + "2I", data, at)
    if offset + length > len(data):
        raise InputError(f"truncated .mo file: string {index} (bytes {offset}..{offset + length}) lies past the end "
                         f"({len(data)} bytes)", where)
    return data[offset:offset + length]


def _decode(raw: bytes, charset: str, where, index: int) -> str:
    try:
        return raw.decode(charset)
    except UnicodeDecodeError as e:
        raise InputError(f"string {index} is not valid {charset} ({e})", where) from None


# --------------------------------------------------------------------------- .po


def read_po(path: str | os.PathLike) -> list[CatalogEntry]:
    """Entries of a .po file; obsolete (#~) entries are skipped, `#, fuzzy` is recorded on the entry."""
    raw = Path(path).read_bytes()
    # The charset is in the header, which is ASCII: find it before decoding the rest.
    m = re.search(rb'"Content-Type:[^"]*charset=\s*([-A-Za-z0-9_.:]+)', raw)
    charset = header_charset("charset=" + m.group(1).decode("ascii")) if m else "utf-8"
    try:
        text = raw.decode(charset)
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise InputError(f"not valid {charset} text", path, line) from None
    return parse_po(text, path)


class _PoEntry:
    """An entry being assembled: keyword -> text, and the line where it started."""

    def __init__(self, line: int, fuzzy: bool):
        self.line = line
        self.fuzzy = fuzzy
        self.fields: dict[str, str] = {}
        self.last: str | None = None


def parse_po(text: str, where: str | os.PathLike = "<po>") -> list[CatalogEntry]:
    """Entries of the .po source `text`; `where` names the file in errors."""
    entries: list[CatalogEntry] = []
    current: _PoEntry | None = None
    fuzzy_next = False

    def finish(entry: _PoEntry | None) -> None:
        if entry is None:
            return
        f = entry.fields
        if "msgid" not in f:
            raise InputError("entry has no msgid", where, entry.line)
        if not any(k.startswith("msgstr") for k in f):
            raise InputError("entry has no msgstr", where, entry.line)
        if "msgid_plural" in f:
            if "msgstr[0]" not in f:
                raise InputError("plural entry has no msgstr[0]", where, entry.line)
            msgstr = f["msgstr[0]"]
        else:
            if "msgstr" not in f:
                raise InputError("entry without msgid_plural has no plain msgstr", where, entry.line)
            msgstr = f["msgstr"]
        if f["msgid"] == "" and "msgctxt" not in f:
            return  # the header
        entries.append(CatalogEntry(msgid=f["msgid"], msgstr=msgstr, context=f.get("msgctxt"),
                                    plural="msgid_plural" in f, fuzzy=entry.fuzzy, line=entry.line))

    for n, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            if s.startswith("#~"):
                continue  # obsolete entry: not part of the catalogue
            if current is not None and any(k.startswith("msgstr") for k in current.fields):
                finish(current)
                current = None
            if s.startswith("#,") and "fuzzy" in (flag.strip() for flag in s[2:].split(",")):
                fuzzy_next = True
            continue
        if s.startswith('"'):
            if current is None or current.last is None:
                raise InputError("string continuation outside an entry", where, n)
            current.fields[current.last] += _parse_quoted(s, where, n)
            continue
        keyword, _, rest = s.partition(" ")
        if not _is_keyword(keyword):
            raise InputError(f"unknown keyword {keyword!r}", where, n)
        starts_entry = keyword in ("msgctxt", "msgid")
        if current is not None and starts_entry and any(k.startswith("msgstr") for k in current.fields):
            finish(current)
            current = None
        if current is None:
            if not starts_entry:
                raise InputError(f"{keyword} before msgid", where, n)
            current = _PoEntry(n, fuzzy_next)
            fuzzy_next = False
        if keyword in current.fields:
            raise InputError(f"duplicate {keyword} in the entry that starts at line {current.line}", where, n)
        if keyword == "msgctxt" and "msgid" in current.fields:
            raise InputError("msgctxt after msgid", where, n)
        if keyword.startswith("msgstr") and "msgid" not in current.fields:
            raise InputError(f"{keyword} before msgid", where, n)
        current.fields[keyword] = _parse_quoted(rest.strip(), where, n)
        current.last = keyword
    finish(current)
    return entries


def _is_keyword(word: str) -> bool:
    return word in ("msgctxt", "msgid", "msgid_plural", "msgstr") or re.fullmatch(r"msgstr\[\d+\]", word) is not None


def _parse_quoted(s: str, where, line: int) -> str:
    """The text of one C-style string literal `"..."` (the whole of `s`), escapes resolved."""
    if len(s) < 2 or s[0] != '"':
        raise InputError(f"expected a quoted string, got {s!r}", where, line)
    out = []
    i, end = 1, len(s)
    while i < end:
        c = s[i]
        if c == '"':
            if s[i + 1:].strip():
                raise InputError(f"text after the closing quote: {s[i + 1:]!r}", where, line)
            return "".join(out)
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= end:
            break
        e = s[i + 1]
        if e in _PO_ESCAPES:
            out.append(_PO_ESCAPES[e])
            i += 2
        elif e in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i + 1:])
            out.append(chr(int(m.group(0), 8)))
            i += 1 + len(m.group(0))
        elif e == "x":
            m = re.match(r"[0-9A-Fa-f]+", s[i + 2:])
            if m is None:
                raise InputError("\\x escape without hex digits", where, line)
            out.append(chr(int(m.group(0), 16)))
            i += 2 + len(m.group(0))
        else:
            raise InputError(f"unknown escape \\{e}", where, line)
    raise InputError(f"unterminated string {s!r}", where, line)
