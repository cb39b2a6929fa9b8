"""Prose paragraphs of man(7) pages, read from their roff source (no groff needed).

What a reader of the formatted page sees as running text is kept; everything else goes:
  * comments (`.\\"`, `'\\"`, `\\"`, `\\#`), `.TH`, headings (`.SH`, `.SS`) and the tags of
    `.TP` (its next line) and `.IP` (its argument): they are terms, not sentences;
  * whole sections whose heading is in SKIPPED_SECTIONS (synopsis, see-also lists,
    translator credits); of NAME/NOM only the description after `\\-` is kept;
  * displays: `.nf`/`.fi`, `.EX`/`.EE`, pod2man's `.Vb`/`.Ve`, tables `.TS`/`.TE`, equations
    `.EQ`/`.EN` (code and layout, not prose); macro definitions `.de`/`.am` ... `..`, `.ig`;
  * conditional requests `.if`/`.ie`/`.el`/`.while`, with their `\\{ ... \\}` blocks;
  * link targets of `.UR`/`.MT` (the link text is kept), unknown macros.
Font macros (`.B`, `.I`, `.BR`, `.IR`, `.SM`, ...) contribute their words (alternating
ones without spaces between arguments). A paragraph ends at every request that breaks
the line in a formatted page (`.PP`, `.LP`, `.P`, `.TP`, `.IP`, `.HP`, `.SH`, `.br`,
`.sp`, `.RS`, `.RE`, `.in`, a blank line, ...), so that text the page shows apart is
never joined into one sentence. Escapes are rendered: fonts and sizes vanish, special
characters (`\\(em`, `\\[aq]`, `\\[u00E9]`, `\\('e`, `\\*(lq`, ...) become their Unicode
characters, `\\-` `\\e` `\\&` `\\ ` `\\%` `\\c` and the like as troff prints them.

Pages that are only a `.so` link to another page, and mdoc(7) pages (`.Dd`), have no
paragraphs of their own here (`page_kind` tells them apart).
"""
from __future__ import annotations

import gzip
import os
import re
import unicodedata
import zlib
from pathlib import Path

from toolkit.errors import InputError

SKIPPED_SECTIONS = frozenset({
    "SYNOPSIS", "SYNOPSES", "RÉSUMÉ", "SYNTAXE",          # command lines and prototypes
    "SEE ALSO", "VOIR AUSSI",                              # lists of page references
    "TRADUCTION", "TRANSLATION", "TRADUCTEURS",            # translator credits, absent from the original
})
NAME_SECTIONS = frozenset({"NAME", "NOM"})

# Requests and macros that change nothing a reader sees as text and do not break the line
# (those handled by name in manpage_paragraphs are not listed).
_NO_BREAK = frozenset({
    "ft", "ps", "vs", "ss", "cs", "ul", "cu", "uf", "hy", "nh", "hla", "hlm", "hym", "hys",
    "ad", "na", "ne", "ta", "tc", "lc", "ll", "lt", "pl", "po", "fam", "PD", "DT", "IX",
    "UC", "AT", "as", "nr", "rr", "rn", "als", "char", "tr", "ftr", "mso", "so", "cp",
    "do", "pc", "cc", "c2", "ec", "eo", "ev", "ch", "wh", "it", "em", "lf", "hw", "kern",
    "fchar", "fschar", "schar", "shc", "sty", "UR", "MT", "URL", "MTO", "LINKSTYLE", "OP",
})
_FONT_JOINED = frozenset({"B", "I", "SM", "SB", "R"})
_FONT_ALTERNATING = frozenset({"BR", "RB", "IR", "RI", "BI", "IB"})
_DISPLAYS = {"nf": "fi", "EX": "EE", "Vb": "Ve", "TS": "TE", "EQ": "EN", "PS": "PE"}
_DEFINITIONS = frozenset({"de", "de1", "dei", "am", "am1", "ami", "ig"})
_CONDITIONALS = frozenset({"if", "ie", "el", "while"})

