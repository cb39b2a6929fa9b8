"""Training of the Transformer: label-smoothed cross-entropy, Adam with inverse-sqrt warm-up, clipping,
checkpoints and exact resumption.

`train` runs epochs over token-budget batches (toolkit/mt/batching.py), validates after every
epoch, and writes in its output directory:
- `model_epoch<N>.pt`: the model after epoch N (toolkit/mt/transformer.py's format), for averaging;
- `model_best.pt`: the epoch model with the lowest validation loss;
- `checkpoint_last.pt`: everything a resumed run needs (model, optimizer, update count, torch RNG
  state, the epoch and how many of its batches are done, history), written at every epoch end and
  every `save_every_updates` updates. Batches are a function of the seed and the epoch, so a killed
  run started again in the same directory goes on from the last checkpoint and reaches the
  parameters the uninterrupted run would have (same threads, same machine; on a GPU the CUDA RNG is
  restored too, but some GPU kernels are not deterministic, so a resumed run is only close).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from toolkit.errors import InputError, ToolkitError
from toolkit.io.torch_file import load_torch_file, save_torch_file
from toolkit.log import get_logger
from toolkit.mt.batching import collate, token_batches
from toolkit.mt.corpus import EncodedSet
from toolkit.mt.device import bf16_autocast, device_of, resolve_device
from toolkit.mt.transformer import Transformer, save_model
from toolkit.mt.vocab import PAD

_log = get_logger(__name__)
CHECKPOINT_FORMAT = "toolkit-mt-checkpoint"
CHECKPOINT_VERSION = 1
LAST = "checkpoint_last.pt"


def label_smoothed_loss(logits: torch.Tensor, target: torch.Tensor, epsilon: float,
                        ignore_index: int = PAD) -> tuple[torch.Tensor, torch.Tensor]:
    """(loss, nll) summed over the tokens whose target is not `ignore_index`.

    logits (..., V), target (...). The smoothed target puts 1 - epsilon on the reference and
    epsilon / V on every token, so loss = (1 - epsilon) * nll + epsilon * mean_v(-log p_v).
    """
    lp = F.log_softmax(logits.float(), dim=-1)
    keep = target.ne(ignore_index)
    nll = -lp.gather(-1, target.unsqueeze(-1)).squeeze(-1)
    smooth = -lp.mean(-1)
    nll = nll.masked_fill(~keep, 0.0).sum()
    smooth = smooth.masked_fill(~keep, 0.0).sum()
    return (1.0 - epsilon) * nll + epsilon * smooth, nll


@dataclass
class InverseSqrtSchedule:
    """Learning rate of update n (1-based): linear from init_lr to peak_lr over `warmup` updates, then
    peak_lr * sqrt(warmup / n) (Vaswani et al.'s schedule, fairseq's inverse_sqrt)."""

    peak_lr: float
    warmup: int
    init_lr: float = 1e-7

    def __call__(self, update: int) -> float:
        if self.warmup > 0 and update <= self.warmup:
            return self.init_lr + (self.peak_lr - self.init_lr) * update / self.warmup
        return self.peak_lr * math.sqrt(max(self.warmup, 1) / update)


@dataclass
class TrainOptions:
    """Optimisation settings (fairseq's names in comments)."""

    max_tokens: int = 4096          # --max-tokens: padded tokens per batch
    lr: float = 1e-3                # peak learning rate
    warmup_updates: int = 1000
    warmup_init_lr: float = 1e-7
    adam_betas: tuple[float, float] = (0.9, 0.98)
    adam_eps: float = 1e-8
    weight_decay: float = 0.0
    clip_norm: float = 1.0          # 0: no clipping
    label_smoothing: float = 0.1
    max_epochs: int = 20
    max_updates: int = 0            # 0: no limit
    max_minutes: float = 0.0        # stop after this much training time in this process (fairseq's
                                    #   --stop-time-hours); 0: no limit
    save_every_updates: int = 0     # 0: checkpoint at epoch ends only
    log_every_updates: int = 100
    seed: int = 1
    bf16: bool = False              # forward passes under bfloat16 autocast (fast on CPUs with AMX/AVX512-BF16)
    device: str = "cpu"             # where the model trains (toolkit/mt/device.py)

    def __post_init__(self) -> None:
        self.adam_betas = tuple(self.adam_betas)
        if self.max_tokens < 2 or self.lr <= 0 or self.max_epochs < 1 or not 0 <= self.label_smoothing < 1:
            raise ToolkitError(f"bad training options: {self}")


BatchLoss = Callable[[nn.Module, EncodedSet, list[int], float], tuple[torch.Tensor, torch.Tensor, int, int]]
"""(model, data, pair indices, label smoothing) -> (loss sum, nll sum, target tokens, source tokens)."""


def teacher_forcing_loss(model: Transformer, data: EncodedSet, idx: list[int],
                         label_smoothing: float) -> tuple[torch.Tensor, torch.Tensor, int, int]:
    """The autoregressive model's `BatchLoss`: label-smoothed cross-entropy of target + EOS given BOS + target."""
    b = collate([data.src[i] for i in idx], [data.tgt[i] for i in idx], idx, device_of(model))
    loss, nll = label_smoothed_loss(model(b.src, b.tgt_in), b.tgt_out, label_smoothing)
    return loss, nll, b.num_target_tokens, b.num_source_tokens


@torch.no_grad()
def evaluate(model: nn.Module, data: EncodedSet, max_tokens: int, label_smoothing: float = 0.0,
             bf16: bool = False, batch_loss: BatchLoss = teacher_forcing_loss) -> dict:
    """Per-token label-smoothed loss, nll (nats) and perplexity of `data` (no dropout, no update)."""
    was_training = model.training
    model.eval()
    loss_sum, nll_sum, n = 0.0, 0.0, 0
    for idx in token_batches([len(s) for s in data.src], [len(t) for t in data.tgt], max_tokens):
        with bf16_autocast(device_of(model), bf16):
            loss, nll, ntok, _ = batch_loss(model, data, idx, label_smoothing)
        loss_sum, nll_sum, n = loss_sum + float(loss), nll_sum + float(nll), n + ntok
    model.train(was_training)
    return {"loss": loss_sum / n, "nll": nll_sum / n, "ppl": math.exp(min(nll_sum / n, 50.0)), "tokens": n}


def _epoch_batches(data: EncodedSet, options: TrainOptions, epoch: int) -> list[list[int]]:
    generator = torch.Generator().manual_seed(options.seed * 100003 + epoch)
    return token_batches([len(s) for s in data.src], [len(t) for t in data.tgt], options.max_tokens, generator)


def _make_optimizer(model: Transformer, options: TrainOptions) -> torch.optim.Adam:
    return torch.optim.Adam(model.parameters(), lr=options.warmup_init_lr, betas=options.adam_betas,
                            eps=options.adam_eps, weight_decay=options.weight_decay)


def _save_checkpoint(path: Path, model: Transformer, optimizer, progress: dict, history: list,
                     options: TrainOptions) -> None:
    contents = {"config": asdict(model.config), "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "rng": torch.get_rng_state(), "progress": progress, "history": history,
                "options": {**asdict(options), "adam_betas": list(options.adam_betas)}}
    device = device_of(model)
    if device.type == "cuda":  # dropout on the GPU draws from its own generator
        contents["cuda_rng"] = torch.cuda.get_rng_state(device)
    save_torch_file(path, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, contents)


def load_checkpoint(path: str | os.PathLike) -> dict:
    """The dict a training checkpoint holds (config, model, optimizer, rng, progress, history, options)."""
    return load_torch_file(path, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, "training checkpoint")


def train(model: nn.Module, train_set: EncodedSet, valid_set: EncodedSet | None, out_dir: str | os.PathLike,
          options: TrainOptions, batch_loss: BatchLoss = teacher_forcing_loss,
          save: Callable[[Path, nn.Module, dict], None] = save_model) -> dict:
    """Train until max_epochs (or max_updates, or max_minutes); resumes from OUT_DIR/checkpoint_last.pt if present.

    `batch_loss` computes a batch's loss (the autoregressive model's by default; the NAT passes
    its own) and `save` writes the epoch and best models in the model's own file format.

    Returns {"epochs", "updates", "history", "best"}; history has one dict per finished epoch
    (losses, validation, learning rate, seconds, target tokens per second).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = resolve_device(options.device)
    model.to(device)
    optimizer = _make_optimizer(model, options)
    schedule = InverseSqrtSchedule(options.lr, options.warmup_updates, options.warmup_init_lr)
    digest = train_set.digest()
    progress = {"epoch": 1, "batches_done": 0, "updates": 0, "best_valid": None, "train_pairs": len(train_set),
                "train_digest": digest}
    history: list[dict] = []
    if (out / LAST).exists():
        ckpt = load_checkpoint(out / LAST)
        if ckpt["config"] != asdict(model.config):
            raise InputError(f"was written for another model configuration ({ckpt['config']}); train in a new "
                             f"directory or with the same model options", out / LAST)
        # Resuming a finished run on changed data (a new distillation, another corpus) would
        # silently keep the old model.
        saved_digest = ckpt["progress"].get("train_digest")
        if saved_digest is None:
            _log.warning("%s does not record its training data: resuming without checking that it is the same",
                         out / LAST)
        elif saved_digest != digest:
            raise InputError(f"was trained on other data ({ckpt['progress'].get('train_pairs')} pairs, SHA-256 "
                             f"{saved_digest[:12]}; now {len(train_set)} pairs, {digest[:12]}); train in a new "
                             f"directory, or remove this one to train again", out / LAST)
        saved = ckpt["options"]
        if ckpt["progress"]["batches_done"] and (
                (saved["max_tokens"], saved["seed"], ckpt["progress"].get("train_pairs"))
                != (options.max_tokens, options.seed, len(train_set))):
            raise InputError(f"stopped inside epoch {ckpt['progress']['epoch']} with --max-tokens "
                             f"{saved['max_tokens']}, --seed {saved['seed']} and {ckpt['progress'].get('train_pairs')}"
                             f" training pairs: resume with the same, or the batches would not be the same", out / LAST)
        model.load_state_dict(ckpt["model"])
        optimizer.load_state_dict(ckpt["optimizer"])
        torch.set_rng_state(ckpt["rng"])
        if "cuda_rng" in ckpt and device.type == "cuda":
            torch.cuda.set_rng_state(ckpt["cuda_rng"], device)
        progress, history = ckpt["progress"], ckpt["history"]
        _log.info("resuming from %s: epoch %d after %d of its batches, %d updates", out / LAST,
                  progress["epoch"], progress["batches_done"], progress["updates"])
    model.train()
    avg_src = sum(map(len, train_set.src)) / len(train_set) + 1
    avg_tgt = sum(map(len, train_set.tgt)) / len(train_set) + 1
    flops_per_token = 3 * 2 * model.config.macs_per_token(avg_src, avg_tgt)  # forward + backward
    stopped = ""  # the option that stopped training early
    deadline = time.perf_counter() + options.max_minutes * 60 if options.max_minutes else math.inf
    while progress["epoch"] <= options.max_epochs and not stopped:
        epoch = progress["epoch"]
        batches = _epoch_batches(train_set, options, epoch)
        start = time.perf_counter()
        sums = progress.setdefault("sums", _zero_sums())  # this epoch's so far, kept across a resume
        window = {"loss": 0.0, "tokens": 0, "time": time.perf_counter()}
        for bi in range(progress["batches_done"], len(batches)):
            if options.max_updates and progress["updates"] >= options.max_updates:
                stopped = "--max-updates"
                break
            if time.perf_counter() >= deadline:
                stopped = "--max-minutes"
                break
            idx = batches[bi]
            lr = schedule(progress["updates"] + 1)
            for group in optimizer.param_groups:
                group["lr"] = lr
            with bf16_autocast(device, options.bf16):
                loss, nll, ntok, nsrc = batch_loss(model, train_set, idx, options.label_smoothing)
            if not torch.isfinite(loss):
                raise ToolkitError(f"training diverged (loss {float(loss)}) at update {progress['updates'] + 1}, "
                                   f"learning rate {lr:g}: lower --lr or raise --warmup-updates")
            optimizer.zero_grad(set_to_none=True)
            (loss / ntok).backward()
            gnorm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), options.clip_norm or float("inf")))
            optimizer.step()
            progress["updates"] += 1
            progress["batches_done"] = bi + 1
            sums["loss"] += loss.item()
            sums["nll"] += nll.item()
            sums["tokens"] += ntok
            sums["src_tokens"] += nsrc
            window["loss"] += loss.item()
            window["tokens"] += ntok
            if options.log_every_updates and progress["updates"] % options.log_every_updates == 0:
                now = time.perf_counter()
                _log.info("epoch %d, update %d (batch %d/%d): loss %.3f, lr %.3g, |grad| %.2f, %.0f target tokens/s",
                          epoch, progress["updates"], bi + 1, len(batches), window["loss"] / window["tokens"], lr,
                          gnorm, window["tokens"] / (now - window["time"]))
                window = {"loss": 0.0, "tokens": 0, "time": now}
            if options.save_every_updates and progress["updates"] % options.save_every_updates == 0:
                sums["seconds"] += time.perf_counter() - start
                start = time.perf_counter()
                _save_checkpoint(out / LAST, model, optimizer, progress, history, options)
        sums["seconds"] += time.perf_counter() - start
        if stopped:
            break
        record = {"epoch": epoch, "updates": progress["updates"], "lr": schedule(progress["updates"]),
                  "seconds": sums["seconds"]}
        if sums["tokens"]:
            record.update(train_loss=sums["loss"] / sums["tokens"], train_nll=sums["nll"] / sums["tokens"],
                          target_tokens_per_s=sums["tokens"] / sums["seconds"],
                          tokens_per_s=(sums["tokens"] + sums["src_tokens"]) / sums["seconds"],
                          gflops=sums["tokens"] * flops_per_token / sums["seconds"] / 1e9)
        if valid_set is not None:
            record["valid"] = evaluate(model, valid_set, options.max_tokens, options.label_smoothing, options.bf16,
                                       batch_loss)
        history.append(record)
        _log.info("epoch %d done: %d updates, train loss %s, valid %s, %.0f s, %s target tokens/s (~%s GFLOP/s)",
                  epoch, progress["updates"], _fmt(record.get("train_loss")),
                  "-" if valid_set is None else f"loss {record['valid']['loss']:.3f} nll "
                  f"{record['valid']['nll']:.3f} ppl {record['valid']['ppl']:.2f}",
                  sums["seconds"], _fmt(record.get("target_tokens_per_s"), "%.0f"), _fmt(record.get("gflops"), "%.1f"))
        info = {"epoch": epoch, "updates": progress["updates"], "valid": record.get("valid")}
        save(out / f"model_epoch{epoch}.pt", model, info)
        valid_loss = record["valid"]["nll"] if valid_set is not None else -epoch
        if progress["best_valid"] is None or valid_loss < progress["best_valid"]:
            progress["best_valid"] = valid_loss
            progress["best_epoch"] = epoch
            save(out / "model_best.pt", model, info)
        progress.update(epoch=epoch + 1, batches_done=0, sums=_zero_sums())
        _save_checkpoint(out / LAST, model, optimizer, progress, history, options)
    if stopped:
        _log.info("stopping after %d updates (%s) in epoch %d", progress["updates"], stopped, progress["epoch"])
        _save_checkpoint(out / LAST, model, optimizer, progress, history, options)
    save(out / "model_last.pt", model, {"epoch": progress["epoch"], "updates": progress["updates"]})
    return {"epochs": len(history), "updates": progress["updates"], "history": history,
            "best": progress.get("best_epoch")}


def _zero_sums() -> dict:
    return {"loss": 0.0, "nll": 0.0, "tokens": 0, "src_tokens": 0, "seconds": 0.0}


def _fmt(value: float | None, fmt: str = "%.3f") -> str:
    return "-" if value is None else fmt % value
