"""Make the training set of sequence-level distillation: the sources with the teacher's translations.

SRC and REF are the original training pair files, HYP the teacher's translations of SRC
(mt_translate, line by line). OUT_PREFIX.<src-lang> gets SRC and OUT_PREFIX.<tgt-lang> the
translations; where a translation is empty (the teacher gave nothing, or only pieces that
detokenize to nothing), the reference is kept instead, and the number of such lines is logged,
so that the set stays line-parallel with no empty line.

  python -m toolkit.bin.make_distilled_set data/train.en data/train.fr exp/ar/distill/train.fr data/distill/train
"""
from __future__ import annotations

from toolkit import cli
from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.parallel import read_lines, read_parallel_text

_log = get_logger("make_distilled_set")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="source language suffix")
    p.add_argument("--tgt-lang", default="fr", help="target language suffix")
    p.add_argument("src", help="training sources")
    p.add_argument("ref", help="their references")
    p.add_argument("hyp", help="the teacher's translations of the sources")
    p.add_argument("out_prefix", help="output prefix (e.g. data/distill/train)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    src, ref = read_parallel_text(args.src, args.ref)
    hyp = read_lines(args.hyp, allow_empty=True)
    if len(hyp) != len(src):
        raise InputError(f"{len(hyp)} translations for {len(src)} sources in {args.src}", args.hyp)
    kept = [h if h.strip() else r for h, r in zip(hyp, ref)]
    fallback = sum(1 for h in hyp if not h.strip())
    with atomic_write(f"{args.out_prefix}.{args.src_lang}") as f:
        f.write("".join(s + "\n" for s in src))
    with atomic_write(f"{args.out_prefix}.{args.tgt_lang}") as f:
        f.write("".join(t + "\n" for t in kept))
    _log.info("%d pairs; %d empty translations replaced by their references", len(src), fallback)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
