"""Command-line options for the features GMM steps read (Kaldi's $cmvn_opts and $delta_opts), and the reader they give.

Every step that reads features for a model (init, accumulation, alignment, decoding) must
see the same pipeline; the recipes pass the same options to each.
"""
from __future__ import annotations

import argparse
import os

from toolkit.errors import ToolkitError
from toolkit.features.pipeline import FeatureReader


def add_feature_options(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("features (per-speaker CMVN, then deltas, applied on the fly)")
    g.add_argument("--cmvn", action=argparse.BooleanOptionalAction, default=True,
                   help="apply the speaker's CMVN stats from DATA/cmvn.scp (means; variances with --norm-vars)")
    g.add_argument("--norm-vars", action=argparse.BooleanOptionalAction, default=False,
                   help="also normalise variances")
    g.add_argument("--delta-order", type=int, default=2, help="order of the deltas appended (0: none)")
    g.add_argument("--delta-window", type=int, default=2, help="half-width of the delta window")


def feature_reader(data_dir: str | os.PathLike, args: argparse.Namespace) -> FeatureReader:
    """The features of `data_dir` as the options in `args` (from add_feature_options) describe."""
    if args.delta_order < 0 or args.delta_window < 1:
        raise ToolkitError(f"--delta-order {args.delta_order} must be >= 0 and --delta-window {args.delta_window} >= 1")
    return FeatureReader(data_dir, cmvn=args.cmvn, norm_vars=args.norm_vars,
                         delta_order=args.delta_order, delta_window=args.delta_window)
