"""Word-by-word translation with a bilingual lexicon: the initial model M(1) of Lample et al. (2017).

A line splits into `toolkit.text.words.tokens`; each word token becomes the first
translation of its lower-cased form, with the source's capital first letter carried over;
unknown words, punctuation and symbols are copied. The result is joined by `join_tokens`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from toolkit.text.words import is_word, join_tokens, tokens


@dataclass
class Coverage:
    """How many word tokens were seen and how many of them the lexicon translated."""

    word_tokens: int = 0
    translated: int = 0

    @property
    def rate(self) -> float:
        """translated / word_tokens (0.0 for no word token)."""
        return self.translated / self.word_tokens if self.word_tokens else 0.0

    def __str__(self) -> str:
        return f"{self.translated}/{self.word_tokens} word tokens translated ({100 * self.rate:.1f}%)"


def translate_line(line: str, lexicon: Mapping[str, Sequence[str]], coverage: Coverage | None = None) -> str:
    """`line` translated word by word; counts into `coverage` when given."""
    out = []
    for token in tokens(line):
        if not is_word(token):
            out.append(token)
            continue
        targets = lexicon.get(token.lower())
        if coverage is not None:
            coverage.word_tokens += 1
            coverage.translated += bool(targets)
        if not targets:
            out.append(token)
            continue
        target = targets[0]
        if token[0].isupper():
            target = target[:1].upper() + target[1:]
        out.append(target)
    return join_tokens(out)


def translate_lines(lines: Iterable[str], lexicon: Mapping[str, Sequence[str]]) -> tuple[list[str], Coverage]:
    """Every line translated word by word, and the coverage over all of them."""
    coverage = Coverage()
    return [translate_line(line, lexicon, coverage) for line in lines], coverage
