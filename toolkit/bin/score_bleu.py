"""Score detokenized translations with corpus BLEU and chrF2 through sacrebleu.

HYP and each REF are plain text files, sentence n on line n; with --keyed they are Kaldi text
files (`key words...`) matched by key. Prints sacrebleu's score lines and signatures:
  BLEU = 34.12 65.2/40.1/27.3/19.0 (BP = 1.000 ratio = 1.012 hyp_len = 1234 ref_len = 1219)
  chrF2 = 55.12
  BLEU signature: nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0
  chrF2 signature: nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0
"""
from __future__ import annotations

import json

from toolkit import cli
from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.scoring.bleu import TOKENIZERS, corpus_scores, read_keyed, read_line_aligned


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--keyed", action="store_true", help="files are Kaldi text (`key words...`), matched by key")
    p.add_argument("--tokenize", choices=TOKENIZERS, default="13a", help="BLEU tokenizer (sacrebleu's)")
    p.add_argument("--lowercase", action="store_true", help="lowercase hypotheses and references (BLEU and chrF)")
    p.add_argument(
        "--json",
        metavar="FILE",
        help="also write {bleu, chrf, bleu_signature, chrf_signature, n_sentences} to FILE",
    )
    p.add_argument("hyp", help="hypotheses")
    p.add_argument("refs", nargs="+", metavar="ref", help="references (one file per reference set)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    read = read_keyed if args.keyed else read_line_aligned
    hyps, refs = read(args.hyp, args.refs)
    if not hyps:
        raise InputError("no sentences to score", args.hyp)
    scores = corpus_scores(hyps, refs, tokenize=args.tokenize, lowercase=args.lowercase)
    if args.json:
        with atomic_write(args.json) as f:
            json.dump(scores.as_json(), f, indent=1)
            f.write("\n")
    print(scores.bleu_line)
    print(scores.chrf_line)
    print(f"BLEU signature: {scores.bleu_signature}")
    print(f"chrF2 signature: {scores.chrf_signature}")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
