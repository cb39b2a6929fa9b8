"""Write a translation recipe's RESULTS.md and exp/results.json from its scored decodings and benchmarks.

See toolkit/scoring/mt_results.py for the system keys and the files each comes from.

  python -m toolkit.bin.write_mt_results --beam 4 --npd-samples "10 100" . RESULTS.md exp/results.json
"""
from __future__ import annotations

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.log import get_logger
from toolkit.scoring.mt_results import write_mt_results
from toolkit.scoring.results import read_notes

_log = get_logger("write_mt_results")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--beam", type=int, default=4, help="the teacher's beam (system ar_beam<N>)")
    p.add_argument("--npd-samples", default="10 100", help="NPD sample counts (systems nat_npd<S>)")
    p.add_argument("--src-lang", default="en", help="source language")
    p.add_argument("--tgt-lang", default="fr", help="target language")
    p.add_argument("--notes", default=None,
                   help="a markdown file appended after the tables: the recipe's reading of its results")
    p.add_argument("recipe_dir", help="the recipe directory (with exp/ and data/)")
    p.add_argument("markdown", help="RESULTS.md to write")
    p.add_argument("json", help="results JSON to write")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        samples = [int(s) for s in args.npd_samples.split()]
    except ValueError:
        raise ToolkitError(f"--npd-samples must be integers, got '{args.npd_samples}'") from None
    results = write_mt_results(args.recipe_dir, args.markdown, args.json, args.beam, samples,
                               args.src_lang, args.tgt_lang, read_notes(args.notes))
    if not results:
        raise ToolkitError(f"no scored test decoding under {args.recipe_dir}/exp")
    _log.info("%d systems written to %s and %s", len(results), args.markdown, args.json)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
