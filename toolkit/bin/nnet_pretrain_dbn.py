"""Generative pretraining of a DNN's hidden layers as a stack of RBMs (Hinton et al. 2012; Kaldi nnet1's pretrain_dbn.sh).

The input is DATA's frames spliced --splice either side and normalised by their global
mean and variance; the first RBM is Gaussian-Bernoulli on it, each one above is
Bernoulli-Bernoulli on the hidden probabilities of the one below; each is trained by
contrastive divergence (CD-1) on frame-shuffled minibatches with momentum rising from 0.5
to 0.9 and L2 decay. OUT (e.g. exp/dnn_dbn/pretrain/final.dbn) holds the stack's weights
and the normalisation, for nnet_train --init-dbn. No alignments are needed: the
pretraining is unsupervised.

  python -m toolkit.bin.nnet_pretrain_dbn --no-cmvn --delta-order 0 --hidden-layers 4 --hidden-dim 1024 \\
      data-fmllr/train exp/dnn_dbn/pretrain/final.dbn
"""
from __future__ import annotations

import time

import torch

from toolkit import cli
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.log import get_logger
from toolkit.nnet.dataset import load_frames
from toolkit.nnet.dbn import save_dbn
from toolkit.nnet.network import window_normalisation
from toolkit.nnet.rbm import pretrain_dbn, rbm_linear_init

_log = get_logger("nnet_pretrain_dbn")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    p.add_argument("--splice", type=int, default=5, help="frames of context on each side of the input window")
    p.add_argument("--hidden-layers", type=int, default=4, help="number of RBMs (hidden layers)")
    p.add_argument("--hidden-dim", type=int, default=1024, help="hidden units per RBM")
    p.add_argument("--gaussian-learning-rate", type=float, default=0.01, help="learning rate of the first RBM")
    p.add_argument("--bernoulli-learning-rate", type=float, default=0.4, help="learning rate of the RBMs above")
    p.add_argument("--gaussian-epochs", type=float, default=2, help="epochs of the first RBM")
    p.add_argument("--bernoulli-epochs", type=float, default=1, help="epochs of each RBM above")
    p.add_argument("--l2", type=float, default=0.0002, help="L2 weight decay")
    p.add_argument("--batch-size", type=int, default=256, help="frames per minibatch")
    p.add_argument("--seed", type=int, default=0, help="seed of the initialisation, sampling and shuffling")
    p.add_argument("--num-threads", type=int, default=1, help="torch threads")
    p.add_argument("data", help="data directory of the training frames")
    p.add_argument("out", help="output DBN file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    start = time.perf_counter()
    frames = load_frames(feature_reader(args.data, args), args.splice, args.splice)
    mean, std = frames.mean_std()
    shift, scale = window_normalisation(mean, std, 2 * args.splice + 1)
    generator = torch.Generator().manual_seed(args.seed)

    def batches():
        return ((x + shift) * scale for x, _ in frames.minibatches(args.batch_size, generator, drop_last=True))

    rbms = pretrain_dbn(batches, frames.window_dim, [args.hidden_dim] * args.hidden_layers,
                        gaussian_learning_rate=args.gaussian_learning_rate,
                        bernoulli_learning_rate=args.bernoulli_learning_rate, gaussian_epochs=args.gaussian_epochs,
                        bernoulli_epochs=args.bernoulli_epochs, seed=args.seed, l2=args.l2)
    save_dbn(args.out, [rbm_linear_init(r) for r in rbms], feat_dim=frames.dim, left=args.splice, right=args.splice,
             mean=mean, std=std)
    _log.info("pretrained %d RBMs (%s) on %d frames in %.0f s; wrote %s", len(rbms),
              " -> ".join(str(d) for d in [frames.window_dim] + [args.hidden_dim] * args.hidden_layers),
              frames.num_frames, time.perf_counter() - start, args.out)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
