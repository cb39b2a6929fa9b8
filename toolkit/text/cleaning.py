"""Cleaning of parallel text: one-line plain text, placeholder agreement, length filters, dedup, overlap removal.

`clean_pair` (and `clean_text` for one side) turns a catalogue or help string into one
line of plain text:
  1. markup tags are removed: only tags whose name is a known HTML / Pango / help markup
     element (`<b>`, `</span>`, `<a href=...>`, `<br/>`), so that text in angle brackets
     such as `<All>` or `<Press 'Add'...>` stays;
  2. accelerator (mnemonic) markers are removed:
     - LibreOffice's `~` before a letter or digit (`Pa~ges` -> `Pages`);
     - GTK's `_` when a string has exactly one underscore, before a letter, in a token
       without placeholder or code characters, unless the pair shows the token is an
       identifier: found unchanged on both sides and not mixed case (`_Open`,
       `Pr_eferences` -> `_Préférences`, `D_escription` -> `D_escription` are mnemonics;
       `file_name`, `GTK_DEBUG` copied into the translation are not);
     - Qt's `&` before a letter, when not an entity nor between capitals (`&File`; not
       `R&D`); `&&` is a literal `&`;
  3. character entities are resolved (`&amp;` -> `&`);
  4. Unicode NFC; every run of white space (newlines, tabs, no-break and narrow no-break
     spaces, which French typography puts before `:` `;` `!` `?`) becomes one space; the
     ends are stripped. Training and held-out text go through the same function, so the
     references and the training targets agree.

Placeholders are kept in the text (a translation system must copy them) and a pair is kept
only when both sides hold the same multiset of placeholders: a pair whose French side drops
or renames one is not a faithful translation of the string the program shows. Recognised:
printf (`%s`, `%d`, `%1$s`, `%.2f`, `%lu`, Python `%(name)s`), LibreOffice (`%PRODUCTNAME`,
`%1`, `$(ARG1)`, `$1`, `$1$`), and brace fields (`{}`, `{0}`, `{name}`, `{name!r:>8}`).
`%%` is a literal percent sign, and `% d` (with a space) is not a placeholder because French
writes `50 % de`.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

_MARKUP_TAGS = (
    "a", "abbr", "ahelp", "b", "big", "bookmark_value", "blockquote", "br", "caption", "code", "div", "em", "emph",
    "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "item", "kbd", "li", "link", "menuitem", "ol", "p",
    "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "switchinline", "table", "tbody",
    "td", "th", "tr", "tt", "u", "ul", "var",
)
_TAG = re.compile(rf"</?(?:{'|'.join(_MARKUP_TAGS)})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_TILDE_ACCEL = re.compile(r"~(?=\w)")
_AMP_ACCEL = re.compile(r"(?<![A-Z])&(?!#\d+;|#x[0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)(?=[^\W\d_])")
_NOT_MNEMONIC = re.compile(r"[%$@{}=<>\\]")  # a token with these is a placeholder, markup or code
_TOKEN_AROUND = re.compile(r"\S*_\S*")
_SPACE = re.compile(r"\s+")

PLACEHOLDER = re.compile(
    r"%%"                                                            # literal percent: not a placeholder
    r"|%\([A-Za-z_][A-Za-z0-9_]*\)[-+#0]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"   # Python %(name)s
    r"|%[A-Z][A-Z0-9_]+"                                             # LibreOffice %PRODUCTNAME
    r"|%(?:\d+\$)?[-+#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t|I64|I32)?[diouxXeEfFgGaAcspn]"
    r"|%\d+"                                                         # LibreOffice / Qt %1
    r"|\$\([A-Za-z0-9_]+\)"                                          # $(ARG1)
    r"|\$\d+\$?"                                                     # $1, $1$
    r"|\{[A-Za-z0-9_.]*(?:![rsa])?(?::[^{}]*)?\}"                    # {}, {0}, {name}, {name!r:>8}
)


def strip_markup(text: str) -> str:
    """`text` without markup tags (known element names only); the text between tags is kept."""
    return _TAG.sub("", text)


def strip_accelerators(text: str, keep: frozenset[str] = frozenset()) -> str:
    """`text` without mnemonic markers (`~`, `_`, `&`, by the rules in the module docstring).

    An underscore inside one of the white-space separated tokens in `keep` is not a marker.
    """
    text = _TILDE_ACCEL.sub("", text)
    if text.count("_") == 1:
        i = text.index("_")
        token = _TOKEN_AROUND.search(text).group(0)  # the one token holding the underscore
        if i + 1 < len(text) and text[i + 1].isalpha() and token not in keep and not _NOT_MNEMONIC.search(token):
            text = text[:i] + text[i + 1:]
    if "&" in text:
        text = text.replace("&&", "\x00")
        text = _AMP_ACCEL.sub("", text).replace("\x00", "&")
    return text


def shared_underscore_tokens(src: str, tgt: str) -> frozenset[str]:
    """Tokens with an underscore that are identifiers, not mnemonics: found unchanged in both texts, not starting
    with the underscore, and all lower case, all upper case or holding a digit.

    A translator moves a mnemonic (`Pr_eferences` -> `_Préférences`) but copies an
    identifier (`file_name`, `GTK_DEBUG`) unchanged. Words like `D_escription` can keep
    the mnemonic in place; their mixed case tells them from identifiers.
    """
    def tokens(text: str) -> set[str]:
        return {t for t in text.split() if "_" in t and not t.startswith("_")}

    def identifier(token: str) -> bool:
        core = re.sub(r"[^\w]", "", token)
        return core.islower() or core.isupper() or any(c.isdigit() for c in core)

    return frozenset(t for t in tokens(src) & tokens(tgt) if identifier(t))


def normalize_whitespace(text: str) -> str:
    """NFC text with every run of white space (incl. no-break spaces) made one space, ends stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")).strip()


