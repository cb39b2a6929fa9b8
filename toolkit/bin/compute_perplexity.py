"""Perplexity of text under an ARPA model, printed as SRILM's `ngram -lm LM -ppl TEXT` prints it.

  file TEXT: S sentences, W words, O OOVs
  Z zeroprobs, logprob= L ppl= P ppl1= P1

Each line of TEXT is a sentence, scored with its end of sentence (`</s>`); with
--text-has-keys true TEXT is a Kaldi `text` file (utterance id first). Words the model does
not know are OOVs: not scored, counted apart, unless --unk-word names the model's unknown
word (SRILM's -unk), which they are then scored as. logprob is log10; ppl counts the ends
of sentence, ppl1 does not. --per-sentence writes the same figures for every sentence, as
`ngram -ppl -debug 1` does.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.io.table import resolve_rxfilename
from toolkit.lm.arpa import read_arpa
from toolkit.lm.perplexity import corpus_perplexity
from toolkit.lm.text import read_sentences


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--text-has-keys", choices=("true", "false"), default="false",
                   help="true: the first field of each line is an utterance id (Kaldi text)")
    p.add_argument("--unk-word", default="",
                   help="score out-of-vocabulary words as this word of the model (e.g. '<unk>'); '' counts them as OOVs")
    p.add_argument("--per-sentence", metavar="FILE", help="write each sentence and its figures to FILE")
    p.add_argument("lm", help="ARPA model (plain or .gz)")
    p.add_argument("text", help="text to score, one sentence per line ('-' for stdin)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lm = read_arpa(args.lm)
    sentences = read_sentences(args.text, has_keys=args.text_has_keys == "true")
    total, per_sentence = corpus_perplexity(lm, (s.words for s in sentences), args.unk_word or None)
    if args.per_sentence:
        with atomic_write(args.per_sentence) as f:
            for sentence, stats in zip(sentences, per_sentence):
                label = " ".join(sentence.words) if sentence.key is None else f"{sentence.key} {' '.join(sentence.words)}"
                f.write("\n".join([label, *stats.srilm_lines()]) + "\n\n")
    print("\n".join(total.srilm_lines(resolve_rxfilename(args.text))))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
