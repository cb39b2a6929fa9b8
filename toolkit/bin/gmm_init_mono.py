"""Initialise a monophone GMM-HMM (Kaldi's gmm-init-mono, as steps/train_mono.sh calls it).

Every pdf gets one Gaussian with the global mean and variance of the features of the first
--num-utts utterances of DATA (train_mono.sh uses 10; 0: all), read through the feature
pipeline options below. Pdfs are one per (phone set of LANG/phones/sets.int, pdf class);
the transition model takes its probabilities from LANG/topo. Writes MODEL (the model file
of toolkit/gmm/model.py: transition model, context dependency and GMMs in one file).

  python -m toolkit.bin.gmm_init_mono data/train data/lang exp/mono/0.mdl
"""

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.init_mono import global_mean_var, init_mono_gmm
from toolkit.gmm.model import save_model
from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.lang.lang_dir import read_lang_dir
from toolkit.log import get_logger

_log = get_logger("gmm_init_mono")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--num-utts", type=int, default=10,
                   help="utterances (the first of DATA/feats.scp) for the global mean and variance; 0: all")
    p.add_argument("--perturb-factor", type=float, default=0.0,
                   help="perturb each pdf's mean by this many standard deviations in a random direction")
    p.add_argument("--seed", type=int, default=0, help="seed of the perturbation")
    add_feature_options(p)
    p.add_argument("data", help="data directory with feats.scp (and cmvn.scp, utt2spk)")
    p.add_argument("lang", help="lang directory (topo, phones/sets.int)")
    p.add_argument("model", help="output model file, e.g. exp/mono/0.mdl")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.num_utts < 0:
        raise ToolkitError(f"--num-utts {args.num_utts}: must be >= 0")
    lang = read_lang_dir(args.lang)
    ctx = monophone_context(lang.topology, lang.sets)
    trans_model = TransitionModel.build(lang.topology, ctx)
    reader = feature_reader(args.data, args)
    utts = reader.keys() if args.num_utts == 0 else reader.keys()[:args.num_utts]
    mean, var, frames = global_mean_var(reader[u] for u in utts)
    am = init_mono_gmm(ctx.num_pdfs, mean, var, args.perturb_factor, args.seed)
    save_model(args.model, trans_model, ctx, am)
    _log.info("wrote %s: %d pdfs, %d Gaussians, dimension %d, %d transition ids; global stats from %d frames "
              "of %d utterances", args.model, am.num_pdfs, am.num_gauss, am.dim, trans_model.num_tids, frames, len(utts))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