def clean_text(text: str, keep: frozenset[str] = frozenset()) -> str:
    """One line of plain text: markup, accelerators and entities removed, white space normalised.

    `keep`: tokens whose underscore is not a mnemonic (see strip_accelerators).
    """
    return normalize_whitespace(html.unescape(strip_accelerators(strip_markup(text), keep)))


def clean_pair(src: str, tgt: str) -> tuple[str, str]:
    """Both sides of a translation through clean_text, with identifiers found on both sides protected."""
    src, tgt = strip_markup(src), strip_markup(tgt)
    keep = shared_underscore_tokens(src, tgt)
    return clean_text(src, keep), clean_text(tgt, keep)


def placeholders(text: str) -> Counter:
    """The multiset of placeholders in `text` (`%%` excluded)."""
    return Counter(m for m in PLACEHOLDER.findall(text) if m != "%%")


def has_words(text: str) -> bool:
    """True when `text` has a letter outside its placeholders (so it is language, not just a format)."""
    return any(c.isalpha() for c in PLACEHOLDER.sub("", text))


@dataclass(frozen=True)
class PairFilter:
    """Which pairs a corpus keeps. Lengths are in white-space separated words.

    `max_ratio` bounds (longer + 1) / (shorter + 1), so that one-word strings may become
    a few words ("Unlock" -> "Déverrouiller", "Don't save" -> "Ne pas enregistrer") while
    a sentence paired with a fragment is dropped. A pair whose target equals its source
    is dropped when the source has more than `max_identical_words` words: one or two
    identical words are usually a correct translation ("Date", "Description", "Format"),
    longer identical strings are text left in English.
    """

    min_words: int = 1
    max_words: int = 100
    max_ratio: float = 3.0
    max_identical_words: int = 2
    require_same_placeholders: bool = True


def reject_reason(src: str, tgt: str, rules: PairFilter) -> str | None:
    """None when the cleaned pair (src, tgt) passes `rules`, else a short reason (used in counts)."""
    if not src or not tgt:
        return "empty"
    if not has_words(src) or not has_words(tgt):
        return "no_words"
    ns, nt = len(src.split()), len(tgt.split())
    if min(ns, nt) < rules.min_words:
        return "too_short"
    if max(ns, nt) > rules.max_words:
        return "too_long"
    if (max(ns, nt) + 1) / (min(ns, nt) + 1) > rules.max_ratio:
        return "length_ratio"
    if src == tgt and ns > rules.max_identical_words:
        return "untranslated"
    if rules.require_same_placeholders and placeholders(src) != placeholders(tgt):
        return "placeholder_mismatch"
    return None


def overlap_key(text: str) -> str:
    """The form in which texts are compared for overlap: case-folded, white space normalised."""
    return normalize_whitespace(text).casefold()


def dedup_pairs(pairs: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, str, str]]:
    """(src, tgt, origin) triples with exact (src, tgt) repeats removed; the first occurrence (and origin) wins."""
    seen: set[tuple[str, str]] = set()
    for src, tgt, origin in pairs:
        if (src, tgt) not in seen:
            seen.add((src, tgt))
            yield src, tgt, origin


def remove_overlap(pairs: Iterable[tuple[str, str, str]], held_src: Sequence[str],
                   held_tgt: Sequence[str]) -> Iterator[tuple[str, str, str]]:
    """Pairs whose source is none of `held_src` and whose target is none of `held_tgt` (compared by overlap_key)."""
    src_keys = {overlap_key(s) for s in held_src}
    tgt_keys = {overlap_key(t) for t in held_tgt}
    for src, tgt, origin in pairs:
        if overlap_key(src) not in src_keys and overlap_key(tgt) not in tgt_keys:
            yield src, tgt, origin


def clean_corpus(pairs: Iterable[tuple[str, str, str]], rules: PairFilter, held_src: Sequence[str] = (),
                 held_tgt: Sequence[str] = ()) -> tuple[list[tuple[str, str, str]], Counter]:
    """Pairs that pass `rules`, without repeats, none overlapping the held-out texts; and drop counts by reason.

    Order is kept. Counts: one key per reject_reason, plus "duplicate", "heldout_overlap", "kept".
    """
    counts: Counter = Counter()
    passed = []
    for src, tgt, origin in pairs:
        reason = reject_reason(src, tgt, rules)
        if reason is None:
            passed.append((src, tgt, origin))
        else:
            counts[reason] += 1
    unique = list(dedup_pairs(passed))
    counts["duplicate"] = len(passed) - len(unique)
    kept = list(remove_overlap(unique, held_src, held_tgt))
    counts["heldout_overlap"] = len(unique) - len(kept)
    counts["kept"] = len(kept)
    return kept, counts
