"""Bilingual word lexicons: the `source<TAB>target` file, building one from FreeDict, precision@1.

A lexicon maps a lower-cased source word to its target words, best first (a dict keeps
the file's order). Words are single tokens of `toolkit.text.words.tokens`.

From FreeDict entries (`toolkit.text.dictd`), a headword and a translation make a pair when
each is a single word once parenthesised qualifiers are removed ("(female) duck" -> "duck",
"ash (tree)" -> "ash") and the typographic hyphens U+2010/U+2011 read as "-"; everything
else ("l'homme", "go forward", "ne ... que", "-able") is dropped. English verbs in these
dictionaries are bare ("acquire", not "to acquire"), so no "to " prefix is stripped: the
"to them"-style translations of pronouns are multi-word and dropped.
"""
from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.text.dictd import Entry
from toolkit.text.words import is_word, tokens

Lexicon = dict[str, list[str]]

_QUALIFIER = re.compile(r"\([^()]*\)")
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})


def single_word(text: str) -> str | None:
    """`text` lower-cased if `tokens` makes it one word token (after the clean-up in the module doc), else None.

    French elided articles count as words ("l'" -> "l'"), as `tokens` splits them off.
    """
    text = _QUALIFIER.sub(" ", text.translate(_HYPHENS)).strip()
    toks = tokens(text)
    if len(toks) == 1 and is_word(toks[0]):
        return toks[0].lower()
    # An elided article ("l'", "qu'") is a word token only in front of a word.
    toks = tokens(text + "x")
    elided = "".join(tokens(text))
    if len(toks) == 2 and toks[1] == "x" and toks[0] == elided and is_word(elided):
        return elided.lower()
    return None


def read_lexicon(path: str | os.PathLike) -> Lexicon:
    """The lexicon in `path`: source -> targets in file order, repeated pairs dropped.

    Pairs whose sides are not single words are skipped (MUSE's files hold a few); a line that
    is not `source<TAB>target` with two non-empty sides (blank and comment lines included)
    raises InputError naming file:line.
    """
    lexicon: Lexicon = {}
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            for n, line in enumerate(f, start=1):
                fields = line.rstrip("\n").rstrip("\r").split("\t")
                if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
                    raise InputError(f"expected source<TAB>target, got {line.rstrip()!r}", path, n)
                source, target = single_word(fields[0]), single_word(fields[1])
                if source is not None and target is not None:
                    _add(lexicon, source, target)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e})", path) from None
    return lexicon


def write_lexicon(path: str | os.PathLike,
                  pairs: Mapping[str, Sequence[str]] | Iterable[tuple[str, str]]) -> int:
    """Write `pairs` (a lexicon or (source, target) pairs, in order) atomically; returns how many.

    ToolkitError if a side is empty or holds a tab or newline, which the file cannot represent.
    """
    if isinstance(pairs, Mapping):
        pairs = lexicon_pairs(pairs)
    count = 0
    with atomic_write(path) as f:
        for source, target in pairs:
            for side in (source, target):
                if not side or any(c in side for c in "\t\n\r"):
                    raise ToolkitError(f"cannot write lexicon pair ({source!r}, {target!r}) to {path}")
            f.write(f"{source}\t{target}\n")
            count += 1
    return count


def lexicon_pairs(lexicon: Mapping[str, Sequence[str]]) -> Iterable[tuple[str, str]]:
    """Every (source, target) pair of `lexicon`, sources in order, targets best first."""
    for source, targets in lexicon.items():
        for target in targets:
            yield source, target


def entry_pairs(entries: Iterable[Entry]) -> list[tuple[str, str]]:
    """The single-word (headword, translation) pairs of dictionary entries, lower-cased, in order."""
    pairs = []
    for entry in entries:
        head = single_word(entry.headword)
        if head is None:
            continue
        for translation in entry.translations:
            target = single_word(translation)
            if target is not None:
                pairs.append((head, target))
    return pairs


def merge_directions(direct: Iterable[tuple[str, str]], reverse: Iterable[tuple[str, str]]) -> Lexicon:
    """A lexicon of `direct`'s pairs, then the flipped pairs of the opposite dictionary as fallbacks.

    `reverse` holds (target, source) pairs; for each source its direct targets come first,
    then those only the opposite dictionary gives; repeats are dropped.
    """
    lexicon: Lexicon = {}
    for source, target in direct:
        _add(lexicon, source, target)
    for target, source in reverse:
        _add(lexicon, source, target)
    return lexicon


def freedict_lexicons(forward: Iterable[Entry], backward: Iterable[Entry]) -> tuple[Lexicon, Lexicon]:
    """(src->tgt, tgt->src) lexicons from the src-tgt and tgt-src FreeDict dictionaries' entries."""
    fwd, bwd = entry_pairs(forward), entry_pairs(backward)
    return merge_directions(fwd, bwd), merge_directions(bwd, fwd)


def precision_at_1(predicted: Mapping[str, Sequence[str]], reference: Mapping[str, Sequence[str]]
                   ) -> tuple[float, int]:
    """MUSE's P@1: over the sources in both lexicons with a prediction, the fraction whose first
    predicted target is one of the reference's targets; returns (P@1, number of sources evaluated).

    P@1 is NaN when no source is evaluated.
    """
    hits = evaluated = 0
    for source, targets in reference.items():
        guesses = predicted.get(source)
        if not guesses:
            continue
        evaluated += 1
        hits += guesses[0] in targets
    return (hits / evaluated if evaluated else math.nan), evaluated


def _add(lexicon: Lexicon, source: str, target: str) -> None:
    targets = lexicon.setdefault(source, [])
    if target not in targets:
        targets.append(target)
