"""Make a data directory holding a subset of another's utterances, as utils/subset_data_dir.sh does.

Exactly one selection is required. The subset keeps every file of SRC, restricted to
the chosen utterances and the speakers and recordings they use; DEST is replaced.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.data import subset
from toolkit.data.datadir import DataDir
from toolkit.log import get_logger

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--utt-list", metavar="FILE", help="keep the utterances listed (first field of each line)")
    how.add_argument("--spk-list", metavar="FILE", help="keep all utterances of the speakers listed")
    how.add_argument("--first", type=int, metavar="N", help="keep the first N utterances (in sorted order)")
    how.add_argument("--last", type=int, metavar="N", help="keep the last N utterances (in sorted order)")
    how.add_argument("--random", type=int, metavar="N", help="keep N utterances drawn at random (see --seed)")
    p.add_argument("--seed", type=int, default=0, help="random seed for --random")
    p.add_argument("src", help="source data directory")
    p.add_argument("dest", help="destination data directory (replaced)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data = DataDir.read(args.src)
    if args.utt_list is not None:
        utts = subset.listed_utterances(data, subset.read_id_list(args.utt_list), args.utt_list)
    elif args.spk_list is not None:
        utts = subset.utterances_of_speakers(data, subset.read_id_list(args.spk_list), args.spk_list)
    elif args.first is not None:
        utts = subset.first_utterances(data, args.first)
    elif args.last is not None:
        utts = subset.last_utterances(data, args.last)
    else:
        utts = subset.random_utterances(data, args.random, args.seed)
    result = data.select_utterances(utts)
    result.write(args.dest)
    _log.info("%s: reduced %d utterances to %d (%d speakers) in %s",
              args.src, len(data.utt2spk), len(result.utt2spk), len(result.spk2utt), args.dest)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
