"""Frame-level cross-entropy training of a Dnn with the newbob schedule, checkpoints and resumption.

`train_newbob` runs epochs of frame-shuffled minibatch SGD over a SplicedFrames set,
cross-validates on another after each, and lets NewbobSchedule accept or reject the epoch
and set the next learning rate. Every epoch's network and the schedule's state are saved
in the output directory before the next epoch starts, so an interrupted run resumes from
its last finished epoch with the same result it would have had.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.nnet.frames import SplicedFrames
from toolkit.nnet.network import Dnn, load_network, save_network
from toolkit.nnet.newbob import NewbobSchedule
from toolkit.nnet.throughput import training_flops_per_frame
from toolkit.progress import progress

_log = get_logger(__name__)
STATE = "train_state.json"


@dataclass
class EpochStats:
    loss: float            # mean cross-entropy per frame (nats)
    accuracy: float        # fraction of frames whose argmax is the target
    frames: int
    seconds: float         # wall time of the whole epoch
    compute_seconds: float = 0.0  # of which forward, backward and update

    def as_dict(self) -> dict:
        return dict(loss=self.loss, accuracy=self.accuracy, frames=self.frames, seconds=self.seconds,
                    compute_seconds=self.compute_seconds)


def train_epoch(net: Dnn, frames: SplicedFrames, learning_rate: float, batch_size: int, generator: torch.Generator,
                momentum: float = 0.0, l2: float = 0.0, desc: str = "training", bf16: bool = False) -> EpochStats:
    """One pass over `frames` in shuffled minibatches of SGD on the mean cross-entropy.

    With `bf16` the forward pass runs under bfloat16 autocast (the affine layers' products in
    bfloat16, their gradients likewise); parameters, updates and the loss stay float32.
    """
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=learning_rate, momentum=momentum, weight_decay=l2)
    loss_sum, correct, n = 0.0, 0, 0
    compute = 0.0
    start = time.perf_counter()
    batches = frames.minibatches(batch_size, generator, drop_last=True)
    total = max(frames.num_frames // batch_size, 1)
    for x, y in progress(batches, desc, total=total, unit="batch"):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = net(x)
        loss = F.cross_entropy(logits.float(), y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        compute += time.perf_counter() - t0
        if not torch.isfinite(loss):
            raise ToolkitError(f"training diverged (loss {loss.item()}) at learning rate {learning_rate:g}: "
                               f"lower --learning-rate")
        loss_sum += loss.item() * len(y)
        correct += int((logits.argmax(1) == y).sum())
        n += len(y)
    return EpochStats(loss_sum / n, correct / n, n, time.perf_counter() - start, compute)


@torch.no_grad()
def evaluate(net: Dnn, frames: SplicedFrames, batch_size: int = 4096) -> EpochStats:
    """Cross-entropy and frame accuracy of `net` on `frames` (no update)."""
    net.eval()
    loss_sum, correct, n = 0.0, 0, 0
    start = time.perf_counter()
    for x, y in frames.minibatches(batch_size):
        logits = net(x)
        loss_sum += float(F.cross_entropy(logits, y, reduction="sum"))
        correct += int((logits.argmax(1) == y).sum())
        n += len(y)
    return EpochStats(loss_sum / n, correct / n, n, time.perf_counter() - start)


def train_newbob(net: Dnn, train: SplicedFrames, cv: SplicedFrames, schedule: NewbobSchedule, out_dir: str | os.PathLike,
                 *, batch_size: int = 256, momentum: float = 0.0, l2: float = 0.0, seed: int = 0,
                 peak_gflops: float | None = None, bf16: bool = False, setup: dict | None = None) -> tuple[Dnn, dict]:
    """Train until the schedule stops; returns (best network, summary). Resumes from OUT_DIR/train_state.json
    when that state was saved with the same `setup`.

    `bf16`: forward passes of training under bfloat16 autocast (see `train_epoch`); cross-validation
    stays float32, as decoding is.

    OUT_DIR/nnet/epoch<N>.nnet holds each epoch's network (accepted or not); the state file names
    the best one, the schedule, the per-epoch history and the seconds spent up to the last saved
    epoch. The summary's "earlier_seconds" are those of the invocations this one resumed from, so
    that a resumed training still reports its whole cost.

    `setup` (plain values: the network's shape, its initialisation, digests of the data and
    targets, the step size...) describes what the epochs' networks depend on. A state saved
    with another setup is of a different training (rerunning a recipe after its GMM system
    changed): it is discarded with its epoch networks, with a warning naming what differs,
    and training starts from `net`.
    """
    out = Path(out_dir)
    (out / "nnet").mkdir(parents=True, exist_ok=True)
    state_path = out / STATE
    flops_per_frame = training_flops_per_frame(net.config.macs_per_frame())
    begun = time.perf_counter()
    earlier = 0.0
    state = _load_state(state_path, setup)
    if state is not None:
        earlier = state.get("seconds", 0.0)
        schedule = NewbobSchedule(**state["schedule"])
        net = load_network(state["best"])
        history = state["history"]
        _log.info("resuming after epoch %d from %s (learning rate %g)", schedule.epoch, state["best"],
                  schedule.learning_rate)
    else:
        initial = out / "nnet" / "epoch0.nnet"
        save_network(initial, net)
        cv_stats = evaluate(net, cv)
        schedule.best_loss = cv_stats.loss
        history = [{"epoch": 0, "cv": cv_stats.as_dict()}]
        state = {"best": str(initial)}
        _log.info("epoch 0 (initial network): cv loss %.4f, frame accuracy %.2f%%", cv_stats.loss,
                  100 * cv_stats.accuracy)
        _save_state(state_path, state, schedule, history, earlier + time.perf_counter() - begun, setup)
    while not schedule.done:
        epoch = schedule.epoch + 1
        lr = schedule.learning_rate
        generator = torch.Generator().manual_seed(seed * 1000 + epoch)
        tr = train_epoch(net, train, lr, batch_size, generator, momentum, l2, desc=f"epoch {epoch}", bf16=bf16)
        cv_stats = evaluate(net, cv)
        path = out / "nnet" / f"epoch{epoch}.nnet"
        save_network(path, net)
        accepted = schedule.step(cv_stats.loss)
        gflops = tr.frames * flops_per_frame / max(tr.compute_seconds, 1e-9) / 1e9
        record = {"epoch": epoch, "learning_rate": lr, "accepted": accepted, "train": tr.as_dict(),
                  "cv": cv_stats.as_dict(), "frames_per_second": tr.frames / tr.seconds, "gflops": gflops}
        if peak_gflops:
            record["fraction_of_peak"] = gflops / peak_gflops
        history.append(record)
        _log.info("epoch %d: lr %g, train loss %.4f acc %.2f%%, cv loss %.4f acc %.2f%% -> %s; %.0f frames/s, "
                  "%.1f GFLOP/s in forward/backward%s", epoch, lr, tr.loss, 100 * tr.accuracy, cv_stats.loss,
                  100 * cv_stats.accuracy, "accepted" if accepted else "rejected", tr.frames / tr.seconds, gflops,
                  f" ({100 * gflops / peak_gflops:.0f}% of the measured peak {peak_gflops:.0f})" if peak_gflops else "")
        if accepted:
            state["best"] = str(path)
        else:
            net = load_network(state["best"])
        _save_state(state_path, state, schedule, history, earlier + time.perf_counter() - begun, setup)
    best = load_network(state["best"])
    return best, {"best": state["best"], "epochs": schedule.epoch, "history": history, "earlier_seconds": earlier}


def _load_state(path: Path, setup: dict | None) -> dict | None:
    """The saved state to resume from, or None (none saved, or saved by a training with another setup:
    then it and its epoch networks are removed)."""
    if not path.exists():
        return None
    with open(path) as f:
        state = json.load(f)
    if setup is None:
        return state
    # Through JSON, as the saved setup went, so that tuples and lists compare equal.
    saved, current = state.get("setup") or {}, json.loads(json.dumps(setup))
    changed = sorted(k for k in set(saved) | set(current) if saved.get(k) != current.get(k))
    if not changed:
        return state
    what = f"another {', '.join(changed)}" if state.get("setup") else "no record of its setup (an older state file)"
    _log.warning("%s is from a training with %s: discarding it and its epoch networks, training from the start",
                 path, what)
    for stale in (path.parent / "nnet").glob("epoch*.nnet"):
        stale.unlink()
    path.unlink()
    return None


def _save_state(path: Path, state: dict, schedule: NewbobSchedule, history: list, seconds: float,
                setup: dict | None) -> None:
    with atomic_write(path, "w") as f:
        json.dump({"best": state["best"], "schedule": schedule.to_dict(), "history": history, "seconds": seconds,
                   "setup": setup}, f, indent=1)
