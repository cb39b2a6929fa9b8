"""Write DIR/utt2dur, the duration of every utterance in seconds, as utils/data/get_utt2dur.sh does.

With DIR/segments a duration is end - start; otherwise the audio of each wav.scp entry
is measured: a file from its header, a `command |` from the audio it writes on stdout
(run with bash, pipefail on). Nothing is done if utt2dur is complete and newer than
wav.scp and segments.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.data.durations import get_utt2dur


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--nj", type=int, default=1, help="number of recordings measured at the same time")
    p.add_argument("data_dir", help="the data directory, e.g. data/train")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    get_utt2dur(args.data_dir, nj=args.nj)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
