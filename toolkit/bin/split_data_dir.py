"""Split a data directory into N parts for N parallel jobs, as utils/split_data.sh does.

Writes DIR/splitN/1 .. DIR/splitN/N (DIR/splitNutt/... with --per-utt), each a complete
data directory. By default no speaker is split across parts, and parts are balanced by
utterance count; N may not exceed the number of speakers. Nothing is done if the split
is newer than every file of DIR.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.data.split import split_data_dir


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--per-utt", action="store_true",
                   help="split by utterance, ignoring speakers (into DIR/splitNutt)")
    p.add_argument("data_dir", help="the data directory, e.g. data/train")
    p.add_argument("num_parts", type=int, help="number of parts N (usually --nj)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    split_data_dir(args.data_dir, args.num_parts, per_utt=args.per_utt)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
