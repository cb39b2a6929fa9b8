"""Word tokens of detokenized English or French text, for dictionaries and word embeddings.

A line splits into tokens that are either words (runs of letters and digits, with inner
hyphens or apostrophes: "e-mail", "don't") or single other characters (punctuation, symbols);
white space separates and is dropped. The typographic apostrophe is read as "'". A French
elision ("l'homme", "qu'il", "jusqu'à") splits after its apostrophe ("l'", "homme"), so the word
after it is the dictionary's headword. `words` gives the lower-cased word tokens only;
`join_tokens` undoes the split closely enough for sacrebleu's tokenizer (one space between
tokens, none after an elided article).
"""
from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|\S")
_ELISION = re.compile(r"(?i)^(l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'(?=[^\W_])")


def tokens(line: str) -> list[str]:
    """Every word and punctuation token of `line`, in order, case kept."""
    out: list[str] = []
    for token in _TOKEN.findall(line.replace("\u2019", "'")):
        m = _ELISION.match(token)
        if m:
            out.append(token[:m.end()])
            token = token[m.end():]
        out.append(token)
    return out


def is_word(token: str) -> bool:
    """True for a word token of `tokens` (not punctuation or a symbol)."""
    return token[:1].isalnum()


def words(line: str) -> list[str]:
    """The lower-cased word tokens of `line` (punctuation and symbols dropped)."""
    return [t.lower() for t in tokens(line) if is_word(t)]


def join_tokens(toks: list[str]) -> str:
    """A line of tokens: single spaces, none after an elided article ("l'" + "homme" -> "l'homme")."""
    out, prev = "", ""
    for t in toks:
        if out and not (len(prev) > 1 and prev.endswith("'")):
            out += " "
        out += t
        prev = t
    return out
