"""Forced alignment of a data directory with a GMM-HMM through its training graphs (Kaldi's gmm-align-compiled).

Each utterance of DATA is aligned by Viterbi beam search through its graph in GRAPHS,
retrying once with --retry-beam when the first beam reaches no final state. Utterances
that still fail are listed in the log and left out of ALIGNMENTS; they never get a wrong
alignment. The average per-frame log-likelihood of the alignments is logged. With --acc,
the statistics of the new alignments are accumulated too (what gmm_acc_stats would compute
from them), so a training iteration that realigns reads and processes its features once.
--boost-silence multiplies the likelihood of the silence phones' pdfs for the alignment only
(Kaldi's gmm-boost-silence before gmm-align-compiled); the statistics use the model as it is.

  python -m toolkit.bin.gmm_align --beam 10 --retry-beam 40 exp/mono/final.mdl \\
      exp/mono/fsts.1.ark data/train/split2/1 exp/mono_ali/ali.1.ark
"""
import argparse

import numpy as np

from toolkit import cli
from toolkit.decode.align_set import add_align_options, align_options, align_set
from toolkit.errors import InputError
from toolkit.gmm.accumulate import accumulate_aligned
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.hmm.silence import parse_phone_list, silence_pdfs
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.fst_archive import read_fst_archive
from toolkit.log import get_logger

_log = get_logger("gmm_align")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    add_align_options(p)
    p.add_argument("--boost-silence", type=float, default=1.0, metavar="FACTOR",
                   help="multiply the likelihood of silence pdfs by this in aligning (Kaldi's recipes use 1.25)")
    p.add_argument("--silence-phones", default="", help="colon-separated silence phone ids (phones/silence.csl), "
                   "for --boost-silence")
    p.add_argument("--acc", metavar="FILE", help="also write the GMM and transition statistics of the alignments")
    p.add_argument("model", help="model file (e.g. exp/mono/final.mdl)")
    p.add_argument("graphs", help="training graphs archive (from compile_train_graphs)")
    p.add_argument("data", help="data directory (feats.scp, cmvn.scp)")
    p.add_argument("alignments", help="output archive of transition-id alignments")
    return p


def boost_silence(trans_model: TransitionModel, am: AmDiagGmm, args: argparse.Namespace) -> AmDiagGmm:
    """The model to align with: `am`, or a copy with boosted silence pdfs (--boost-silence)."""
    if args.boost_silence == 1.0:
        return am
    if not args.boost_silence > 0:
        raise InputError(f"--boost-silence must be positive, got {args.boost_silence}")
    phones = parse_phone_list(args.silence_phones, "--silence-phones")
    if not phones:
        raise InputError("--boost-silence needs --silence-phones (e.g. the contents of data/lang/phones/silence.csl)")
    pdfs, shared = silence_pdfs(trans_model, phones, args.model)
    if len(shared):
        _log.warning("%d of the %d silence pdfs of %s are shared with non-silence phones; they are boosted too",
                     len(shared), len(pdfs), args.model)
    _log.info("aligning with the likelihood of %d silence pdfs multiplied by %g", len(pdfs), args.boost_silence)
    return am.boosted(pdfs, args.boost_silence)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    trans_model, _, am = load_model(args.model)
    align_am = boost_silence(trans_model, am, args)
    reader = feature_reader(args.data, args)
    current: dict[str, np.ndarray] = {}
    aligned: list[tuple[np.ndarray, np.ndarray]] = []  # kept for --acc

    def scores(utt: str):
        feats = reader[utt]
        if feats.shape[1] != am.dim:
            raise InputError(f"utterance '{utt}': features have dimension {feats.shape[1]} but the model "
                             f"{args.model} has {am.dim} (do the feature options match the model's?)", args.data)
        current.clear()  # only the utterance being aligned
        current[utt] = feats
        return lambda pdfs: align_am.log_likelihoods_of(feats, pdfs)

    def keep(utt: str, alignment: np.ndarray) -> None:
        aligned.append((current.pop(utt), alignment))

    summary = align_set(reader.keys(), dict(read_fst_archive(args.graphs)), scores, trans_model, args.alignments,
                        align_options(args), what=f"{args.data} with {args.model}", graphs_name=args.graphs,
                        on_aligned=keep if args.acc else None)
    summary.log()
    if args.acc:
        accumulate_aligned(am, trans_model.tid2pdf, aligned).save(args.acc)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
