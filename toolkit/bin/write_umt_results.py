"""Write the unsupervised translation recipe's RESULTS.md and exp/results.json from its scored decodings.

See toolkit/scoring/umt_results.py for the system keys, the files each comes from and the
unsupervised model selection by round-trip BLEU.

  python -m toolkit.bin.write_umt_results --iterations 3 . RESULTS.md exp/results.json
"""
from __future__ import annotations

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.log import get_logger
from toolkit.scoring.umt_results import write_umt_results

_log = get_logger("write_umt_results")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--src-lang", default="en", help="first language")
    p.add_argument("--tgt-lang", default="fr", help="second language")
    p.add_argument("--iterations", type=int, default=3, help="back-translation iterations (systems umt_iter<k>)")
    p.add_argument("recipe_dir", help="the recipe directory (with exp/ and data/)")
    p.add_argument("markdown", help="RESULTS.md to write")
    p.add_argument("json", help="results JSON to write")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    results = write_umt_results(args.recipe_dir, args.markdown, args.json, args.src_lang, args.tgt_lang,
                                args.iterations)
    if not results:
        raise ToolkitError(f"no system with both test directions scored under {args.recipe_dir}/exp")
    _log.info("%d systems written to %s and %s", len(results), args.markdown, args.json)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
