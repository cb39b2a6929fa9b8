"""Estimate an interpolated modified Kneser-Ney n-gram model from text and write it as an ARPA file.

TEXT has one sentence per line (with --text-has-keys true, a Kaldi `text` file: utterance
id first); `<s>` and `</s>` are added around each sentence. The model is the one KenLM's
lmplz and SRILM's `ngram-count -kndiscount -interpolate` estimate: adjusted (continuation)
counts below the highest order, discounts D1, D2, D3+ per order from counts of counts,
lower orders interpolated down to the uniform distribution. The vocabulary is every word
of TEXT, or the words of --vocab; with --unk-word the unknown word is added, and training
words outside --vocab are counted as it (without it, n-grams containing them are dropped).
ARPA.gz is written gzipped.
"""
from __future__ import annotations

import time

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.lang.vocabulary import read_vocabulary
from toolkit.lm.arpa import write_arpa
from toolkit.lm.ngram import FALLBACK_DISCOUNTS, count_ngrams, kneser_ney_discounts, kneser_ney_lm
from toolkit.lm.text import read_sentences
from toolkit.log import get_logger

log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--order", type=int, default=3, help="n-gram order (1 or more)")
    p.add_argument("--text-has-keys", choices=("true", "false"), default="false",
                   help="true: the first field of each line is an utterance id (Kaldi text)")
    p.add_argument("--vocab", metavar="FILE", help="word list (one word a line) that fixes the vocabulary")
    p.add_argument("--unk-word", default="",
                   help="unknown word to add to the vocabulary (e.g. '<unk>'); '' for a closed vocabulary")
    p.add_argument("--discount-fallback", default=" ".join(f"{d:g}" for d in FALLBACK_DISCOUNTS),
                   help="'D1 D2 D3+' used (with a warning) for an order whose counts of counts give no valid "
                   "discounts, as lmplz --discount_fallback; '' makes that an error")
    p.add_argument("text", help="training text, one sentence per line ('-' for stdin)")
    p.add_argument("arpa", help="output ARPA file (.gz: gzipped)")
    return p


def parse_fallback(text: str) -> tuple[float, float, float] | None:
    """'D1 D2 D3+' as three floats, '' as None."""
    if not text.strip():
        return None
    try:
        values = tuple(float(x) for x in text.split())
    except ValueError:
        values = ()
    if len(values) != 3:
        raise ToolkitError(f"--discount-fallback must be three numbers 'D1 D2 D3+' or '', got {text!r}")
    return values  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.order < 1:
        raise ToolkitError(f"--order must be 1 or more, got {args.order}")
    fallback = parse_fallback(args.discount_fallback)
    start = time.monotonic()
    sentences = read_sentences(args.text, has_keys=args.text_has_keys == "true")
    vocabulary = list(read_vocabulary(word_lists=[args.vocab])) if args.vocab else None
    counts = count_ngrams((s.words for s in sentences), args.order, vocabulary, args.unk_word or None)
    log.info("%d sentences, %d words; vocabulary %d; n-grams per order: %s", len(sentences),
             sum(len(s.words) for s in sentences), len(counts.words), " ".join(str(len(r)) for r in counts.raw))
    lm = kneser_ney_lm(counts, kneser_ney_discounts(counts, fallback))
    write_arpa(args.arpa, lm)
    log.info("wrote %s (order %d) in %.1f s", args.arpa, args.order, time.monotonic() - start)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