SPECIAL_CHARACTERS = {
    "em": "\u2014", "en": "\u2013", "hy": "-", "mi": "\u2212", "aq": "'", "dq": '"',
    "lq": "\u201c", "rq": "\u201d", "oq": "\u2018", "cq": "\u2019", "Fo": "\u00ab",
    "Fc": "\u00bb", "fo": "\u2039", "fc": "\u203a", "bq": "\u201a", "Bq": "\u201e",
    "bu": "\u2022", "co": "\u00a9", "rg": "\u00ae", "tm": "\u2122", "de": "\u00b0",
    "mu": "\u00d7", "di": "\u00f7", "+-": "\u00b1", ">=": "\u2265", "<=": "\u2264",
    "!=": "\u2260", "==": "\u2261", "->": "\u2192", "<-": "\u2190", "<>": "\u2194",
    "ga": "`", "ha": "^", "ti": "~", "rs": "\\", "sl": "/", "ba": "|", "or": "|",
    "at": "@", "sh": "#", "Do": "$", "ct": "\u00a2", "Eu": "\u20ac", "eu": "\u20ac",
    "Po": "\u00a3", "Ye": "\u00a5", "ss": "\u00df", "ae": "\u00e6", "AE": "\u00c6",
    "oe": "\u0153", "OE": "\u0152", "r!": "\u00a1", "r?": "\u00bf", "pc": "\u00b7",
    "sc": "\u00a7", "ps": "\u00b6", "ul": "_", "ru": "_", "br": "|", "fm": "\u2032",
    "sd": "\u2033", "12": "\u00bd", "14": "\u00bc", "34": "\u00be", "..": "\u2026",
    "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "\u27e8", "ra": "\u27e9",
    "if": "\u221e", "no": "\u00ac", "es": "\u2205", "ap": "~", "dg": "\u2020",
    "dd": "\u2021", "aa": "\u00b4", "a-": "\u00af", "ao": "\u02da", "ad": "\u00a8",
    "ac": "\u00b8", "a^": "^", "a~": "~", "'": "\u00b4", "`": "`", "-": "-",
    "en-dash": "\u2013", "lh": "\u261c", "rh": "\u261e", "tno": "\u00ac",
}
# Greek letters: \(*a is alpha, \(*A Alpha, in troff's Latin-letter order.
for _latin, _greek in zip("abgdezyhiklmncoprstufxqw", "αβγδεζηθικλμνξοπρστυφχψω"):
    SPECIAL_CHARACTERS["*" + _latin] = _greek
    SPECIAL_CHARACTERS["*" + _latin.upper()] = _greek.upper()
SPECIAL_CHARACTERS["ts"] = "ς"
# Composites: \('e is é, \(`a à, \(^o ô, \(:u ü, \(~n ñ, \(,c ç, \(oa å, \(/o ø.
_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", ":": "\u0308", "~": "\u0303", ",": "\u0327",
            "o": "\u030a", "/": "\u0338"}

PREDEFINED_STRINGS = {
    "lq": "\u201c", "rq": "\u201d", "R": "\u00ae", "Tm": "\u2122", "S": "", "HF": "", "HS": "",
    # pod2man's strings, as it defines them for nroff (terminal) output
    "C+": "C++", 'L"': '"', 'R"': '"', "C`": '"', "C'": '"', "--": "\u2014", "PI": "\u03c0",
    "Aq": "'", "Lq": "\u201c", "Rq": "\u201d", "Ba": "|",
}

_SECTION_NAME_SPACE = re.compile(r"\s+")
_SPACE = re.compile(r"\s+")
_LOCALE_DIR = re.compile(r"^([a-z]{2})(?:[_.@].*)?$")
_MAN_DIR = re.compile(r"^man[0-9n]\w*$")


