"""Compile one training graph per utterance (Kaldi's compile-train-graphs).

Each transcript of TEXT (`utt word1 word2 ...`, e.g. data/train/split2/1/text) is mapped to
word ids with LANG/words.txt (unknown words become the OOV word of LANG/oov.int, as
sym2int.pl --map-oov), composed with the training lexicon LANG/L.fst (optional silence),
the context dependency and H of MODEL, determinized, minimized, and given self-loops.
As in Kaldi, transition probabilities are left out by default (scales 0): the aligner adds
the current model's. FSTS is a Kaldi archive of the graphs. Utterances whose graph cannot
be built are reported and skipped; the step fails if none could be built.

  python -m toolkit.bin.compile_train_graphs data/lang exp/mono/0.mdl \\
      data/train/split2/1/text exp/mono/fsts.1.ark
"""
from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.model import load_model
from toolkit.graph.training_graphs import TrainingGraphCompiler
from toolkit.io.fst import read_fst
from toolkit.io.fst_archive import write_fst_archive
from toolkit.io.table import read_table
from toolkit.lang.lang_dir import read_lang_dir
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger("compile_train_graphs")
_SHOWN = 10


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--transition-scale", type=float, default=0.0, help="scale on forward transition probabilities")
    p.add_argument("--self-loop-scale", type=float, default=0.0, help="scale on self-loop probabilities")
    p.add_argument("lang", help="lang directory (L.fst, words.txt, oov.int, phones/disambig.int)")
    p.add_argument("model", help="model file (e.g. exp/mono/0.mdl)")
    p.add_argument("text", help="transcripts: `utt word ...` lines (ark:FILE or FILE)")
    p.add_argument("fsts", help="output archive of training graphs (e.g. exp/mono/fsts.1.ark)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = read_lang_dir(args.lang)
    trans_model, ctx, _ = load_model(args.model)
    if trans_model.topology != lang.topology:
        raise InputError(f"the topology of {args.model} differs from this lang directory's", lang.path / "topo")
    compiler = TrainingGraphCompiler(trans_model, ctx, read_fst(lang.L), lang.disambig,
                                     transition_scale=args.transition_scale, self_loop_scale=args.self_loop_scale)
    transcripts = read_table(args.text)
    oov_word = lang.words.symbol(lang.oov)
    stats = {"ok": 0, "failed": 0, "oov": 0}

    def graphs():
        for utt, text in progress(transcripts.items(), "compiling graphs", len(transcripts), unit="utt"):
            words = text.split()
            ids = lang.words.ids(words, oov=oov_word)
            for word in (w for w in words if w not in lang.words):
                stats["oov"] += 1
                if stats["oov"] <= _SHOWN:
                    _log.warning("utterance '%s': word '%s' is not in %s/words.txt; mapped to '%s'",
                                 utt, word, lang.path, oov_word)
            try:
                graph = compiler.compile(ids)
            except ToolkitError as e:
                stats["failed"] += 1
                if stats["failed"] <= _SHOWN:
                    _log.warning("utterance '%s': no graph: %s", utt, e)
                continue
            stats["ok"] += 1
            yield utt, graph

    write_fst_archive(args.fsts, graphs())
    _log.info("compiled %d graphs, %d failed; %d words mapped to the OOV word '%s'",
              stats["ok"], stats["failed"], stats["oov"], oov_word)
    if stats["ok"] == 0:
        raise ToolkitError(f"no training graph could be compiled from {args.text}")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
