"""Train skip-gram word embeddings with negative sampling (word2vec) on a monolingual text.

TEXT has one sentence per line; its tokens are toolkit.text.words.words (lower-cased words,
punctuation dropped). Words seen fewer than --min-count times are left out. VECTORS_OUT is
written in word2vec text format (`N D`, then `word v1 ... vD`), most frequent word first.
See toolkit/embed/skipgram.py for the training procedure.
"""
from __future__ import annotations

import torch

from toolkit import cli
from toolkit.embed.skipgram import SkipGramOptions, read_corpus, train_skipgram
from toolkit.embed.vectors import write_vectors
from toolkit.errors import ToolkitError
from toolkit.log import get_logger

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    d = SkipGramOptions()
    p.add_argument("--dim", type=int, default=d.dim, help="embedding dimension")
    p.add_argument("--window", type=int, default=d.window, help="largest window (each centre draws 1..window)")
    p.add_argument("--min-count", type=int, default=3, help="fewest occurrences of a word kept")
    p.add_argument("--negatives", type=int, default=d.negatives, help="negative samples per pair")
    p.add_argument("--epochs", type=int, default=d.epochs, help="passes over the text")
    p.add_argument("--subsample", type=float, default=d.subsample,
                   help="threshold t of frequent-word subsampling (0: off)")
    p.add_argument("--lr", type=float, default=d.lr, help="initial SGD learning rate (falls linearly)")
    p.add_argument("--batch-size", type=int, default=d.batch_size, help="(centre, context) pairs per update")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed")
    p.add_argument("text", help="input text, one sentence per line")
    p.add_argument("vectors_out", help="output embeddings, word2vec text format")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name in ("dim", "window", "min_count", "negatives", "epochs", "batch_size", "threads"):
        if getattr(args, name) < 1:
            raise ToolkitError(f"--{name.replace('_', '-')} must be positive")
    if args.lr <= 0 or args.subsample < 0:
        raise ToolkitError("--lr must be positive and --subsample non-negative")
    torch.set_num_threads(args.threads)
    corpus = read_corpus(args.text, args.min_count)
    _log.info("%s: %d tokens, %d sentences, %d words with count >= %d", args.text, len(corpus.ids),
              len(corpus.starts) - 1, len(corpus.words), args.min_count)
    opts = SkipGramOptions(dim=args.dim, window=args.window, negatives=args.negatives, epochs=args.epochs,
                           subsample=args.subsample, lr=args.lr, batch_size=args.batch_size, seed=args.seed)
    vectors = train_skipgram(corpus, opts)
    write_vectors(args.vectors_out, corpus.words, vectors)
    _log.info("wrote %d x %d vectors to %s", len(corpus.words), args.dim, args.vectors_out)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
