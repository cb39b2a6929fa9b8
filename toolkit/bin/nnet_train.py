"""Train a DNN on tied-state targets by frame-level cross-entropy with the newbob schedule (Kaldi nnet1's train.sh).

TRAIN and CV are data directories (read with the feature options, e.g. fMLLR features
dumped by local/make_fmllr_feats.sh with --no-cmvn --delta-order 0); ALI_DIR holds the
GMM system's alignments ali.*.ark of both and its final.mdl, whose tree gives the pdfs.
Inputs are windows of --splice frames either side, normalised by the training frames'
global mean and variance (kept in the network). The hidden layers are random, or the RBM
stack of --init-dbn (from nnet_pretrain_dbn). After each epoch the cross-validation loss
accepts or rejects it and sets the learning rate (newbob: halve once the relative
improvement falls below --start-halving-impr, stop once it then falls below
--end-halving-impr).

OUT_DIR receives final.nnet, ali_train_pdf.counts (the pdf counts of ALI_DIR's alignments,
whose priors decoding divides by), final.mdl (ALI_DIR's, for the transition model and
tree), nnet/epoch<N>.nnet, train_state.json (rerunning resumes after the last finished
epoch; if the features, targets, network, initialisation or step options changed, the
earlier epochs are discarded and training starts again) and train_summary.json (epochs,
losses, frame accuracies, frames per second, and the forward/backward GFLOP/s against the
machine's fp32 matrix peak measured in this run, and against its bfloat16 peak when that
was measured).

--precision bf16 runs the training's forward passes under bfloat16 autocast (the affine
layers' products and their gradients in bfloat16; parameters, updates, loss and the
cross-validation stay float32). On CPUs with bfloat16 matrix units (AMX) that is faster; on
others, slower. `auto` (the default) takes bf16 where torch reports AMX tiles on the CPU, a
fixed property of the machine (a measured peak once came out at less than half its usual
value and flipped the choice mid-recipe); where torch cannot tell, where the measured bf16
matrix peak is at least twice the fp32 one.

  python -m toolkit.bin.nnet_train --no-cmvn --delta-order 0 --num-threads 2 \\
      data-fmllr/train_tr90 data-fmllr/train_cv10 exp/tri3_ali exp/dnn
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import torch

from toolkit import cli
from toolkit.errors import InputError
from toolkit.gmm.feature_args import add_feature_options, feature_reader
from toolkit.gmm.model import load_model
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.nnet.dataset import load_frames
from toolkit.nnet.dbn import load_dbn
from toolkit.nnet.network import ACTIVATIONS, Dnn, NetworkConfig, save_network
from toolkit.nnet.newbob import NewbobSchedule
from toolkit.nnet.targets import pdf_counts, read_pdf_targets, write_counts
from toolkit.nnet.throughput import measure_peak_gflops
from toolkit.nnet.training import train_newbob

_log = get_logger("nnet_train")
AUTO_BF16_RATIO = 2.0  # without a capability report, --precision auto takes bf16 above this ratio of measured peaks


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_feature_options(p)
    g = p.add_argument_group("network")
    g.add_argument("--splice", type=int, default=5, help="frames of context on each side of the input window")
    g.add_argument("--hidden-layers", type=int, default=4, help="number of hidden layers")
    g.add_argument("--hidden-dim", type=int, default=1024, help="units per hidden layer")
    g.add_argument("--activation", choices=sorted(ACTIVATIONS), default="sigmoid", help="hidden non-linearity")
    g.add_argument("--init-dbn", metavar="FILE", default=None,
                   help="initialise the lowest hidden layers from this RBM stack (nnet_pretrain_dbn)")
    g = p.add_argument_group("training")
    g.add_argument("--learning-rate", type=float, default=1.0, help="SGD step on the minibatch-mean cross-entropy")
    g.add_argument("--batch-size", type=int, default=256, help="frames per minibatch")
    g.add_argument("--momentum", type=float, default=0.0, help="SGD momentum")
    g.add_argument("--l2", type=float, default=0.0, help="L2 weight decay")
    g.add_argument("--min-epochs", type=int, default=0, help="never stop before this many epochs")
    g.add_argument("--max-epochs", type=int, default=20, help="always stop after this many epochs")
    g.add_argument("--start-halving-impr", type=float, default=0.01,
                   help="start halving the learning rate below this relative cv improvement")
    g.add_argument("--end-halving-impr", type=float, default=0.001,
                   help="stop, once halving, below this relative cv improvement")
    g.add_argument("--halving-factor", type=float, default=0.5, help="learning-rate factor when halving")
    g.add_argument("--seed", type=int, default=0, help="seed of the initialisation and the frame shuffling")
    g.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto",
                   help="arithmetic of the training passes: fp32, bf16 autocast, or auto: bf16 on CPUs with AMX "
                        f"tiles (where torch cannot tell: where the measured bfloat16 matrix peak is at least "
                        f"{AUTO_BF16_RATIO:g}x the fp32 one)")
    g.add_argument("--num-threads", type=int, default=1, help="torch threads")
    p.add_argument("train", help="training data directory")
    p.add_argument("cv", help="cross-validation data directory (held-out speakers)")
    p.add_argument("ali_dir", help="alignment directory: ali.*.ark and final.mdl")
    p.add_argument("out_dir", help="output directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    start = time.perf_counter()
    model_path = os.path.join(args.ali_dir, "final.mdl")
    trans_model, _, _ = load_model(model_path)
    archives = sorted(glob.glob(os.path.join(args.ali_dir, "ali.*.ark")))
    if not archives:
        raise InputError("no alignment archives ali.*.ark", args.ali_dir)
    targets = read_pdf_targets(archives, trans_model)
    name = f"the alignments in {args.ali_dir}"
    train = load_frames(feature_reader(args.train, args), args.splice, args.splice, targets, name)
    cv = load_frames(feature_reader(args.cv, args), args.splice, args.splice, targets, name)
    if cv.dim != train.dim:
        raise InputError(f"features of dimension {cv.dim}, the training set's are {train.dim}", args.cv)

    config = NetworkConfig(train.dim, args.splice, args.splice, [args.hidden_dim] * args.hidden_layers,
                           args.activation, trans_model.num_pdfs)
    net = Dnn(config, torch.Generator().manual_seed(args.seed))
    if args.init_dbn:
        layers, meta = load_dbn(args.init_dbn)
        if (meta["feat_dim"], meta["left"], meta["right"]) != (train.dim, args.splice, args.splice):
            raise InputError(f"pretrained on {meta['feat_dim']}-dim features spliced -{meta['left']}/+{meta['right']},"
                             f" but training uses {train.dim} spliced -{args.splice}/+{args.splice}", args.init_dbn)
        net.init_hidden(layers)
        net.set_normalisation(meta["mean"], meta["std"])  # the inputs the RBMs were trained on
        _log.info("hidden layers 1-%d and input normalisation from %s", len(layers), args.init_dbn)
    else:
        net.set_normalisation(*train.mean_std())

    os.makedirs(args.out_dir, exist_ok=True)
    counts = pdf_counts(targets.values(), trans_model.num_pdfs)
    write_counts(os.path.join(args.out_dir, "ali_train_pdf.counts"), counts)
    shutil.copyfile(model_path, os.path.join(args.out_dir, "final.mdl"))
    _log.info("%d pdfs, %d of them never a target; network %s, %.1f M multiply-adds per frame",
              trans_model.num_pdfs, int((counts == 0).sum()),
              " -> ".join(str(d) for d in [config.input_dim, *config.hidden_dims, config.num_pdfs]),
              config.macs_per_frame() / 1e6)

    dtypes = {"fp32": torch.float32, **({"bf16": torch.bfloat16} if args.precision != "fp32" else {})}
    peaks = _measure_peaks(dtypes, args.num_threads, "")
    used = args.precision
    if used == "auto":
        used, why = auto_precision(peaks)
        _log.info("--precision auto: training in %s (%s)", used, why)
    schedule = NewbobSchedule(args.learning_rate, args.start_halving_impr, args.end_halving_impr, args.halving_factor,
                              args.min_epochs, args.max_epochs)
    # What the epochs' networks depend on: a saved state with another setup is not resumed.
    setup = {"network": asdict(config), "seed": args.seed, "train": train.digest(), "cv": cv.digest(),
             "init_dbn": hashlib.sha256(Path(args.init_dbn).read_bytes()).hexdigest() if args.init_dbn else None,
             "step": {"learning_rate": args.learning_rate, "batch_size": args.batch_size, "momentum": args.momentum,
                      "l2": args.l2}}
    best, summary = train_newbob(net, train, cv, schedule, args.out_dir, batch_size=args.batch_size,
                                 momentum=args.momentum, l2=args.l2, seed=args.seed, peak_gflops=peaks[used],
                                 bf16=used == "bf16", setup=setup)
    save_network(os.path.join(args.out_dir, "final.nnet"), best)
    # Other work on the machine lowers a measurement, never raises it: take the better of two.
    after = _measure_peaks(dtypes, args.num_threads, " again after training")
    peaks = {name: max(peaks[name], after[name]) for name in peaks}
    peak = peaks[used]
    trained = [h for h in summary["history"] if "train" in h]
    frames = sum(h["train"]["frames"] for h in trained)
    compute = sum(h["train"]["compute_seconds"] for h in trained)
    wall = sum(h["train"]["seconds"] for h in trained)
    flops = sum(h["gflops"] * h["train"]["compute_seconds"] for h in trained)
    gflops = flops / max(compute, 1e-9)
    summary.update(precision=used, peak_gflops=peak, fp32_peak_gflops=peaks["fp32"], num_threads=args.num_threads,
                   train_frames=train.num_frames, cv_frames=cv.num_frames, frames_per_second=frames / max(wall, 1e-9),
                   gflops=gflops, fraction_of_peak=gflops / peak, fraction_of_fp32_peak=gflops / peaks["fp32"],
                   seconds=time.perf_counter() - start, options=vars(args))
    with atomic_write(os.path.join(args.out_dir, "train_summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    best_cv = min(h["cv"]["loss"] for h in summary["history"])
    acc = max(h["cv"]["accuracy"] for h in summary["history"])
    _log.info("done after %d epochs: best cv loss %.4f, cv frame accuracy %.2f%%; training %.0f frames/s, "
              "forward/backward %.1f GFLOP/s = %.0f%% of the %.1f GFLOP/s %s peak (%.0f%% of the fp32 peak); "
              "%.0f s in all%s", summary["epochs"], best_cv, 100 * acc, summary["frames_per_second"], gflops,
              100 * summary["fraction_of_peak"], peak, used, 100 * summary["fraction_of_fp32_peak"], summary["seconds"],
              f" (resumed: {summary['earlier_seconds']:.0f} s before)" if summary["earlier_seconds"] else "")
    return 0


def auto_precision(peaks: dict[str, float]) -> tuple[str, str]:
    """("bf16" or "fp32", the reason) for --precision auto, from torch's report of AMX tiles
    (bfloat16 matrix units) when it has one, else from the measured `peaks` {"fp32", "bf16"}."""
    has_amx = getattr(torch.cpu, "_is_amx_tile_supported", None)
    if has_amx is not None:
        return ("bf16", "the CPU has AMX tiles") if has_amx() else ("fp32", "the CPU has no AMX tiles")
    ratio = peaks["bf16"] / peaks["fp32"]
    return "bf16" if ratio >= AUTO_BF16_RATIO else "fp32", f"measured bf16 / fp32 peak ratio {ratio:.2f}"


def _measure_peaks(dtypes: dict[str, torch.dtype], threads: int, when: str) -> dict[str, float]:
    """{name: matrix-multiply GFLOP/s} of each dtype, logged: the best of two interleaved rounds of a
    second each (a single bf16 reading at the start of training once came out at a third of the
    one after it)."""
    peaks = {name: 0.0 for name in dtypes}
    for _ in range(2):
        for name, dtype in dtypes.items():
            peaks[name] = max(peaks[name], measure_peak_gflops(seconds=1.0, dtype=dtype))
    for name, peak in peaks.items():
        _log.info("%s matrix-multiply peak of this machine with %d threads%s: %.1f GFLOP/s", name, threads, when, peak)
    return peaks


if __name__ == "__main__":
    cli.exit_with(main)
