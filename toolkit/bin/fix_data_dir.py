"""Repair a Kaldi data directory in place, as utils/fix_data_dir.sh does.

Sorts every file in C order; drops blank, malformed and repeated lines; keeps only the
utterances present in every utterance-indexed file whose speaker and recording are in
every speaker- and recording-indexed file; filters all files to match and rebuilds
spk2utt. The original files are kept in DIR/.backup. Prints what was filtered, then
checks the result: problems that fixing cannot repair (reserved symbols or
non-printable characters in text, speaker ids that are not prefixes of utterance ids)
are printed and give exit status 1.
"""
from __future__ import annotations

import sys

from toolkit import cli
from toolkit.data.fix import BACKUP, fix_data_dir
from toolkit.data.validate import validate_data_dir
from toolkit.log import get_logger

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("data_dir", help="the data directory, e.g. data/train")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    report = fix_data_dir(args.data_dir)
    for line in report.summary():
        _log.info("%s", line)
    _log.info("old files are kept in %s/%s", args.data_dir, BACKUP)
    remaining = validate_data_dir(args.data_dir, no_text=True, no_feats=True, no_wav=True)
    if remaining:
        for problem in remaining:
            print(problem, file=sys.stderr)
        print(f"fix_data_dir: {len(remaining)} problem(s) remain that fixing cannot repair", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
