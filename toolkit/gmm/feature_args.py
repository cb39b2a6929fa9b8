"""Command-line options for the features GMM steps read (Kaldi's $cmvn_opts, $delta_opts, $splice_opts, final.mat
and fMLLR transforms), and the reader they give.

Every step that reads features for a model (init, accumulation, alignment, decoding) must
see the same pipeline; the recipes pass the same options to each.
"""
from __future__ import annotations

import argparse
import os

from toolkit.errors import ToolkitError
from toolkit.features.cache import CachedFeatures, cached_features
from toolkit.features.pipeline import FeatureReader
from toolkit.transform.store import load_global_transform, read_transforms


def add_feature_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("features (per-speaker CMVN, deltas, splicing, transforms, applied on the fly)")
    g.add_argument("--cmvn", action=argparse.BooleanOptionalAction, default=True,
                   help="apply the speaker's CMVN stats from DATA/cmvn.scp (means; variances with --norm-vars)")
    g.add_argument("--norm-vars", action=argparse.BooleanOptionalAction, default=False,
                   help="also normalise variances")
    g.add_argument("--delta-order", type=int, default=2, help="order of the deltas appended (0: none)")
    g.add_argument("--delta-window", type=int, default=2, help="half-width of the delta window")
    g.add_argument("--splice-left", type=int, default=0, help="frames of left context stacked (tri2: 3)")
    g.add_argument("--splice-right", type=int, default=0, help="frames of right context stacked (tri2: 3)")
    g.add_argument("--transform", default=None,
                   help="global transform applied after splicing (final.mat: LDA or LDA+MLLT)")
    g.add_argument("--speaker-transforms", action="append", default=None, metavar="ARK",
                   help="archive of per-speaker fMLLR transforms (trans.JOB.ark) applied last; may repeat")
    g.add_argument("--feature-cache", metavar="DIR", default=None,
                   help="read the features from DIR if it was written for the same inputs and options, "
                        "otherwise compute them and write DIR (shared by the processes of a training run)")


def feature_reader(data_dir: str | os.PathLike, args: argparse.Namespace) -> FeatureReader | CachedFeatures:
    """The features of `data_dir` as the options in `args` (from add_feature_options) describe
    (through the --feature-cache file if one is named)."""
    if args.delta_order < 0 or args.delta_window < 1:
        raise ToolkitError(f"--delta-order {args.delta_order} must be >= 0 and --delta-window {args.delta_window} >= 1")
    if args.splice_left < 0 or args.splice_right < 0:
        raise ToolkitError(f"--splice-left {args.splice_left} and --splice-right {args.splice_right} must be >= 0")
    splice = (args.splice_left, args.splice_right) if args.splice_left or args.splice_right else None
    transform = load_global_transform(args.transform) if args.transform else None
    speaker_transforms = read_transforms(args.speaker_transforms) if args.speaker_transforms else None
    reader = FeatureReader(data_dir, cmvn=args.cmvn, norm_vars=args.norm_vars,
                           delta_order=args.delta_order, delta_window=args.delta_window, splice=splice,
                           transform=transform, speaker_transforms=speaker_transforms,
                           speaker_transforms_name=",".join(args.speaker_transforms or []))
    return cached_features(reader, args.feature_cache) if args.feature_cache else reader
