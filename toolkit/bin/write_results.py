"""Write a recipe's RESULTS.md and exp/results.json from its scored decode directories.

Each SECTION is `LABEL=EXP_DIR` (one per corpus the recipe was run on); EXP_DIR/results.json
is written for each, and RESULTS.md gets one table per section.

  python -m toolkit.bin.write_results --title "digits ASR" RESULTS.md "generated corpus=exp"
"""
from pathlib import Path

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.log import get_logger
from toolkit.scoring.results import collect_results, read_commands, read_notes, write_results, write_results_json

_log = get_logger("write_results")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--title", default="Results", help="heading of RESULTS.md")
    p.add_argument("--command", default="./run.sh", help="the command that produced the results, quoted in RESULTS.md")
    p.add_argument("--sets", default="dev test", help="column order of the sets (others follow, sorted)")
    p.add_argument("--notes", default=None,
                   help="a markdown file appended after the tables: the recipe's reading of its results")
    p.add_argument("markdown", help="output RESULTS.md")
    p.add_argument("sections", nargs="+", metavar="LABEL=EXP_DIR",
                   help="experiment directories with <system>/decode_<set>/scoring.json")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sections = []
    for section in args.sections:
        label, sep, exp_dir = section.rpartition("=")
        if not sep or not label:
            raise ToolkitError(f"section '{section}' is not LABEL=EXP_DIR")
        results = collect_results(exp_dir)
        if not results:
            raise ToolkitError(f"no scored decode directories under {exp_dir} (<system>/decode_<set>/scoring.json)")
        write_results_json(results, Path(exp_dir) / "results.json")
        sections.append((label, results, read_commands(exp_dir)))
    write_results(sections, args.markdown, args.title, args.command, args.sets.split(), read_notes(args.notes))
    _log.info("wrote %s: %d sections", args.markdown, len(sections))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
