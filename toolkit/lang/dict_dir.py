"""The dictionary directory (Kaldi's data/local/dict): the input of prepare_lang.

Files: lexicon.txt (or lexiconp.txt, preferred when present, as Kaldi does),
silence_phones.txt and nonsilence_phones.txt (one line per base phone; phones on a line
are variants such as stress marks that share a tree root), optional_silence.txt (one
phone), extra_questions.txt (optional; one question, a set of phones, per line).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_dir, atomic_write
from toolkit.lang.lexicon import LexiconEntry, read_lexicon, word_problem, write_lexicon

LEXICON = "lexicon.txt"
LEXICONP = "lexiconp.txt"
SILENCE_PHONES = "silence_phones.txt"
NONSILENCE_PHONES = "nonsilence_phones.txt"
OPTIONAL_SILENCE = "optional_silence.txt"
EXTRA_QUESTIONS = "extra_questions.txt"


@dataclass
class DictDir:
    """The content of a dictionary directory; phone lists keep their lines."""

    lexicon: list[LexiconEntry]
    silence_phones: list[list[str]]
    nonsilence_phones: list[list[str]]
    optional_silence: str
    extra_questions: list[list[str]] = field(default_factory=list)

    def silence_set(self) -> set[str]:
        return {p for line in self.silence_phones for p in line}

    def nonsilence_set(self) -> set[str]:
        return {p for line in self.nonsilence_phones for p in line}

    def has_pron_probs(self) -> bool:
        return any(e.prob != 1.0 for e in self.lexicon)


def phone_problem(phone: str) -> str | None:
    """Why `phone` cannot be a phone name, or None."""
    if phone == "<eps>":
        return "'<eps>' is reserved for phones.txt and cannot be a phone"
    if phone.startswith("#"):
        return f"phone '{phone}' starts with '#', which marks disambiguation symbols"
    return None


def validate_dict_dir(d: DictDir, path: str | os.PathLike | None = None) -> None:
    """Check `d` as Kaldi's validate_dict_dir.pl does; InputError locates each problem.

    With `path` (the directory it was read from) errors name file and line; list item i
    of each file is on line i + 1, as read_dict_dir guarantees.
    """
    root = None if path is None else Path(path)

    def where(filename: str, index: int | None = None) -> dict:
        if root is None:
            return {"path": filename, "line": None if index is None else index + 1}
        return {"path": root / filename, "line": None if index is None else index + 1}

    if not d.silence_phones:
        raise InputError("no silence phones (at least the optional silence is needed)", **where(SILENCE_PHONES))
    if not d.nonsilence_phones:
        raise InputError("no non-silence phones", **where(NONSILENCE_PHONES))
    seen: dict[str, tuple[str, int]] = {}
    for filename, lines in ((SILENCE_PHONES, d.silence_phones), (NONSILENCE_PHONES, d.nonsilence_phones)):
        for i, line in enumerate(lines):
            if not line:
                raise InputError("empty line", **where(filename, i))
            for p in line:
                problem = phone_problem(p)
                if problem:
                    raise InputError(problem, **where(filename, i))
                if p in seen:
                    first_file, first_line = seen[p]
                    raise InputError(
                        f"phone '{p}' listed twice (also {first_file} line {first_line})", **where(filename, i)
                    )
                seen[p] = (filename, i + 1)
    if d.optional_silence not in d.silence_set():
        raise InputError(
            f"optional silence '{d.optional_silence}' is not in {SILENCE_PHONES}", **where(OPTIONAL_SILENCE, 0)
        )
    lexicon_file = LEXICONP if d.has_pron_probs() else LEXICON
    if not d.lexicon:
        raise InputError("lexicon is empty", **where(lexicon_file))
    first_index: dict[tuple[str, tuple[str, ...]], int] = {}
    for i, e in enumerate(d.lexicon):
        problem = word_problem(e.word) or (None if e.phones else f"'{e.word}' has an empty pronunciation")
        if problem:
            raise InputError(problem, **where(lexicon_file, i))
        if (e.word, e.phones) in first_index:
            raise InputError(
                f"pronunciation '{' '.join(e.phones)}' of '{e.word}' repeated "
                f"(first on line {first_index[e.word, e.phones] + 1})",
                **where(lexicon_file, i),
            )
        first_index[e.word, e.phones] = i
        for p in e.phones:
            if p not in seen:
                raise InputError(
                    f"phone '{p}' of '{e.word}' is in neither {SILENCE_PHONES} nor {NONSILENCE_PHONES}",
                    **where(lexicon_file, i),
                )
    for i, question in enumerate(d.extra_questions):
        for p in question:
            if p not in seen:
                raise InputError(f"unknown phone '{p}'", **where(EXTRA_QUESTIONS, i))


def _read_phone_lines(path: Path, required: bool = True) -> list[list[str]]:
    if not path.is_file():
        if required:
            raise InputError("no such file", path)
        return []
    with open(path, encoding="utf-8") as f:
        return [line.split() for line in f]


def read_dict_dir(path: str | os.PathLike) -> DictDir:
    """Read and validate a dictionary directory."""
    root = Path(path)
    if not root.is_dir():
        raise InputError("no such dictionary directory", root)
    if (root / LEXICONP).is_file():
        lexicon = read_lexicon(root / LEXICONP, with_probs=True)
    else:
        lexicon = read_lexicon(root / LEXICON)
    optional = _read_phone_lines(root / OPTIONAL_SILENCE)
    if len(optional) != 1 or len(optional[0]) != 1:
        raise InputError("expected exactly one phone on one line", root / OPTIONAL_SILENCE)
    d = DictDir(
        lexicon=lexicon,
        silence_phones=_read_phone_lines(root / SILENCE_PHONES),
        nonsilence_phones=_read_phone_lines(root / NONSILENCE_PHONES),
        optional_silence=optional[0][0],
        extra_questions=_read_phone_lines(root / EXTRA_QUESTIONS, required=False),
    )
    validate_dict_dir(d, root)
    return d


def write_dict_dir(path: str | os.PathLike, d: DictDir) -> None:
    """Validate `d` and write it as a dictionary directory, replacing `path` atomically.

    lexiconp.txt is written beside lexicon.txt only when some probability differs from 1.
    """
    validate_dict_dir(d)
    with atomic_dir(path) as tmp:
        write_lexicon(tmp / LEXICON, d.lexicon)
        if d.has_pron_probs():
            write_lexicon(tmp / LEXICONP, d.lexicon, with_probs=True)
        for filename, lines in (
            (SILENCE_PHONES, d.silence_phones),
            (NONSILENCE_PHONES, d.nonsilence_phones),
            (OPTIONAL_SILENCE, [[d.optional_silence]]),
            (EXTRA_QUESTIONS, d.extra_questions),
        ):
            with atomic_write(tmp / filename) as f:
                f.write("".join(" ".join(line) + "\n" for line in lines))
