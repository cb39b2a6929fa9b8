"""Accumulate GMM and transition statistics from alignments (Kaldi's gmm-acc-stats-ali).

For every utterance of DATA (features through the pipeline options below) with an
alignment in ALIGNMENTS (an int-vector archive of transition ids, one per frame), each
frame adds to the Gaussians of its pdf (weighted by their posteriors within the pdf) and
counts its transition id. Utterances without an alignment, or whose alignment length
differs from the number of frames, are skipped with a warning; the step fails if none
could be used. Writes ACC (toolkit/gmm/accumulate.py's format), to be summed over jobs by
gmm_sum_accs or gmm_est.

With --posterior-speaker-transforms (Kaldi's gmm-acc-stats-twofeats) the Gaussian posteriors
are computed on the features with these per-speaker transforms applied after the pipeline
below (fMLLR: the features MODEL was trained on), and the statistics are accumulated on the
features without them: the speaker-independent alignment model of SAT (final.alimdl) is
then `gmm_est --no-remove-low-count-gaussians` on these statistics.

  python -m toolkit.bin.gmm_acc_stats exp/mono/1.mdl data/train/split2/1 \\
      exp/mono/ali.1.ark exp/mono/1.1.acc
  python -m toolkit.bin.gmm_acc_stats --posterior-speaker-transforms exp/tri3/trans.1.ark \\
      exp/tri3/final.mdl data/train/split2/1 exp/tri3/ali.1.ark exp/tri3/final.1.acc
"""
import os

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.accumulate import accumulate_aligned, accumulate_aligned_twofeats
from toolkit.gmm.aligned_features import AlignedFeatures
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.io.table import read_table
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.transform.affine import apply_transform
from toolkit.transform.store import read_transforms

_log = get_logger("gmm_acc_stats")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--posterior-speaker-transforms", action="append", default=None, metavar="ARK",
                   help="per-speaker transforms (trans.JOB.ark; may repeat) giving the features the posteriors "
                        "are computed on; the statistics stay on the features without them")
    p.add_argument("model", help="model file (e.g. exp/mono/1.mdl)")
    p.add_argument("data", help="data directory (feats.scp, and cmvn.scp + utt2spk with --cmvn)")
    p.add_argument("alignments", help="archive of transition-id alignments (e.g. exp/mono/ali.1.ark)")
    p.add_argument("acc", help="output statistics file (e.g. exp/mono/1.1.acc)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    trans_model, _, am = load_model(args.model)
    aligned = AlignedFeatures(feature_reader(args.data, args), args.alignments, trans_model, args.model, am.dim)
    if args.posterior_speaker_transforms:
        items = _with_posterior_feats(aligned, args.data, args.posterior_speaker_transforms)
        acc = accumulate_aligned_twofeats(am, trans_model.tid2pdf,
                                          progress(items, "accumulating", len(aligned), unit="utt"))
    else:
        pairs = ((feats, tids) for _, feats, tids in aligned)
        acc = accumulate_aligned(am, trans_model.tid2pdf, progress(pairs, "accumulating", len(aligned), unit="utt"))
    _log.info(aligned.summary())
    if aligned.counts["done"] == 0:
        raise ToolkitError(f"no utterance of {args.data} could be used with the alignments {args.alignments}")
    _log.info("overall avg like per frame (Gaussian only%s) = %.4f over %d frames",
              ", of the features the posteriors are computed on" if args.posterior_speaker_transforms else "",
              acc.tot_like / max(acc.num_frames, 1), acc.num_frames)
    acc.save(args.acc)
    return 0


def _with_posterior_feats(aligned: AlignedFeatures, data: str, arks: list[str]):
    """(feats, feats through the speaker's transform, tids) for each aligned utterance."""
    transforms = read_transforms(arks)
    utt2spk = read_table(os.path.join(data, "utt2spk"))
    for utt, feats, tids in aligned:
        speaker = utt2spk.get(utt)
        if speaker is None:
            raise InputError(f"utterance '{utt}' is not in utt2spk", os.path.join(data, "utt2spk"))
        if speaker not in transforms:
            raise InputError(f"no transform for speaker '{speaker}' (of utterance '{utt}')", ",".join(arks))
        try:
            yield feats, apply_transform(feats, transforms[speaker]), tids
        except ToolkitError as e:
            raise InputError(f"utterance '{utt}': {e}", ",".join(arks)) from None


if __name__ == "__main__":
    cli.exit_with(main)
