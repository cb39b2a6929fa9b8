"""Build the decoding graph HCLG.fst for a lang directory with G.fst and a model (Kaldi's utils/mkgraph.sh).

LANG is a lang directory with G.fst (e.g. data/lang_test); MODEL is a model file or a
directory holding final.mdl (e.g. exp/mono). GRAPH (e.g. exp/mono/graph) receives
HCLG.fst, words.txt, phones.txt, phones/ (silence, optional silence, disambiguation,
word boundary and alignment lexicon lists), num_pdfs and disambig_tid.int. When GRAPH
already holds a graph built from the same inputs (lang files, the model's transition model
and context dependency, the scales) nothing is done, unless --force.

  python -m toolkit.bin.make_graph data/lang_test exp/mono exp/mono/graph
"""
from pathlib import Path

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.gmm.model import load_model
from toolkit.graph.mkgraph import make_graph


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--transition-scale", type=float, default=1.0, help="scale on the forward transition probabilities")
    p.add_argument("--self-loop-scale", type=float, default=0.1, help="scale on the self-loop probabilities")
    p.add_argument("--force", action="store_true", help="rebuild even if the graph is up to date")
    p.add_argument("lang", help="lang directory with G.fst")
    p.add_argument("model", help="model file, or a directory with final.mdl")
    p.add_argument("graph", help="output graph directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.transition_scale < 0 or args.self_loop_scale < 0:
        raise ToolkitError("--transition-scale and --self-loop-scale must be >= 0")
    model = Path(args.model)
    if model.is_dir():
        model = model / "final.mdl"
    trans_model, ctx, _ = load_model(model)
    make_graph(args.lang, trans_model, ctx, args.graph, transition_scale=args.transition_scale,
               self_loop_scale=args.self_loop_scale, force=args.force)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