def special_character(name: str) -> str:
    """The text of troff's special character `name` (`em`, `u00E9`, `char233`, `'e`); '' if unknown."""
    if name in SPECIAL_CHARACTERS:
        return SPECIAL_CHARACTERS[name]
    if re.fullmatch(r"u[0-9A-Fa-f]{4,6}(?:_[0-9A-Fa-f]{4,6})*", name):
        return unicodedata.normalize("NFC", "".join(chr(int(h, 16)) for h in name[1:].split("_")))
    if re.fullmatch(r"char[0-9]{1,7}", name):
        return chr(int(name[4:]))
    if len(name) == 2 and name[0] in _ACCENTS and name[1].isalpha():
        return unicodedata.normalize("NFC", name[1] + _ACCENTS[name[0]])
    return ""


def _name_at(s: str, i: int) -> tuple[str, int]:
    """A troff name starting at s[i]: `(xx`, `[long name]` or one character; returns (name, next index)."""
    if i >= len(s):
        return "", i
    if s[i] == "(":
        return s[i + 1:i + 3], i + 3
    if s[i] == "[":
        end = s.find("]", i)
        if end < 0:
            return s[i + 1:], len(s)
        return s[i + 1:end], end + 1
    return s[i], i + 1


def _delimited_at(s: str, i: int) -> tuple[str, int]:
    """The argument of an escape like \\w'...': text up to the repeated delimiter s[i]."""
    if i >= len(s):
        return "", i
    end = s.find(s[i], i + 1)
    if end < 0:
        return s[i + 1:], len(s)
    return s[i + 1:end], end + 1


_DROP_NAMED = set("gkmMFYV")          # \g(xx, \mx, \F[..]: registers, colours, families
_DROP_DELIMITED = set("hvwoblLDXZHSRABx")  # \h'..', \w'..', \X'..': motions, widths, drawings
_DROP_ONE = set("&)|^%:/,!zdurpa{}")
_AS_SPACE = set(" ~0t")


def render(s: str, strings: dict[str, str] | None = None) -> tuple[str, bool]:
    """The text troff prints for the input `s` (one line, escapes interpreted), and whether it
    ended in `\\c` (the next input line continues the same word). `strings` adds `.ds` definitions."""
    out: list[str] = []
    i, n, glue = 0, len(s), False
    while i < n:
        c = s[i]
        if c != "\\":
            out.append(c)
            glue = False
            i += 1
            continue
        if i + 1 >= n:
            break
        e = s[i + 1]
        i += 2
        glue = False
        if e in "\"#":
            break
        if e == "f":
            _, i = _name_at(s, i)
        elif e == "s":
            if i < n and s[i] in "+-":
                i += 1
            if i < n and s[i] in "([":
                _, i = _name_at(s, i)
            elif i < n and s[i] == "'":
                _, i = _delimited_at(s, i)
            else:
                i += 1
        elif e in "([":
            name, i = _name_at(s, i - 1)
            out.append(special_character(name))
        elif e == "C":
            name, i = _delimited_at(s, i)
            out.append(special_character(name))
        elif e == "N":
            code, i = _delimited_at(s, i)
            if code.isdigit():
                out.append(chr(int(code)))
        elif e == "*":
            name, i = _name_at(s, i)
            name = name.split(" ")[0]
            out.append((strings or {}).get(name, PREDEFINED_STRINGS.get(name, "")))
        elif e == "n":
            if i < n and s[i] in "+-":
                i += 1
            _, i = _name_at(s, i)
        elif e == "$":
            _, i = _name_at(s, i)
        elif e in _DROP_NAMED:
            _, i = _name_at(s, i)
        elif e in _DROP_DELIMITED:
            _, i = _delimited_at(s, i)
        elif e in "eE\\":
            out.append("\\")
        elif e == "-":
            out.append("-")
        elif e == "'":
            out.append("'")
        elif e in _AS_SPACE:
            out.append(" ")
        elif e == "c":
            glue = True
        elif e in _DROP_ONE:
            pass
        else:
            out.append(e)
    return "".join(out), glue


