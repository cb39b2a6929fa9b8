"""Translate a plain-text file, one source sentence per line, with a Transformer model and beam search.

OUTPUT gets the detokenized best translation of each input line (an empty line for an empty
one); with --nbest-out, FILE gets Moses-style n-best lines `i ||| translation ||| log_prob ||| score`
(i the 0-based line; log_prob the model's log-probability with EOS; score = log_prob /
(tokens + 1) ** lenpen, the beam's ranking). Sources longer than the model's positions are cut
with a warning. Outputs are written once all lines are done; a sentence whose search failed is
named in the log, left empty, and makes the exit status 1 (the other translations are kept).
A model with one decoder for several languages (unsupervised MT) is told which to write with
--target-lang: the decoder starts from that language's token instead of BOS.

  python -m toolkit.bin.mt_translate --beam 5 exp/transformer/model_avg5.pt data/spm/spm.model \\
      data/test.en exp/transformer/test.fr
"""
from __future__ import annotations

import torch

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.mt.device import resolve_device
from toolkit.mt.transformer import load_model
from toolkit.mt.translate import SearchOptions, translate_file
from toolkit.mt.vocab import Vocabulary
from toolkit.parallel.pool import available_cpus


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    d = SearchOptions()
    p.add_argument("--beam", type=int, default=d.beam, help="beam size (1: greedy)")
    p.add_argument("--lenpen", type=float, default=d.lenpen, help="length normalisation exponent alpha")
    p.add_argument("--nbest", type=int, default=d.nbest, help="hypotheses per sentence in --nbest-out (<= beam)")
    p.add_argument("--nbest-out", metavar="FILE", default=None, help="write the n-best lists with scores here")
    p.add_argument("--max-len-a", type=float, default=d.max_len_a, help="at most a * source pieces + b tokens")
    p.add_argument("--max-len-b", type=int, default=d.max_len_b, help="see --max-len-a")
    p.add_argument("--min-len", type=int, default=d.min_len,
                   help="no EOS before this many pieces (0: an empty translation is allowed)")
    p.add_argument("--target-lang", default=None,
                   help="start the decoder with this language's token <2LANG> (multilingual decoders)")
    p.add_argument("--batch-size", type=int, default=d.max_sentences, help="sentences per batch")
    p.add_argument("--max-tokens", type=int, default=d.max_tokens, help="padded source tokens per batch")
    p.add_argument("--num-threads", type=int, default=available_cpus(), help="torch threads")
    p.add_argument("--device", default="cpu", help="where to translate: cpu, cuda or cuda:N")
    p.add_argument("model", help="Transformer model (mt_train, mt_average_checkpoints)")
    p.add_argument("spm", help="the joint SentencePiece model it was trained with")
    p.add_argument("input", help="source text, one sentence per line")
    p.add_argument("output", help="translations, one per line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    options = SearchOptions(beam=args.beam, lenpen=args.lenpen, nbest=args.nbest, max_len_a=args.max_len_a,
                            max_len_b=args.max_len_b, min_len=args.min_len, max_sentences=args.batch_size,
                            max_tokens=args.max_tokens)
    if not 1 <= options.nbest <= options.beam:
        raise ToolkitError(f"--nbest {options.nbest} must be between 1 and --beam {options.beam}")
    model = load_model(args.model).to(resolve_device(args.device))
    vocab = Vocabulary(args.spm)
    if args.target_lang:
        options.bos = vocab.language_id(args.target_lang)
    results, report = translate_file(model, vocab, args.input, args.output, options)
    if args.nbest_out:
        with atomic_write(args.nbest_out) as f:
            for i, hyps in enumerate(results):
                for h in hyps or []:
                    f.write(f"{i} ||| {vocab.decode(h.tokens)} ||| {h.log_prob:.6f} ||| {h.score:.6f}\n")
    return 1 if report.failed_lines else 0


if __name__ == "__main__":
    cli.exit_with(main)
