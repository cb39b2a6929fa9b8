"""Compute WER and SER of hypothesis transcripts against reference transcripts, as Kaldi's compute-wer.

REF and HYP are Kaldi text files (`utt word word ...`; `ark:FILE`, `ark,t:FILE` and `-` accepted).
Prints compute-wer's lines:
  %WER 12.34 [ 123 / 1000, 10 ins, 20 del, 93 sub ]   (+ " [PARTIAL]" if a reference utterance had no hypothesis)
  %SER 45.00 [ 45 / 100 ]
  Scored 100 sentences, 0 not present in hyp.
With --costs sclite (default) the counts equal NIST sclite's; with --costs levenshtein they equal
compute-wer's (errors = minimum edit distance).
"""
from __future__ import annotations

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.io.table import read_table, resolve_rxfilename
from toolkit.scoring.wer import COSTS, MODES, compute_wer


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument(
        "--mode",
        choices=MODES,
        default="strict",
        help="strict: error if a reference utterance has no hypothesis; present: score only those "
        "with one; all: score missing hypotheses as empty",
    )
    p.add_argument(
        "--costs",
        choices=COSTS,
        default="sclite",
        help="alignment costs: sclite (ins 3, del 3, sub 4, as NIST sclite) "
        "or levenshtein (unit costs, as compute-wer)",
    )
    p.add_argument(
        "--per-utt",
        metavar="FILE",
        help="write per-utterance alignments and #csid counts (as align-text | wer_per_utt_details.pl) to FILE",
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        default=0,
        metavar="N",
        help="also print a confidence interval for %%WER from N bootstrap resamples over sentences (0: none)",
    )
    p.add_argument("--confidence", type=float, default=0.95, help="confidence level of the bootstrap interval")
    p.add_argument("--seed", type=int, default=0, help="random seed of the bootstrap")
    p.add_argument("--text", action="store_true", help="ignored; accepted for compatibility with compute-wer")
    p.add_argument("ref", help="reference transcripts (Kaldi text)")
    p.add_argument("hyp", help="hypothesis transcripts (Kaldi text)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.bootstrap < 0:
        raise ToolkitError(f"--bootstrap must be 0 or more, got {args.bootstrap}")
    if not 0.0 < args.confidence < 1.0:
        raise ToolkitError(f"--confidence must lie strictly between 0 and 1, got {args.confidence}")
    refs = {k: v.split() for k, v in read_table(args.ref).items()}
    hyps = {k: v.split() for k, v in read_table(args.hyp).items()}
    stats = compute_wer(refs, hyps, mode=args.mode, costs=args.costs, hyp_name=resolve_rxfilename(args.hyp))
    lines = stats.kaldi_lines()
    if args.bootstrap:
        lines.append(stats.bootstrap_line(args.bootstrap, args.confidence, args.seed))
    if args.per_utt:
        with atomic_write(args.per_utt) as f:
            for utt in stats.utts:
                f.write("\n".join(utt.detail_lines()) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