def split_arguments(s: str) -> list[str]:
    """Arguments of a request line (after its name), roff-style: blanks separate, `"a b"` quotes,
    `""` inside quotes is a quote; escapes (`\\ `) are kept for `render`."""
    args: list[str] = []
    i, n = 0, len(s)
    while i < n:
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            break
        arg: list[str] = []
        if s[i] == '"':
            i += 1
            while i < n:
                if s[i] == '"':
                    if i + 1 < n and s[i + 1] == '"':
                        arg.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                if s[i] == "\\" and i + 1 < n:
                    arg.append(s[i:i + 2])
                    i += 2
                    continue
                arg.append(s[i])
                i += 1
        else:
            while i < n and s[i] not in " \t":
                if s[i] == "\\" and i + 1 < n:
                    if s[i + 1] == '"':
                        return args + (["".join(arg)] if arg else [])
                    arg.append(s[i:i + 2])
                    i += 2
                    continue
                arg.append(s[i])
                i += 1
        args.append("".join(arg))
    return args


def _logical_lines(text: str) -> list[str]:
    """Input lines with escaped newlines (a line ending in an unescaped backslash) joined."""
    lines: list[str] = []
    pending = ""
    for line in text.split("\n"):
        line = pending + line.rstrip("\r")
        trailing = len(line) - len(line.rstrip("\\"))
        if trailing % 2:
            pending = line[:-1]
            continue
        pending = ""
        lines.append(line)
    if pending:
        lines.append(pending)
    return lines


def _request(line: str) -> tuple[str, str] | None:
    """(name, rest) of a control line ('.' or "'" first), None for a text line; name '' for `.` alone."""
    if not line or line[0] not in ".'":
        return None
    body = line[1:].lstrip(" \t")
    m = re.match(r"[^\s]*", body)
    name = m.group(0)
    if name.startswith('\\"') or name.startswith("\\#"):
        return "\\\"", ""
    return name, body[m.end():]


class _Page:
    """The state of reading one page: the section, the open paragraph, what to skip."""

    def __init__(self):
        self.paragraphs: list[str] = []
        self.words: list[str] = []
        self.glue = False
        self.section = ""
        self.strings: dict[str, str] = {}
        self.pending_tag = False       # the next text line is a .TP tag
        self.pending_heading = False   # the next text line is an .SH/.SS heading
        self.pending_heading_is_sub = False
        self.name_dash_seen = False

    def skipping_section(self) -> bool:
        return self.section in SKIPPED_SECTIONS

    def add(self, raw: str) -> None:
        """Add one input line of text (escapes not yet rendered) to the open paragraph."""
        if self.pending_heading:
            self.pending_heading = False
            self.set_section(raw, subsection=self.pending_heading_is_sub)
            return
        if self.pending_tag:
            self.pending_tag = False
            return
        if self.skipping_section():
            return
        if self.section in NAME_SECTIONS and not self.name_dash_seen:
            at = raw.find("\\-")
            if at < 0:
                return
            self.name_dash_seen = True
            raw = raw[at + 2:]
        text, glue = render(raw, self.strings)
        if self.glue and self.words:
            self.words[-1] += text
        else:
            self.words.append(text)
        self.glue = glue

    def set_section(self, raw_heading: str, subsection: bool) -> None:
        self.flush()
        if subsection:
            return
        heading, _ = render(raw_heading, self.strings)
        self.section = _SECTION_NAME_SPACE.sub(" ", heading).strip().upper()
        self.name_dash_seen = False

    def flush(self) -> None:
        text = _SPACE.sub(" ", " ".join(self.words)).strip()
        if text:
            self.paragraphs.append(text)
        self.words, self.glue = [], False


def page_kind(text: str) -> str:
    """'man' for a man(7) page, 'so' for a page that is only a `.so` link, 'mdoc' for an mdoc(7) page."""
    for line in text.split("\n"):
        req = _request(line)
        if req is None:
            if line.strip():
                return "man"
            continue
        name, _ = req
        if name in ("\\\"", ""):
            continue
        if name == "so":
            return "so"
        if name in ("Dd", "Dt", "Os"):
            return "mdoc"
        return "man"
    return "man"


