"""Print the scores file with the best value of one key (Kaldi's utils/best_wer.sh for JSON scores).

Each FILE is a JSON object (e.g. score_bleu's --json output); the one whose --key is highest
(--lowest: lowest) is printed, ties going to the earlier file. A recipe uses it to choose a
decoding setting on dev: `best=$(python -m toolkit.bin.best_score --key bleu exp/x/decode_dev_*/scores.json)`.
"""
from __future__ import annotations

from pathlib import Path

from toolkit import cli
from toolkit.errors import InputError
from toolkit.scoring.results import read_json


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--key", default="bleu", help="the value compared")
    p.add_argument("--lowest", action="store_true", help="the lowest value is best (e.g. WER)")
    p.add_argument("files", nargs="+", help="JSON scores files")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    values = []
    for name in args.files:
        if not Path(name).is_file():
            raise InputError("no such file", name)
        scores = read_json(Path(name))
        value = scores.get(args.key) if isinstance(scores, dict) else None
        if not isinstance(value, (int, float)):
            raise InputError(f"no number under '{args.key}'", name)
        values.append(value)
    sign = 1 if args.lowest else -1
    pick = min(range(len(values)), key=lambda i: (sign * values[i], i))  # the best; ties to the earlier file
    print(args.files[pick])
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
