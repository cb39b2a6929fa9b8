"""Maximum-likelihood re-estimation of a GMM-HMM (Kaldi's gmm-est).

Reads MODEL_IN and the statistics ACC (several files are summed, as gmm_sum_accs does),
updates the transition probabilities (unless 't' is left out of --update-flags) and the
GMMs (means, variances, weights as --update-flags says; Gaussians with too little data
are kept as they were or removed), then, with --mix-up, splits Gaussians toward that
total (allocated to pdfs by occupancy^power) and writes MODEL_OUT. Logs the average
log-likelihood per frame of the statistics, the objective function improvements and the
number of Gaussians.

  python -m toolkit.bin.gmm_est --mix-up 300 --power 0.25 exp/mono/1.mdl \\
      exp/mono/1.1.acc exp/mono/1.2.acc exp/mono/2.mdl
"""
import argparse

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.accumulate import sum_accumulators
from toolkit.gmm.model import load_model, save_model
from toolkit.gmm.update import MleOptions, mix_up, mle_update
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger

_log = get_logger("gmm_est")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--update-flags", default="mvwt",
                   help="what to update: a subset of m (means), v (variances), w (weights), t (transitions)")
    p.add_argument("--mix-up", type=int, default=0, help="split Gaussians toward this total (0: no mixing up)")
    p.add_argument("--power", type=float, default=0.2,
                   help="when mixing up, Gaussians per pdf grow as occupancy to this power")
    p.add_argument("--min-count", type=float, default=20.0,
                   help="when mixing up, the least occupancy a Gaussian is allowed")
    p.add_argument("--perturb-factor", type=float, default=0.01,
                   help="when mixing up, move the split means apart by this many standard deviations")
    p.add_argument("--seed", type=int, default=0, help="seed of the mixing-up perturbations")
    g = p.add_argument_group("GMM update")
    g.add_argument("--min-gaussian-occupancy", type=float, default=10.0,
                   help="a Gaussian with less occupancy is not updated (and is removed, see below)")
    g.add_argument("--min-gaussian-weight", type=float, default=1e-5,
                   help="a Gaussian with a smaller share of its pdf is not updated (and is removed)")
    g.add_argument("--remove-low-count-gaussians", action=argparse.BooleanOptionalAction, default=True,
                   help="remove the Gaussians that are not updated (never a pdf's last)")
    g.add_argument("--min-variance", type=float, default=0.001, help="absolute variance floor")
    g.add_argument("--var-floor", type=float, default=0.0,
                   help="also floor variances at this fraction of the global variance of the data (0: off)")
    g = p.add_argument_group("transition update")
    g.add_argument("--transition-min-count", type=float, default=5.0,
                   help="transition states with fewer counts keep their probabilities")
    g.add_argument("--transition-floor", type=float, default=0.01, help="floor on transition probabilities")
    p.add_argument("--write-occs", default=None, help="also write the pdf occupancies here (Kaldi text vector)")
    p.add_argument("model_in", help="model file (e.g. exp/mono/1.mdl)")
    p.add_argument("accs", nargs="+", help="statistics file(s) from gmm_acc_stats (summed)")
    p.add_argument("model_out", help="output model file (e.g. exp/mono/2.mdl)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if set(args.update_flags) - set("mvwt"):
        raise ToolkitError(f"--update-flags '{args.update_flags}': a subset of 'mvwt' expected")
    opts = MleOptions(min_gaussian_occupancy=args.min_gaussian_occupancy, min_gaussian_weight=args.min_gaussian_weight,
                      min_variance=args.min_variance, variance_floor=args.var_floor,
                      remove_low_count_gaussians=args.remove_low_count_gaussians,
                      update_flags=args.update_flags.replace("t", ""))
    trans_model, ctx, am = load_model(args.model_in)
    acc = sum_accumulators(args.accs)
    if acc.num_tids != trans_model.num_tids:
        raise InputError(f"statistics for {acc.num_tids} transition ids, but {args.model_in} has "
                         f"{trans_model.num_tids}", args.accs[0])
    try:
        acc.check_model(am)
    except ToolkitError as e:
        raise InputError(f"{e} ({args.model_in})", args.accs[0]) from None
    if acc.num_frames == 0:
        raise InputError("the statistics are empty", args.accs[0])

    if "t" in args.update_flags:
        impr, count = trans_model.update(acc.tid_counts, args.transition_min_count, args.transition_floor)
        _log.info("transition model update: overall %.5f log-like improvement per frame over %.0f frames",
                  impr / max(count, 1.0), count)
    new_am, stats = mle_update(am, acc, opts)
    _log.info("GMM update: overall %.5f objective function improvement per frame over %.0f frames",
              stats.objf_change / max(stats.count, 1.0), stats.count)
    _log.info("GMM update: overall avg like per frame = %.5f over %d frames",
              acc.tot_like / acc.num_frames, acc.num_frames)
    if stats.floored_elements or stats.removed_gaussians:
        _log.info("%d variance elements floored in %d Gaussians; %d Gaussians removed",
                  stats.floored_elements, stats.floored_gaussians, stats.removed_gaussians)
    pdf_occs = acc.pdf_occupancy(am.num_pdfs)
    if args.mix_up:
        before = new_am.num_gauss
        new_am = mix_up(new_am, pdf_occs, args.mix_up, power=args.power, min_count=args.min_count,
                        perturb_factor=args.perturb_factor, seed=args.seed)
        _log.info("split %d pdfs with target %d, power %g, perturb factor %g, min count %g: %d -> %d Gaussians",
                  new_am.num_pdfs, args.mix_up, args.power, args.perturb_factor, args.min_count,
                  before, new_am.num_gauss)
    if args.write_occs:
        with atomic_write(args.write_occs) as f:
            f.write(" [ " + " ".join(f"{x:g}" for x in pdf_occs) + " ]\n")
    save_model(args.model_out, trans_model, ctx, new_am)
    _log.info("wrote %s: %d pdfs, %d Gaussians", args.model_out, new_am.num_pdfs, new_am.num_gauss)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
