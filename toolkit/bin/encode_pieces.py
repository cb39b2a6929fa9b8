"""Write the SentencePiece pieces of every line of a text file, space-separated (spm_encode --output_format=piece).

The pieces are those the translation models read (`Vocabulary.encode` gives their ids), so a
word aligner run on these files gives one fertility per source piece the models see. An empty
line is an error naming it, as in prepared parallel data.

  python -m toolkit.bin.encode_pieces data/spm/spm.model data/train.en exp/align/train.en
"""
from __future__ import annotations

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.mt.vocab import Vocabulary
from toolkit.text.parallel import read_lines


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("spm", help="joint SentencePiece model")
    p.add_argument("input", help="text, one sentence per line")
    p.add_argument("output", help="pieces, one sentence per line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    vocab = Vocabulary(args.spm)
    lines = read_lines(args.input)
    with atomic_write(args.output) as f:
        for line in lines:
            f.write(" ".join(vocab.pieces(line)) + "\n")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
