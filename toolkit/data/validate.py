"""Checks of a data directory, as Kaldi's utils/validate_data_dir.sh makes them, reporting every problem.

Each problem is an InputError located at a file and, where it has one, a line
(`data/train/text:17: ...`). Unlike the shell script, checking goes on after the
first problem, so one run lists everything there is to fix; only a file that is not
valid UTF-8 gets nothing but its undecodable lines reported.
"""
from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.data.files import FILES, SPK2UTT, Index, parse_segment
from toolkit.errors import InputError
from toolkit.io.table import iter_table
from toolkit.log import get_logger

_log = get_logger(__name__)

ILLEGAL_WORDS = ("<s>", "</s>", "#0")
"""Symbols the language-model and lexicon tools reserve; a transcript may not contain them."""

# White space other than space, tab and CR (reported on its own): Kaldi splits fields on
# space and tab only, so e.g. a no-break space would silently become part of a word.
_ODD_SPACE = re.compile(r"[^\S \t\r]")
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Anything the line-by-line checks look for, searched in a whole file at once.
_SUSPECT = re.compile(r"[^\S \t\n]|\ufeff|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class _Table:
    """What was read from one file: first line of each key, and the values that passed the format check."""

    lines: dict[str, int] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


def validate_data_dir(
    path: str | os.PathLike,
    *,
    no_text: bool = False,
    no_feats: bool = False,
    no_wav: bool = False,
    non_print: bool = False,
    no_spk_sort: bool = False,
) -> list[InputError]:
    """Every problem Kaldi's validate_data_dir.sh would object to, sorted by file and line.

    Options mirror the script's: `no_text`, `no_feats`, `no_wav` stop requiring those
    files (they are still checked when present; wav.scp is not required when feats.scp
    exists), `non_print` allows non-printable characters in text, `no_spk_sort` drops
    the requirement that speaker ids be prefixes of their utterance ids (and that
    utt2spk therefore be sorted by speaker as well). An empty list means valid.
    """
    checker = _Checker(Path(path), full=True, non_print=non_print, no_spk_sort=no_spk_sort)
    checker.run(ignore=())
    directory = Path(path)
    if directory.is_dir():
        required = [(SPK2UTT, "create it from utt2spk with fix_data_dir")]
        if not no_text:
            required.append(("text", "if this is by design, use --no-text"))
        if not no_wav and not (directory / "feats.scp").is_file():
            required.append(("wav.scp", "if this is by design, use --no-wav"))
        if not no_feats:
            required.append(("feats.scp", "if this is by design, use --no-feats"))
        for name, hint in required:
            if not (directory / name).is_file():
                checker.problem(f"no such file ({hint})", name)
    return checker.sorted_problems()


def consistency_problems(path: str | os.PathLike, ignore: tuple[str, ...] = ()) -> list[InputError]:
    """The problems that stop a directory from being loaded as a DataDir.

    That is: utt2spk present and not empty, no blank lines, no repeated keys,
    well-formed values, and every file keyed by exactly the utterances, speakers or
    recordings that utt2spk (and segments) define. Sort order, speaker-id prefixes,
    transcript content and spk2utt (which is derived) are not checked. Files named in
    `ignore` are treated as absent.
    """
    checker = _Checker(Path(path), full=False, non_print=True, no_spk_sort=True)
    checker.run(ignore=ignore)
    return checker.sorted_problems()


class _Checker:
    def __init__(self, directory: Path, full: bool, non_print: bool, no_spk_sort: bool):
        self.dir = directory
        self.full = full
        self.non_print = non_print
        self.no_spk_sort = no_spk_sort
        self.problems: list[InputError] = []

    def problem(self, message: str, name: str | None = None, line: int | None = None) -> None:
        self.problems.append(InputError(message, self.dir if name is None else self.dir / name, line))

    def sorted_problems(self) -> list[InputError]:
        return sorted(self.problems, key=lambda p: (p.path or "", p.line or 0))

    def run(self, ignore: tuple[str, ...]) -> None:
        if not self.dir.is_dir():
            self.problem("no such directory")
            return
        names = [n for n in (*FILES, SPK2UTT) if n not in ignore and (self.dir / n).is_file()]
        tables = {name: self.read(name) for name in names}
        readable = {name: t for name, t in tables.items() if t is not None}
        if "utt2spk" not in names:
            self.problem("no such file", "utt2spk")
            return
        if "segments" in names and "wav.scp" not in names:
            self.problem("segments exists but wav.scp does not", "segments")
        utt2spk = readable.get("utt2spk")
        if utt2spk is None:
            return
        if not utt2spk.lines:
            self.problem("empty file", "utt2spk")
            return
        speakers: dict[str, int] = {}
        for utt, spk in utt2spk.values.items():
            speakers.setdefault(spk, utt2spk.lines[utt])
        if self.full:
            self.check_speaker_order(utt2spk)
            if len(speakers) == 1:
                _log.warning("%s has only one speaker: speaker adaptation and per-speaker CMVN "
                             "will not generalise (see 'bold' in Kaldi's data_prep.html)", self.dir)
            if SPK2UTT in readable:
                self.check_spk2utt(readable[SPK2UTT], utt2spk)
            if "text" in readable:
                self.check_words(readable["text"])
        if "segments" in names and "segments" not in readable:
            return  # recording ids unknown: nothing below can be checked against them
        self.check_keys(readable, utt2spk, speakers)

    def read(self, name: str) -> _Table | None:
        """Read one file, reporting line-level problems; None if it cannot be decoded."""
        file = self.dir / name
        undecodable = self.lint(file, name) if self.full else False
        check = FILES[name].check if name in FILES else _utterance_list
        table = _Table()
        previous: tuple[str, int] | None = None
        try:
            for entry in iter_table(file):
                if not entry.key:
                    self.problem("blank line", name, entry.line)
                    continue
                if entry.key in table.lines:
                    self.problem(f"duplicate key '{entry.key}' (first on line {table.lines[entry.key]})",
                                 name, entry.line)
                    continue
                message = check(entry.value)
                if message is not None:
                    self.problem(message, name, entry.line)
                else:
                    table.values[entry.key] = entry.value
                if self.full and previous is not None and entry.key < previous[0]:
                    self.problem(f"key '{entry.key}' is out of sorted order: it comes after "
                                 f"'{previous[0]}' on line {previous[1]} (sort with LC_ALL=C)",
                                 name, entry.line)
                table.lines[entry.key] = entry.line
                previous = (entry.key, entry.line)
        except InputError as e:
            if not undecodable:
                self.problems.append(e)
            return None
        return table

    def lint(self, file: Path, name: str) -> bool:
        """Byte-level problems of each line; True if some line is not UTF-8."""
        data = file.read_bytes()
        if not data:
            return False
        lines = data.split(b"\n")
        if lines[-1]:
            self.problem("the last line does not end in a newline", name, len(lines))
        else:
            lines.pop()
        check_print = name == "text" and not self.non_print
        try:
            whole = data.decode("utf-8")
        except UnicodeDecodeError:
            whole = None
        if whole is not None and not _SUSPECT.search(whole) and not (check_print and not whole.isascii()):
            return False  # nothing below could match: skip the line-by-line pass
        undecodable = False
        for n, raw in enumerate(lines, start=1):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                self.problem(f"not valid UTF-8 (byte {e.start + 1} of the line)", name, n)
                undecodable = True
                continue
            if "\r" in text:
                self.problem("carriage return (CR) character: DOS line endings?", name, n)
            odd = sorted(set(_ODD_SPACE.findall(text)))
            if odd:
                self.problem(f"disallowed white space {_code_points(odd)}: fields are separated "
                             "by spaces and tabs only", name, n)
            if "\ufeff" in text:
                self.problem("byte-order mark (U+FEFF): save the file as UTF-8 without BOM", name, n)
            if check_print:
                bad = _non_printable(text)
                if bad:
                    self.problem(f"non-printable character(s) {_code_points(bad)} "
                                 "(use --non-print to allow them)", name, n)
        return undecodable

    def check_speaker_order(self, utt2spk: _Table) -> None:
        """Speaker ids must be prefixes of their utterance ids, so that one sort order serves both."""
        if self.no_spk_sort:
            return
        previous: str | None = None
        for utt, spk in utt2spk.values.items():
            line = utt2spk.lines[utt]
            if not utt.startswith(spk):
                self.problem(f"speaker '{spk}' is not a prefix of utterance '{utt}' (name utterances "
                             "<speaker>-<rest>, or use --no-spk-sort)", "utt2spk", line)
                continue
            if previous is not None and spk < previous:
                self.problem(f"utterance '{utt}' of speaker '{spk}' comes after speaker '{previous}': "
                             "utt2spk is not sorted by speaker as well as by utterance (separate the "
                             "speaker id from the rest of the utterance id with '-' or '_')", "utt2spk", line)
            previous = spk

    def check_spk2utt(self, spk2utt: _Table, utt2spk: _Table) -> None:
        """spk2utt must list, for each speaker, exactly its utterances in utt2spk, sorted."""
        listed: set[str] = set()
        for spk, utts in spk2utt.values.items():
            line = spk2utt.lines[spk]
            words = utts.split()
            if words != sorted(words):
                self.problem(f"the utterances of speaker '{spk}' are not in sorted order", SPK2UTT, line)
            seen: set[str] = set()
            for utt in words:
                if utt in seen:
                    self.problem(f"speaker '{spk}' lists utterance '{utt}' twice", SPK2UTT, line)
                    continue
                seen.add(utt)
                owner = utt2spk.values.get(utt)
                if utt not in utt2spk.lines:
                    self.problem(f"speaker '{spk}' lists utterance '{utt}', which is not in utt2spk",
                                 SPK2UTT, line)
                elif owner is not None and owner != spk:
                    self.problem(f"speaker '{spk}' lists utterance '{utt}', which utt2spk (line "
                                 f"{utt2spk.lines[utt]}) gives to speaker '{owner}'", SPK2UTT, line)
                else:
                    listed.add(utt)
        missing_speakers: set[str] = set()
        for utt, spk in utt2spk.values.items():
            if utt in listed:
                continue
            if spk in spk2utt.lines:
                self.problem(f"speaker '{spk}' does not list its utterance '{utt}' (utt2spk line "
                             f"{utt2spk.lines[utt]})", SPK2UTT, spk2utt.lines[spk])
            elif spk not in missing_speakers:
                missing_speakers.add(spk)
                self.problem(f"speaker '{spk}' is not in spk2utt", "utt2spk", utt2spk.lines[utt])

    def check_words(self, text: _Table) -> None:
        for utt, transcript in text.values.items():
            words = set(transcript.split())
            illegal = [w for w in ILLEGAL_WORDS if w in words]
            if illegal:
                self.problem(f"transcript of '{utt}' contains the reserved symbol(s) {' '.join(illegal)}",
                             "text", text.lines[utt])

    def check_keys(self, tables: dict[str, _Table], utt2spk: _Table, speakers: dict[str, int]) -> None:
        """Every file must be keyed by exactly the utterances, speakers or recordings it is indexed by."""
        segments = tables.get("segments")
        recordings: dict[str, int] = {}
        if segments is not None:
            for utt, value in segments.values.items():
                recordings.setdefault(parse_segment(value).recording, segments.lines[utt])
        for name, table in tables.items():
            if name in ("utt2spk", SPK2UTT):
                continue
            index = FILES[name].index
            if index is Index.RECORDING and segments is not None:
                expected, owner = recordings, "segments"
                extra = "recording '{}' is not used by any segment"
                missing = "recording '{}' has no entry in " + name
            elif index is Index.SPEAKER:
                expected, owner = speakers, "utt2spk"
                extra = "speaker '{}' has no utterances in utt2spk"
                missing = "speaker '{}' has no entry in " + name
            else:
                expected, owner = utt2spk.lines, "utt2spk"
                extra = "utterance '{}' is not in utt2spk"
                missing = "utterance '{}' has no entry in " + name
            for key, line in table.lines.items():
                if key not in expected:
                    self.problem(extra.format(key), name, line)
            for key, line in expected.items():
                if key not in table.lines:
                    self.problem(missing.format(key), owner, line)


def _utterance_list(value: str) -> str | None:
    return None if value else "a speaker needs at least one utterance"


def _non_printable(text: str) -> list[str]:
    if text.isascii():
        return sorted(set(_ASCII_CONTROL.findall(text)))
    return sorted({c for c in text if c not in "\t\r" and unicodedata.category(c) in ("Cc", "Cs", "Cn")})


def _code_points(chars: list[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in chars)
