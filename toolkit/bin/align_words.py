"""Word-align a tokenized parallel corpus with IBM Model 1 then fast_align's Model 2, both
directions, symmetrize, and derive source-token fertilities (Gu et al. 2017).

SRC and TGT hold one sentence per line, tokens separated by spaces (e.g. SentencePiece pieces),
line n of one the translation of line n of the other; no line may be empty. Writes to DIR:
  forward.align      target-to-source Viterbi alignment (each target token -> one source token or NULL)
  reverse.align      source-to-target Viterbi alignment (each source token -> one target token or NULL)
  symmetrized.align  the two combined by --heuristic (atools' definitions)
  fertility.txt      one integer per source token, summing to the target length (toolkit.align.fertility)
  stats.json         per-iteration log-likelihood, perplexity, tension; times
All alignments are Pharaoh `i-j` lines with i the source and j the target position, as fast_align prints.
"""
from __future__ import annotations

import dataclasses
import json
import os
import time

from toolkit import cli
from toolkit.align.bitext import read_bitext
from toolkit.align.fast_align import FastAlignConfig, align_direction
from toolkit.align.fertility import fertilities, fertilities_from_directional
from toolkit.align.pharaoh import write_pharaoh
from toolkit.align.symmetrize import HEURISTICS, symmetrize
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger

_log = get_logger(__name__)
DIRECTIONS = {"both": ("forward", "reverse"), "forward": ("forward",), "reverse": ("reverse",)}


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    defaults = FastAlignConfig()
    p.add_argument("--ibm1-iterations", type=int, default=defaults.ibm1_iterations,
                   help="EM iterations of IBM Model 1 that initialise the lexical table")
    p.add_argument("--iterations", type=int, default=defaults.iterations,
                   help="EM iterations of fast_align's diagonal model (0: Viterbi alignments of Model 1)")
    p.add_argument("--p0", type=float, default=defaults.p0, help="probability of aligning to NULL (fast_align -p)")
    p.add_argument("--tension", type=float, default=defaults.tension, help="starting diagonal tension (fast_align -T)")
    p.add_argument("--optimize-tension", choices=("true", "false"), default="true",
                   help="re-estimate the tension after every E-step (fast_align -o)")
    p.add_argument("--vb-alpha", type=float, default=defaults.vb_alpha,
                   help="Dirichlet prior of the variational Bayes update (fast_align -v -a); 0: maximum likelihood")
    p.add_argument("--directions", choices=tuple(DIRECTIONS), default="both", help="which directions to align")
    p.add_argument("--heuristic", choices=HEURISTICS, default="grow-diag-final-and", help="symmetrization heuristic")
    p.add_argument("--fertility-from", choices=("forward", "reverse", "symmetrized"), default="forward",
                   help="alignment the fertilities are counted on (Gu et al.: forward, target-to-source)")
    p.add_argument("src", help="source token file")
    p.add_argument("tgt", help="target token file")
    p.add_argument("dir", help="output directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    directions = DIRECTIONS[args.directions]
    needed = ("forward", "reverse") if args.fertility_from == "symmetrized" else (args.fertility_from,)
    if not set(needed) <= set(directions):
        raise ToolkitError(f"--fertility-from {args.fertility_from} needs the {' and '.join(needed)} "
                           f"alignment, but --directions is {args.directions}")
    try:
        config = FastAlignConfig(args.ibm1_iterations, args.iterations, args.p0, args.tension,
                                 args.optimize_tension == "true", args.vb_alpha)
    except ValueError as e:
        raise ToolkitError(str(e)) from None
    start = time.perf_counter()
    bitext = read_bitext(args.src, args.tgt)
    _log.info("%s, %s: %d pairs, %d/%d tokens, vocabularies %d/%d", args.src, args.tgt, len(bitext),
              len(bitext.src.ids), len(bitext.tgt.ids), len(bitext.src_vocab), len(bitext.tgt_vocab))
    jobs = {"forward": (bitext.src, bitext.tgt, len(bitext.tgt_vocab), config, "forward"),
            "reverse": (bitext.tgt, bitext.src, len(bitext.src_vocab), config, "reverse")}
    # One direction at a time: EM here is memory-bound, two processes ran no faster on 2 cores.
    results = {d: align_direction(*jobs[d]) for d in directions}

    links = {}
    if "forward" in results:
        fwd = results["forward"]
        links["forward"] = [[(int(i), j) for j, i in enumerate(fwd.sentence(s)) if i >= 0] for s in range(len(bitext))]
    if "reverse" in results:
        rev = results["reverse"]
        links["reverse"] = [[(i, int(j)) for i, j in enumerate(rev.sentence(s)) if j >= 0] for s in range(len(bitext))]
    if len(links) == 2:
        links["symmetrized"] = [symmetrize(f, r, args.heuristic) for f, r in zip(links["forward"], links["reverse"])]
    for name, alignments in links.items():
        write_pharaoh(os.path.join(args.dir, f"{name}.align"), alignments)

    src_len, tgt_len = bitext.src.lengths, bitext.tgt.lengths
    with atomic_write(os.path.join(args.dir, "fertility.txt")) as f:
        for s in range(len(bitext)):
            if args.fertility_from == "forward":
                fert = fertilities_from_directional(results["forward"].sentence(s), int(src_len[s]))
            else:
                fert = fertilities(links[args.fertility_from][s], int(src_len[s]), int(tgt_len[s]))
            f.write(" ".join(map(str, fert.tolist())) + "\n")

    stats = {
        "pairs": len(bitext), "source_tokens": len(bitext.src.ids), "target_tokens": len(bitext.tgt.ids),
        "config": dataclasses.asdict(config), "heuristic": args.heuristic, "fertility_from": args.fertility_from,
        "directions": {d: {"tension": r.tension, "seconds": round(r.seconds, 2),
                           "iterations": [dataclasses.asdict(h) for h in r.history]} for d, r in results.items()},
        "links": {name: sum(map(len, a)) for name, a in links.items()},
        "seconds": round(time.perf_counter() - start, 2),
    }
    with atomic_write(os.path.join(args.dir, "stats.json")) as f:
        json.dump(stats, f, indent=1)
        f.write("\n")
    _log.info("wrote %s (%s) in %.1f s", args.dir, ", ".join(f"{k}: {v} links" for k, v in stats["links"].items()),
              stats["seconds"])
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
