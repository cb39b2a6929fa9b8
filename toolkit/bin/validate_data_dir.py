"""Check a Kaldi data directory as utils/validate_data_dir.sh does, and print every problem found.

Each problem is printed on stderr as `DIR/FILE:LINE: message`. Exit status 0 means the
directory is valid. Required: utt2spk, spk2utt, text (unless --no-text), wav.scp
(unless --no-wav or feats.scp exists) and feats.scp (unless --no-feats); optional files
(segments, utt2dur, cmvn.scp, spk2gender, reco2file_and_channel, utt2num_frames, ...)
are checked when present.
"""
from __future__ import annotations

import sys

from toolkit import cli
from toolkit.data.validate import validate_data_dir
from toolkit.log import get_logger

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--no-text", action="store_true", help="do not require text (check it if present)")
    p.add_argument("--no-feats", action="store_true", help="do not require feats.scp (check it if present)")
    p.add_argument("--no-wav", action="store_true", help="do not require wav.scp (check it if present)")
    p.add_argument("--non-print", action="store_true", help="allow non-printable characters in text")
    p.add_argument("--no-spk-sort", action="store_true",
                   help="do not require speaker ids to be prefixes of their utterance ids")
    p.add_argument("data_dir", help="the data directory, e.g. data/train")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    problems = validate_data_dir(
        args.data_dir,
        no_text=args.no_text,
        no_feats=args.no_feats,
        no_wav=args.no_wav,
        non_print=args.non_print,
        no_spk_sort=args.no_spk_sort,
    )
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"validate_data_dir: {args.data_dir}: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    _log.info("successfully validated data directory %s", args.data_dir)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
