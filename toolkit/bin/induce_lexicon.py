"""Induce a bilingual lexicon from two monolingual word embeddings (MUSE's Procrustes refinement with CSLS).

The first --max-vocab rows of SRC_VECTORS and TGT_VECTORS (word2vec text format, most frequent
first) are normalised (unit length, centred, unit length). Words spelled the same on both sides
(at least --min-seed-len characters: numbers, names, loan words) seed an orthogonal Procrustes
map; then --refine-iters times the dictionary becomes the CSLS mutual nearest neighbours among
the --max-words most frequent words of each side and Procrustes is solved again. OUT_LEXICON gets,
for each of the --max-words most frequent source words, its --top-k targets by CSLS, best first,
one `source<TAB>target` line each. With --reference (same format), precision@1 is logged: over
the source words in both lexicons, the fraction whose first induced target is a reference target.
"""
from __future__ import annotations

import json

from toolkit import cli
from toolkit.embed.procrustes import (
    csls_top,
    identical_seeds,
    normalize_embeddings,
    refine,
)
from toolkit.embed.vectors import read_vectors
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.text.lexicon import precision_at_1, read_lexicon, write_lexicon

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--max-vocab", type=int, default=200000, help="rows read from each embedding file")
    p.add_argument("--max-words", type=int, default=20000,
                   help="most frequent words used for refinement and given translations")
    p.add_argument("--refine-iters", type=int, default=5, help="Procrustes refinement iterations")
    p.add_argument("--min-seed-len", type=int, default=2, help="shortest identical string used as a seed")
    p.add_argument("--top-k", type=int, default=10, help="targets written per source word")
    p.add_argument("--csls-k", type=int, default=10, help="neighbourhood size of CSLS")
    p.add_argument("--reference", help="reference lexicon (source<TAB>target) for precision@1")
    p.add_argument("--report", help="write seed/refinement counts and precision@1 as JSON here")
    p.add_argument("src_vectors", help="source-language embeddings, word2vec text format")
    p.add_argument("tgt_vectors", help="target-language embeddings, word2vec text format")
    p.add_argument("out_lexicon", help="output lexicon, source<TAB>target per line")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name in ("max_vocab", "max_words", "top_k", "csls_k", "min_seed_len"):
        if getattr(args, name) < 1:
            raise ToolkitError(f"--{name.replace('_', '-')} must be positive")
    if args.refine_iters < 0:
        raise ToolkitError("--refine-iters must not be negative")
    src_words, src = read_vectors(args.src_vectors, args.max_vocab)
    tgt_words, tgt = read_vectors(args.tgt_vectors, args.max_vocab)
    if src.shape[1] != tgt.shape[1]:
        raise InputError(f"{tgt.shape[1]}-dimensional vectors, but {args.src_vectors} has {src.shape[1]}",
                         args.tgt_vectors)
    if not src_words or not tgt_words:
        raise InputError("no vectors", args.src_vectors if not src_words else args.tgt_vectors)
    src, tgt = normalize_embeddings(src), normalize_embeddings(tgt)
    seeds = identical_seeds(src_words, tgt_words, args.min_seed_len)
    _log.info("%d source and %d target words; %d identical strings of >= %d characters as seeds",
              len(src_words), len(tgt_words), len(seeds), args.min_seed_len)
    mapping = refine(src, tgt, seeds, args.refine_iters, args.max_words, args.csls_k)
    best, _ = csls_top(src @ mapping.w.T, tgt, args.top_k, args.csls_k, rows=args.max_words)
    lexicon = {src_words[i]: [tgt_words[j] for j in row] for i, row in enumerate(best)}
    write_lexicon(args.out_lexicon, lexicon)
    _log.info("wrote %d targets for each of %d source words to %s", best.shape[1], len(lexicon), args.out_lexicon)
    report = {"source_words": len(src_words), "target_words": len(tgt_words), "seeds": mapping.pairs[0],
              "mutual_nn_pairs": mapping.pairs[1:]}
    if args.reference:
        p1, n = precision_at_1(lexicon, read_lexicon(args.reference))
        report.update(precision_at_1=p1 if n else None, evaluated_words=n)
        if n:
            _log.info("precision@1 against %s: %.4f over %d source words", args.reference, p1, n)
        else:
            _log.warning("no source word of %s is in the induced lexicon: precision@1 undefined", args.reference)
    if args.report:
        with atomic_write(args.report) as f:
            json.dump(report, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
