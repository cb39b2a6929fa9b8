"""Decode a data directory with a GMM-HMM and an HCLG graph (Kaldi's gmm-latgen-faster + lattice scoring sweep).

Each utterance is decoded once into a lattice (kaldi-decoder's LatticeSimpleDecoder), and
the lattice's best path is taken at every LM weight in --lm-weights and word insertion
penalty in --word-ins-penalties, as Kaldi's score.sh does with lattice-scale and
lattice-add-penalty. OUT (e.g. exp/mono/decode_dev/hyp.1) receives one Kaldi text file per
setting, `<lmwt>_<penalty>.txt` (utterance id, then words; an utterance that reached no
final state keeps its best partial path, as in Kaldi, and is listed in the log), and
`timing.json` with the audio and decoding seconds; the log gives the real-time factor.

--write-alignments ARK writes each utterance's best-path transition ids at the decoding's
own acoustic scale (the lattice's best path under graph + acoustic-scale * acoustic, no
insertion penalty), as an int-vector archive: the first pass of fMLLR decoding estimates
the speaker transforms from them (est_fmllr). --add-timing FILE (a timing.json of the same
job in an earlier pass, or est_fmllr --write-timing's file; may repeat) adds that file's
decode_seconds to this job's, so the real-time factor of a multi-pass system counts every
pass; timing.json then keeps this pass's own seconds as `pass_seconds` and the added ones
under `earlier`.

  python -m toolkit.bin.gmm_decode exp/mono/final.mdl exp/mono/graph data/dev/split2/1 \\
      exp/mono/decode_dev/hyp.1
"""
import os

from toolkit import cli
from toolkit.decode.sweep import add_sweep_options, decode_sweep, earlier_seconds, sweep_options
from toolkit.errors import InputError
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.io.fst import read_fst
from toolkit.lang.symbols import read_symbol_table


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    add_sweep_options(p)
    p.add_argument("model", help="model file (e.g. exp/mono/final.mdl)")
    p.add_argument("graph_dir", help="graph directory with HCLG.fst and words.txt (from make_graph)")
    p.add_argument("data", help="data directory (feats.scp, cmvn.scp)")
    p.add_argument("out", help="output directory for this job's hypotheses (replaced)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    earlier = {path: earlier_seconds(path) for path in args.add_timing}
    trans_model, _, am = load_model(args.model)
    hclg = read_fst(os.path.join(args.graph_dir, "HCLG.fst"))
    words = read_symbol_table(os.path.join(args.graph_dir, "words.txt"))
    reader = feature_reader(args.data, args)

    def log_likelihoods(utt: str):
        feats = reader[utt]
        if feats.shape[1] != am.dim:
            raise InputError(f"utterance '{utt}': features have dimension {feats.shape[1]} but the model "
                             f"{args.model} has {am.dim} (do the feature options match the model's?)", args.data)
        return am.log_likelihoods(feats)

    decode_sweep(reader.keys(), log_likelihoods, hclg, words, trans_model, args.out, sweep_options(args),
                 write_alignments=args.write_alignments, earlier=earlier)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