def manpage_paragraphs(text: str) -> list[str]:
    """The prose paragraphs of a man(7) page's source `text`, in page order, white space collapsed."""
    page = _Page()
    closer: str | None = None     # the request that ends the display or definition being skipped
    braces = 0                    # depth of \{ ... \} of a skipped conditional
    for line in _logical_lines(text):
        if braces:
            braces += line.count("\\{") - line.count("\\}")
            braces = max(braces, 0)
            continue
        req = _request(line)
        if closer is not None:
            if req is not None and (req[0] == closer or (closer == ".." and line.strip() == "..")):
                closer = None
            elif req is not None and closer in ("fi", "EE") and req[0] in ("SH", "SS", "TH"):
                closer = None      # an unterminated .nf/.EX ends at the next section
            else:
                continue
        if req is None:
            if not line.strip():
                page.flush()       # a blank line is a paragraph break in roff
                continue
            if line[0] in " \t":
                page.flush()       # leading space breaks the line
            page.add(line)
            continue
        name, rest = req
        if name in ("\\\"", ""):
            continue
        if name in _CONDITIONALS:
            braces = max(rest.count("\\{") - rest.count("\\}"), 0)
            continue
        if name in _DEFINITIONS:
            closer = ".."
            continue
        if name in _DISPLAYS:
            page.flush()
            closer = _DISPLAYS[name]
            continue
        args = split_arguments(rest)
        if name in ("SH", "SS"):
            page.flush()
            page.pending_tag = False
            if args:
                page.set_section(" ".join(args), subsection=name == "SS")
            else:
                page.pending_heading = True
                page.pending_heading_is_sub = name == "SS"
            continue
        if name == "TH":
            continue
        if name == "ds" and args:
            value = rest.lstrip(" \t")[len(args[0]):].lstrip(" \t")
            page.strings[args[0]] = render(value[1:] if value.startswith('"') else value, page.strings)[0]
            continue
        if name in _FONT_JOINED or name in _FONT_ALTERNATING:
            if args:
                page.add((" " if name in _FONT_JOINED else "").join(args))
            continue
        if name in ("TP", "TQ"):
            page.flush()
            page.pending_tag = True
            continue
        if name in ("UE", "ME"):
            # Trailing punctuation follows the link text without a space.
            if args and page.words:
                page.words[-1] += render(args[0], page.strings)[0]
            continue
        if name not in _NO_BREAK:
            page.flush()   # .PP .LP .P .IP .HP .br .sp .RS .RE .in .fi ... and unknown macros
    page.flush()
    return page.paragraphs


def read_manpage(path: str | os.PathLike) -> str:
    """The source of a man page file, gunzipped if it ends in .gz; UTF-8, else Latin-1 (old pages)."""
    path = Path(path)
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                data = f.read()
        else:
            data = path.read_bytes()
    except (OSError, EOFError, zlib.error) as e:
        raise InputError(f"cannot read man page ({e})", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def page_language(path: Path) -> str:
    """The language of a page below `.../man/<lang>/manN/`: the locale directory's language,
    'en' where the `manN` directory is not in a locale directory (`/usr/share/man/man1`)."""
    m = _LOCALE_DIR.match(path.parent.parent.name)
    return m.group(1) if m else "en"


def manpage_id(path: Path) -> str:
    """`manN/NAME.N`: the page's section directory and file name without `.gz`, the same for a
    page and its translations (`/usr/share/man/man1/ls.1.gz`, `/usr/share/man/fr/man1/ls.1.gz`)."""
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    return f"{path.parent.name}/{name}"


def find_manpages(root: str | os.PathLike, lang: str | None = None) -> list[tuple[str, Path]]:
    """(manpage_id, file) of every page in a `manN` directory below `root`, sorted by path;
    only those of language `lang` (see page_language) when given."""
    root = Path(root)
    if not root.is_dir():
        raise InputError("not a directory", root)
    pages = []
    for dirpath, _, filenames in os.walk(root):
        here = Path(dirpath)
        if not _MAN_DIR.match(here.name):
            continue
        for name in sorted(filenames):
            path = here / name
            if path.is_file() and (lang is None or page_language(path) == lang):
                pages.append((manpage_id(path), path))
    return sorted(pages, key=lambda page: page[1])
