"""Print transition-id alignments split into phones, with times (Kaldi's show-alignments).

For every utterance of ALIGNMENTS (an archive of transition ids, one per frame), three
lines and a blank one go to standard output, columns padded to line up:

  utt  [ 2 1 1 ] [ 470 469 469 472 ... ]   the transition ids of each phone
  utt  SIL       S_B                       the phones (names from PHONES)
  utt  0.00-0.03 0.03-0.12                 start-end times in seconds

  python -m toolkit.bin.show_alignments data/lang/phones.txt exp/mono/final.mdl exp/mono/ali.1.ark
"""
import sys

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.model import load_model
from toolkit.hmm.alignment import PhoneSegment, split_to_phones
from toolkit.io.archive import read_int_vectors
from toolkit.io.table import resolve_rxfilename
from toolkit.lang.symbols import SymbolTable, read_symbol_table


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--frame-shift", type=float, default=0.01, help="seconds per frame")
    p.add_argument("phones", help="phone symbol table (phones.txt)")
    p.add_argument("model", help="model file the alignments were made with")
    p.add_argument("alignments", help="archive of transition-id alignments (ark:FILE or FILE)")
    return p


def format_alignment(key: str, segments: list[PhoneSegment], phones: SymbolTable, frame_shift: float) -> str:
    """The three lines (and the blank line) show_alignments prints for one utterance."""
    decimals = 2 if abs(frame_shift * 100 - round(frame_shift * 100)) < 1e-9 else 3
    rows: list[list[str]] = [[], [], []]
    for seg in segments:
        cells = [
            "[ " + " ".join(map(str, seg.tids)) + " ] ",
            phones.symbol(seg.phone) + " ",
            f"{seg.start * frame_shift:.{decimals}f}-{seg.end * frame_shift:.{decimals}f} ",
        ]
        width = max(map(len, cells))
        for row, cell in zip(rows, cells):
            row.append(cell.ljust(width))
    return "".join(f"{key}  {''.join(row).rstrip()}\n" for row in rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.frame_shift <= 0:
        raise ToolkitError(f"--frame-shift {args.frame_shift}: must be positive")
    phones = read_symbol_table(args.phones)
    trans_model, _, _ = load_model(args.model)
    missing = [p for p in trans_model.phones if p not in {i for _, i in phones.items()}]
    if missing:
        raise InputError(f"phones {missing[:5]} of {args.model} are not in this table", args.phones)
    source = resolve_rxfilename(args.alignments)
    for key, ali in read_int_vectors(source):
        try:
            segments = split_to_phones(trans_model, ali)
        except ToolkitError as e:
            raise InputError(f"utterance '{key}': {e}", source) from None
        sys.stdout.write(format_alignment(key, segments, phones, args.frame_shift))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
