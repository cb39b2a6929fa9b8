#!/usr/bin/env python3
"""Write the language model's training text: every sentence except those of the held-out sets.

SENTENCES holds all usable sentences, one a line (from prepare_brown_text.py, so the
training utterances' sentences are among them). A sentence that is the transcript of any
utterance of an --exclude text file (Kaldi `text`: utterance id, then words; e.g.
data/dev/text, data/test/text) is left out, so dev and test are never seen by the LM.
Writes the remaining sentences in their order and, with --vocab, the LM vocabulary (its
words, one a line, sorted in C order).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from toolkit import cli
from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.io.table import read_table
from toolkit.log import get_logger
from toolkit.synth.plan import read_sentences

_log = get_logger("make_lm_text")


def held_out_sentences(texts: list[Path]) -> set[str]:
    """The transcripts of the utterances in Kaldi text files, whitespace normalised."""
    held_out: set[str] = set()
    for text in texts:
        for utt, words in read_table(text).items():
            if not words.split():
                raise InputError(f"utterance '{utt}' has an empty transcript", text)
            held_out.add(" ".join(words.split()))
    return held_out


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="make_lm_text.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exclude", type=Path, action="append", default=[], metavar="TEXT",
                   help="Kaldi text file whose transcripts are left out (repeatable)")
    p.add_argument("--vocab", type=Path, help="also write the LM vocabulary here")
    p.add_argument("sentences", type=Path, help="all usable sentences, one a line")
    p.add_argument("lm_text", type=Path, help="output: the LM training sentences, one a line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sentences = read_sentences(args.sentences)
    held_out = held_out_sentences(args.exclude)
    kept = [s for s in sentences if s not in held_out]
    if not kept:
        raise InputError("every sentence is held out: no LM training text is left", args.sentences)
    with atomic_write(args.lm_text) as f:
        f.writelines(s + "\n" for s in kept)
    vocab = sorted({w for s in kept for w in s.split()})
    if args.vocab:
        with atomic_write(args.vocab) as f:
            f.writelines(w + "\n" for w in vocab)
    _log.info("%s: %d of %d sentences (%d held out by %d transcripts), %d words, vocabulary %d",
              args.lm_text, len(kept), len(sentences), len(sentences) - len(kept), len(held_out),
              sum(len(s.split()) for s in kept), len(vocab))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
