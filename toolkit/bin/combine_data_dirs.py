"""Combine data directories into one, as utils/combine_data.sh does.

Utterance ids must not repeat across sources. Optional files are kept only when every
source has them (the log says which were left out). DEST is replaced.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.data.combine import combine_data_dirs
from toolkit.data.datadir import DataDir
from toolkit.log import get_logger

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("dest", help="destination data directory (replaced)")
    p.add_argument("sources", nargs="+", metavar="src", help="source data directories")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    combined = combine_data_dirs([DataDir.read(src) for src in args.sources])
    combined.write(args.dest)
    _log.info("combined %d directories into %s: %d utterances, %d speakers",
              len(args.sources), args.dest, len(combined.utt2spk), len(combined.spk2utt))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
