"""Phone sets of a lang directory, with optional word-position-dependent phones (_B _E _I _S).

Follows utils/prepare_lang.sh: a non-silence phone P becomes P_B P_E P_I P_S; a silence
phone S keeps S itself (used for optional silence between words) and gains S_B S_E S_I S_S.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from toolkit.errors import InputError
from toolkit.lang.dict_dir import DictDir

POSITION_SUFFIXES = ("_B", "_E", "_I", "_S")
_BOUNDARY_OF_SUFFIX = {"_B": "begin", "_E": "end", "_I": "internal", "_S": "singleton"}
WORD_BOUNDARY_KINDS = ("nonword", *_BOUNDARY_OF_SUFFIX.values())


def with_word_positions(pron: Sequence[str]) -> tuple[str, ...]:
    """Mark each phone of a pronunciation with its place in the word: (a, b, c) -> (a_B, b_I, c_E)."""
    if len(pron) == 1:
        return (pron[0] + "_S",)
    return (pron[0] + "_B", *(p + "_I" for p in pron[1:-1]), pron[-1] + "_E")


def position_variants(phone: str, silence: bool) -> list[str]:
    """The phones.txt entries made from one dictionary phone."""
    return ([phone] if silence else []) + [phone + s for s in POSITION_SUFFIXES]


def word_boundary(phone: str) -> str:
    """begin/end/internal/singleton from the suffix, or nonword (phones/word_boundary.txt)."""
    return _BOUNDARY_OF_SUFFIX.get(phone[-2:], "nonword")


@dataclass
class PhoneSets:
    """The phone lists of lang/phones/: every list holds phones as phones.txt names them."""

    silence: list[str]
    nonsilence: list[str]
    optional_silence: str
    sets: list[list[str]]
    roots: list[tuple[str, str, list[str]]]  # (shared|not-shared, split|not-split, phones)
    extra_questions: list[list[str]]
    position_dependent: bool

    @property
    def context_indep(self) -> list[str]:
        return list(self.silence)


def make_phone_sets(
    d: DictDir,
    position_dependent: bool = True,
    share_silence_phones: bool = False,
    share_state_roots: bool = True,
) -> PhoneSets:
    """The phone sets prepare_lang.sh derives from a dictionary directory.

    sets.txt has one line per line of silence_phones.txt then nonsilence_phones.txt (all
    silence phones on one line if `share_silence_phones`, whose root is then
    'not-shared not-split'); other roots are '<shared> split' with <shared> 'shared' if
    `share_state_roots` (one tree root for all HMM states of a phone) else 'not-shared'.
    """
    if position_dependent:
        for p in d.silence_set() | d.nonsilence_set():
            if p[-2:] in POSITION_SUFFIXES:
                raise InputError(
                    f"phone '{p}' ends in a word-position suffix; rename it or use "
                    "--position-dependent-phones false"
                )

    silence_base = d.silence_set()

    def expand(line: Sequence[str]) -> list[str]:
        if not position_dependent:
            return list(line)
        return [v for p in line for v in position_variants(p, p in silence_base)]

    silence_lines = [expand(line) for line in d.silence_phones]
    nonsilence_lines = [expand(line) for line in d.nonsilence_phones]
    shared = "shared" if share_state_roots else "not-shared"
    if share_silence_phones:
        sets = [[p for line in silence_lines for p in line], *nonsilence_lines]
        roots = [("not-shared", "not-split", sets[0])] + [(shared, "split", s) for s in sets[1:]]
    else:
        sets = silence_lines + nonsilence_lines
        roots = [(shared, "split", s) for s in sets]

    questions = [expand(q) for q in d.extra_questions]
    if position_dependent:
        # Questions about the word position itself, separately for silence and non-silence.
        silence_order = [p for line in d.silence_phones for p in line]
        nonsilence_order = [p for line in d.nonsilence_phones for p in line]
        questions += [[p + s for p in nonsilence_order] for s in POSITION_SUFFIXES]
        questions += [[p + s for p in silence_order] for s in ("", *POSITION_SUFFIXES)]
    return PhoneSets(
        silence=[p for line in silence_lines for p in line],
        nonsilence=[p for line in nonsilence_lines for p in line],
        optional_silence=d.optional_silence,
        sets=sets,
        roots=roots,
        extra_questions=questions,
        position_dependent=position_dependent,
    )
