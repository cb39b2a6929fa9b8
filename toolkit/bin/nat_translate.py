"""Translate a plain-text file with the non-autoregressive Transformer (nat_train).

--mode argmax takes each source piece's most likely fertility, --mode average the rounded
expectation of its distribution; --mode npd is noisy parallel decoding: --samples fertility
sequences per sentence (the argmax one and samples from the predicted distributions), all
decoded in one batch and rescored by --teacher (the autoregressive model) in one forward
pass, the best kept; a candidate's score is its log-probability / (length + 1) ** --lenpen,
as in the teacher's beam search (0: the plain probability, which prefers short candidates). All target tokens of a candidate are predicted at once. OUTPUT gets the
detokenized translation of each line (empty for an empty line); sentences longer than the
model's positions are cut with a warning; a failed sentence is named and left empty (exit 1).

  python -m toolkit.bin.nat_translate --mode npd --samples 10 --teacher exp/ar/model_avg.pt \\
      exp/nat/model_avg.pt data/spm/spm.model data/test.en exp/nat/decode_npd10_test/hyp.fr
"""
from __future__ import annotations

import torch

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.mt.device import resolve_device
from toolkit.mt.nat import MODES, load_nat, nat_search
from toolkit.mt.transformer import load_model
from toolkit.mt.translate import SearchOptions, translate_file
from toolkit.mt.vocab import Vocabulary
from toolkit.parallel.pool import available_cpus


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--mode", choices=MODES, default="argmax", help="where the fertilities come from")
    p.add_argument("--samples", type=int, default=10, help="fertility samples per sentence (--mode npd)")
    p.add_argument("--teacher", help="autoregressive model that rescores the NPD candidates")
    p.add_argument("--lenpen", type=float, default=1.0, help="length normalisation exponent of NPD's rescoring")
    p.add_argument("--seed", type=int, default=1, help="seed of the fertility samples")
    p.add_argument("--batch-size", type=int, default=64, help="sentences per batch")
    p.add_argument("--max-tokens", type=int, default=4096, help="padded source tokens per batch")
    p.add_argument("--num-threads", type=int, default=available_cpus(), help="torch threads")
    p.add_argument("--device", default="cpu", help="where to translate: cpu, cuda or cuda:N")
    p.add_argument("model", help="NAT model (nat_train, mt_average_checkpoints)")
    p.add_argument("spm", help="the joint SentencePiece model it was trained with")
    p.add_argument("input", help="source text, one sentence per line")
    p.add_argument("output", help="translations, one per line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    if args.mode == "npd" and not args.teacher:
        raise ToolkitError("--mode npd needs --teacher (the model that rescores the candidates)")
    if args.samples < 1:
        raise ToolkitError(f"--samples must be at least 1, got {args.samples}")
    device = resolve_device(args.device)
    model = load_nat(args.model).to(device)
    teacher = load_model(args.teacher).to(device) if args.teacher else None
    vocab = Vocabulary(args.spm)
    search = nat_search(model, args.mode, teacher, args.samples,
                        torch.Generator(device=device).manual_seed(args.seed), args.lenpen)
    options = SearchOptions(max_sentences=args.batch_size, max_tokens=args.max_tokens)
    _, report = translate_file(model, vocab, args.input, args.output, options, search)
    return 1 if report.failed_lines else 0


if __name__ == "__main__":
    cli.exit_with(main)
