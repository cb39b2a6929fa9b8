"""Estimate per-speaker fMLLR transforms from alignments (Kaldi's gmm-est-fmllr, full update, with --spk2utt).

For every speaker of DATA/spk2utt, the frames of its utterances that have an alignment in
ALIGNMENTS (transition ids of MODEL's transition model: a training alignment, or the best
paths of a first decoding pass) are shared among the Gaussians of their aligned pdf by
their posteriors under MODEL, frames of --silence-phones weighted by --silence-weight
(Kaldi's weight-silence-post), and the speaker's fMLLR statistics give an affine transform
(D, D + 1) by --fmllr-iters passes of row updates (toolkit/transform/fmllr.py). A speaker
with less than --fmllr-min-count weighted frames (or none) keeps the identity, or its
previous transform, and is logged with its count. Every speaker of DATA gets a transform.

Features come through the pipeline options below. If they include --speaker-transforms (an
earlier pass's fMLLR transforms), the statistics are of the adapted features and the
transform written is the new one composed after the old one (Kaldi's compose-transforms
--b-is-affine=true new old): it maps the unadapted features directly, so OUT_ARK replaces
the old archive. The log gives each speaker's auxiliary-function improvement per frame
and frames, and the totals. --write-timing FILE records the CPU seconds spent (as
`decode_seconds`) for gmm_decode --add-timing, so a two-pass decoding's real-time factor
counts the estimation.

  python -m toolkit.bin.est_fmllr --silence-phones 1:2:3 --silence-weight 0.01 \\
      exp/tri3/final.mdl data/dev/split2/1 exp/tri3/decode_dev.si/ali.1.ark exp/tri3/decode_dev/trans.1.ark
"""
import json
import os
import time

import numpy as np

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.aligned_features import AlignedFeatures
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.hmm.silence import parse_phone_list, tid_weights
from toolkit.io.atomic import atomic_write
from toolkit.io.table import read_table
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.transform.affine import compose_transforms
from toolkit.transform.fmllr import FmllrStats, estimate_fmllr, identity_transform
from toolkit.transform.store import write_transforms

_log = get_logger("est_fmllr")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--silence-phones", default="", help="colon-separated silence phone ids (phones/silence.csl)")
    p.add_argument("--silence-weight", type=float, default=0.0,
                   help="weight of frames of the silence phones (train_sat.sh: 0, decode_fmllr.sh: 0.01)")
    p.add_argument("--fmllr-iters", type=int, default=40, help="passes of row updates over the transform")
    p.add_argument("--fmllr-min-count", type=float, default=500.0,
                   help="a speaker with fewer (weighted) frames keeps the identity or its previous transform")
    p.add_argument("--write-timing", metavar="FILE", default=None,
                   help="write the seconds spent here as JSON {utterances, decode_seconds}")
    p.add_argument("model", help="model the statistics are taken under (e.g. exp/tri3/final.mdl)")
    p.add_argument("data", help="data directory (feats.scp, spk2utt, utt2spk; cmvn.scp with --cmvn)")
    p.add_argument("alignments", help="archive of transition-id alignments (e.g. exp/tri3/decode_dev.si/ali.1.ark)")
    p.add_argument("out_ark", help="output archive of per-speaker transforms (e.g. exp/tri3/decode_dev/trans.1.ark)")
    return p


def _speakers(data: str) -> tuple[list[str], dict[str, str]]:
    """(speakers in spk2utt order, utterance -> speaker) from DATA/spk2utt."""
    path = os.path.join(data, "spk2utt")
    spk2utt = read_table(path)
    utt2spk = {}
    for spk, utts in spk2utt.items():
        for utt in utts.split():
            if utt in utt2spk:
                raise InputError(f"utterance '{utt}' belongs to speakers '{utt2spk[utt]}' and '{spk}'", path)
            utt2spk[utt] = spk
    return list(spk2utt), utt2spk


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.fmllr_iters < 0:
        raise ToolkitError(f"--fmllr-iters {args.fmllr_iters} must be >= 0")
    trans_model, _, am = load_model(args.model)
    tid_weight = tid_weights(trans_model, parse_phone_list(args.silence_phones, "--silence-phones"),
                             args.silence_weight, args.model)
    speakers, utt2spk = _speakers(args.data)
    reader = feature_reader(args.data, args)
    previous = reader.speaker_transforms or {}
    aligned = AlignedFeatures(reader, args.alignments, trans_model, args.model, am.dim)
    start = time.process_time()

    stats: dict[str, FmllrStats] = {}
    # A run of one speaker's utterances (all of them, in a sorted data directory) is accumulated
    # at once, a matrix product per pdf present, and its frames dropped; only statistics are kept.
    pending: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    pending_spk = None

    def flush() -> None:
        if pending:
            if pending_spk not in stats:
                stats[pending_spk] = FmllrStats(am.dim)
            stats[pending_spk].accumulate(am, *(np.concatenate(part) for part in zip(*pending)))
            pending.clear()

    for utt, feats, tids in progress(aligned, "accumulating", len(aligned), unit="utt"):
        spk = utt2spk.get(utt)
        if spk is None:
            raise InputError(f"utterance '{utt}' is in feats.scp but not in spk2utt", os.path.join(args.data, "spk2utt"))
        if spk != pending_spk:
            flush()
            pending_spk = spk
        pending.append((feats, trans_model.tid2pdf[tids], tid_weight[tids]))
    flush()
    _log.info(aligned.summary())
    if aligned.counts["done"] == 0:
        raise ToolkitError(f"no utterance of {args.data} could be used with the alignments {args.alignments}")

    transforms, too_few = {}, []
    tot_impr = tot_count = 0.0
    for spk in speakers:
        s = stats.get(spk, FmllrStats(am.dim))
        new = identity_transform(am.dim)
        if s.beta < args.fmllr_min_count:
            too_few.append(f"{spk} ({s.beta:.1f})")
        else:
            try:
                result = estimate_fmllr(s, num_iters=args.fmllr_iters, min_count=args.fmllr_min_count)
            except ToolkitError as e:
                raise ToolkitError(f"speaker '{spk}': {e}") from None
            new = result.matrix
            tot_impr += result.objf_impr
            tot_count += s.beta
            _log.info("speaker %s: auxf improvement per frame %.4f over %.1f frames",
                      spk, result.objf_impr_per_frame, s.beta)
        transforms[spk] = new if spk not in previous else compose_transforms(new, previous[spk], b_is_affine=True)
    seconds = time.process_time() - start

    if too_few:
        _log.warning("%d of %d speakers have fewer than %g frames and keep %s: %s", len(too_few), len(speakers),
                     args.fmllr_min_count, "their previous transform" if previous else "the identity",
                     ", ".join(too_few))
    counts = np.array([stats[spk].beta if spk in stats else 0.0 for spk in speakers])
    _log.info("frames per speaker (weighted): min %.1f, median %.1f, max %.1f over %d speakers",
              counts.min(), float(np.median(counts)), counts.max(), len(speakers))
    _log.info("overall fMLLR auxf improvement per frame %.4f over %.1f frames (%d speakers adapted)",
              tot_impr / tot_count if tot_count else 0.0, tot_count, len(speakers) - len(too_few))
    write_transforms(args.out_ark, transforms)
    if args.write_timing:
        with atomic_write(args.write_timing) as f:
            json.dump({"utterances": aligned.counts["done"], "decode_seconds": seconds}, f)
            f.write("\n")
    _log.info("wrote %d transforms to %s in %.1f s%s", len(transforms), args.out_ark, seconds,
              " (each composed after the previous one)" if previous else "")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
