"""Split a paragraph of English or French prose into sentences.

A sentence ends at `.`, `!`, `?` or `…` (possibly repeated), followed by any closing
quotes or brackets (`"`, `”`, `’`, `'`, `)`, `]`, and `»` even after a French space:
`« Fin. » Puis`), when white space and then an uppercase letter, a digit or an opening
quote or bracket come next. It does not end after an abbreviation (ABBREVIATIONS, matched
on the lower-cased word before the period: "e.g.", "etc.", "Mr.", "cf.", "p. ex.") nor after
a single-letter initial ("J. R. R. Tolkien", "M. Dupont"). A period followed by no space
(3.5, foo.txt, www.debian.org) is never an end. Sentences keep their text exactly; white
space between them is dropped.
"""
from __future__ import annotations

import re

ABBREVIATIONS = frozenset({
    # English
    "e.g.", "i.e.", "etc.", "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "jr.", "sr.", "vs.",
    "cf.", "no.", "nos.", "fig.", "figs.", "vol.", "p.", "pp.", "ch.", "sec.", "approx.",
    "ca.", "inc.", "ltd.", "co.", "corp.", "dept.", "gen.", "gov.", "sen.", "rep.", "rev.",
    "lt.", "col.", "capt.", "sgt.", "mt.", "ft.", "jan.", "feb.", "mar.", "apr.", "jun.",
    "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.", "a.m.", "p.m.", "u.s.", "esp.",
    "ed.", "eds.", "al.", "viz.", "resp.", "min.", "max.",
    # French
    "mme.", "mmes.", "mlle.", "mlles.", "mm.", "ex.", "env.", "c.-à-d.", "c-à-d.", "cf.",
    "chap.", "éd.", "etc.", "n°.", "art.", "av.", "bd.", "vs.", "sqq.", "ibid.", "op.",
    "cit.", "ann.", "réf.", "p.ex.", "resp.",
})
_END = re.compile(r"(?:[.!?]+|…)(?:\s*»|[\"”’')\]])*")
_GAP = re.compile(r"\s+")
_OPENERS = "\"“‘'«(["


def _abbreviation_before(text: str, end: int) -> bool:
    """True when the period at text[end - 1] ends an abbreviation or an initial."""
    start = end - 1
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in _OPENERS:
        start -= 1
    word = text[start:end].lower()
    if word in ABBREVIATIONS:
        return True
    return len(word) == 2 and word[0].isalpha()   # an initial: "J." "M."


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of `paragraph`, in order, each stripped; [] for a blank paragraph."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(paragraph):
        gap = _GAP.match(paragraph, m.end())
        if gap is None or gap.end() == len(paragraph):
            continue
        follower = paragraph[gap.end()]
        if not (follower.isupper() or follower.isdigit() or follower in _OPENERS):
            continue
        # A lone period may end an abbreviation; "etc.)" or "..." end the sentence.
        if m.group() == "." and _abbreviation_before(paragraph, m.end()):
            continue
        sentence = paragraph[start:m.end()].strip()
        if sentence:
            out.append(sentence)
        start = gap.end()
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out
