"""Restricted Boltzmann machines and greedy DBN pre-training (Hinton et al. 2012; Kaldi nnet1's
pretrain_dbn.sh with rbm-train-cd1-frmshuff).

A stack of RBMs is trained one layer at a time by contrastive divergence (CD-1): the first
has Gaussian visible units (unit variance, for mean/variance-normalised input), the others
Bernoulli visible units fed with the hidden probabilities of the layers below. Each trained
RBM initialises one sigmoid layer of a DNN (`rbm_linear_init`).

As in Kaldi, the learning rate given to `train_rbm` is scaled by (1 - momentum), so the
step once momentum has built up stays the same while momentum ramps up; the reconstruction
is the visible mean (visible units are never sampled); the positive statistics use hidden
probabilities, the reconstruction uses sampled hidden states.
"""
from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized

import torch
from torch import nn
from torch.nn import functional as F

from toolkit.errors import ToolkitError
from toolkit.log import get_logger

_log = get_logger(__name__)

VISIBLE_TYPES = ("gaussian", "bernoulli")
# Training stops as diverged once a batch's reconstruction error per frame exceeds this.
DIVERGED_ERROR = 1e6
# Frames of data over which the mean activation that initialises a Bernoulli RBM's visible
# biases is estimated (Kaldi uses a 10k-utterance subset).
VISIBLE_BIAS_FRAMES = 200_000


class Rbm(nn.Module):
    """Restricted Boltzmann machine; visible 'gaussian' (unit variance, for mean/variance-normalised
    input: Gaussian-Bernoulli) or 'bernoulli' (Bernoulli-Bernoulli); hidden units Bernoulli.

    Parameters: `weight (H, V)` ~ N(0, init_std^2), `visible_bias (V,)` and `hidden_bias (H,)` zero.
    The momentum buffers of CD training are buffers outside the state dict, as in Kaldi (they
    are not part of a saved model). Hidden states are sampled with `generator`.
    """

    def __init__(self, num_visible: int, num_hidden: int, visible_type: str, *,
                 generator: torch.Generator | None = None, init_std: float = 0.1):
        super().__init__()
        if visible_type not in VISIBLE_TYPES:
            raise ToolkitError(f"unknown RBM visible type '{visible_type}' (choose from {', '.join(VISIBLE_TYPES)})")
        if num_visible < 1 or num_hidden < 1:
            raise ToolkitError(f"bad RBM shape: {num_visible} visible, {num_hidden} hidden units")
        self.visible_type = visible_type
        self.generator = generator
        # CD-1 is not a gradient of anything autograd could follow: parameters are updated by hand.
        self.weight = nn.Parameter(torch.randn(num_hidden, num_visible, generator=generator) * init_std,
                                   requires_grad=False)
        self.visible_bias = nn.Parameter(torch.zeros(num_visible), requires_grad=False)
        self.hidden_bias = nn.Parameter(torch.zeros(num_hidden), requires_grad=False)
        self.register_buffer("weight_inc", torch.zeros(num_hidden, num_visible), persistent=False)
        self.register_buffer("visible_bias_inc", torch.zeros(num_visible), persistent=False)
        self.register_buffer("hidden_bias_inc", torch.zeros(num_hidden), persistent=False)

    @property
    def num_visible(self) -> int:
        return self.weight.shape[1]

    @property
    def num_hidden(self) -> int:
        return self.weight.shape[0]

    def extra_repr(self) -> str:
        return f"{self.num_visible} {self.visible_type} -> {self.num_hidden} bernoulli"

    def hidden_probs(self, v: torch.Tensor) -> torch.Tensor:
        """P(h = 1 | v): v (B, V) -> (B, H) in (0, 1)."""
        return torch.sigmoid_(F.linear(v, self.weight, self.hidden_bias))

    def visible_mean(self, h: torch.Tensor) -> torch.Tensor:
        """E[v | h]: h (B, H) -> (B, V); linear for Gaussian, sigmoid for Bernoulli visible units."""
        mean = torch.addmm(self.visible_bias, h, self.weight)
        return torch.sigmoid_(mean) if self.visible_type == "bernoulli" else mean

    @torch.no_grad()
    def cd1_step(self, v: torch.Tensor, *, learning_rate: float, momentum: float, l2: float) -> float:
        """One CD-1 update on the minibatch v (B, V) float32; returns the squared reconstruction
        error per frame, sum((v - v')^2) / B, of this batch before the update.

        inc <- momentum * inc + learning_rate * ((pos - neg) / B - l2 * weight)  (no l2 on biases)
        param <- param + inc
        pos = h^T v with h = P(h | v); neg = h'^T v' with v' = E[v | s], h' = P(h | v'), where the
        hidden states s = (u < h) for u ~ U(0, 1) of shape (B, H) drawn from the module's generator.
        """
        if v.ndim != 2 or v.shape[1] != self.num_visible:
            raise ToolkitError(f"RBM with {self.num_visible} visible units given a batch of shape {tuple(v.shape)}")
        if v.dtype != self.weight.dtype:
            raise ToolkitError(f"RBM batch of type {v.dtype}, expected {self.weight.dtype}")
        batch = v.shape[0]
        pos_hid = self.hidden_probs(v)
        # h ~ Bernoulli(pos_hid) as uniform < p: twice as fast as torch.bernoulli on CPU.
        hid_sample = torch.rand(pos_hid.shape, generator=self.generator).lt_(pos_hid)
        neg_vis = self.visible_mean(hid_sample)
        neg_hid = self.hidden_probs(neg_vis)
        error = float(torch.sub(neg_vis, v).square_().sum()) / batch

        step = learning_rate / batch
        self.weight_inc.addmm_(pos_hid.t(), v, beta=momentum, alpha=step)
        self.weight_inc.addmm_(neg_hid.t(), neg_vis, alpha=-step)
        if l2:
            self.weight_inc.add_(self.weight, alpha=-learning_rate * l2)
        self.weight.add_(self.weight_inc)
        self.visible_bias_inc.mul_(momentum).add_(v.sum(0) - neg_vis.sum(0), alpha=step)
        self.visible_bias.add_(self.visible_bias_inc)
        self.hidden_bias_inc.mul_(momentum).add_(pos_hid.sum(0) - neg_hid.sum(0), alpha=step)
        self.hidden_bias.add_(self.hidden_bias_inc)
        return error


def train_rbm(rbm: Rbm, batches: Callable[[], Iterable[torch.Tensor]], *, epochs: float = 1,
              learning_rate: float, momentum_start: float = 0.5, momentum_end: float = 0.9,
              momentum_ramp_frames: int = 500_000, l2: float = 0.0002, log_every: int = 200) -> list[float]:
    """Train `rbm` by CD-1 on the minibatches (B, V) float32 of `batches()` (one epoch per call).

    `epochs` may be fractional: int(epochs) full epochs, then that fraction of one more epoch's
    batches (epochs < 1 needs the number of batches first: len() of the iterable when it has
    one, otherwise one pass that only counts). Momentum ramps linearly from `momentum_start`
    to `momentum_end` over the first `momentum_ramp_frames` frames; each update uses
    learning_rate * (1 - momentum). A log line every `log_every` batches gives the running
    reconstruction error. Returns the reconstruction error per frame of each (possibly
    partial) epoch. Raises ToolkitError, naming the learning rate, when training diverges
    (a non-finite error or one above DIVERGED_ERROR).
    """
    if not epochs > 0:
        raise ToolkitError(f"RBM training needs epochs > 0, got {epochs}")
    if not learning_rate > 0:
        raise ToolkitError(f"RBM learning rate must be > 0, got {learning_rate}")
    if not (0 <= momentum_start < 1 and 0 <= momentum_end < 1):
        raise ToolkitError(f"RBM momentum must be in [0, 1), got {momentum_start} to {momentum_end}")
    whole = int(epochs)
    part = epochs - whole
    num_epochs = whole + (part > 0)
    per_epoch = _epoch_length(batches) if whole == 0 else None
    name = f"RBM {rbm.num_visible}x{rbm.num_hidden} ({rbm.visible_type})"
    frames = 0
    errors = []
    for epoch in range(num_epochs):
        limit = max(1, round(part * per_epoch)) if epoch == whole else None
        start = time.perf_counter()
        epoch_error, epoch_frames, num_batches = 0.0, 0, 0
        window_error, window_frames = 0.0, 0
        for v in batches():
            ramp = min(1.0, frames / momentum_ramp_frames) if momentum_ramp_frames > 0 else 1.0
            momentum = momentum_start + ramp * (momentum_end - momentum_start)
            error = rbm.cd1_step(v, learning_rate=learning_rate * (1 - momentum), momentum=momentum, l2=l2)
            if not math.isfinite(error) or error > DIVERGED_ERROR:
                raise ToolkitError(
                    f"{name} diverged at epoch {epoch + 1}, batch {num_batches + 1} (reconstruction error "
                    f"{error:g} per frame): learning rate {learning_rate:g} is too high, lower it")
            size = v.shape[0]
            frames += size
            num_batches += 1
            epoch_error += error * size
            epoch_frames += size
            window_error += error * size
            window_frames += size
            if log_every > 0 and num_batches % log_every == 0:
                _log.info("%s epoch %d/%g batch %d: reconstruction error %.4f per frame, momentum %.3f, "
                          "%.0f frames/s", name, epoch + 1, epochs, num_batches, window_error / window_frames,
                          momentum, epoch_frames / (time.perf_counter() - start))
                window_error, window_frames = 0.0, 0
            if num_batches == limit:
                break
        if num_batches == 0:
            raise ToolkitError(f"{name}: the training data gave no minibatches")
        per_epoch = per_epoch or num_batches
        errors.append(epoch_error / epoch_frames)
        seconds = time.perf_counter() - start
        _log.info("%s epoch %d/%g done: %d batches, %d frames, reconstruction error %.4f per frame, "
                  "%.1f s (%.0f frames/s)", name, epoch + 1, epochs, num_batches, epoch_frames, errors[-1],
                  seconds, epoch_frames / seconds)
    return errors


def pretrain_dbn(batches: Callable[[], Iterable[torch.Tensor]], input_dim: int, hidden_dims: Sequence[int], *,
                 gaussian_learning_rate: float = 0.01, bernoulli_learning_rate: float = 0.4,
                 gaussian_epochs: float = 2, bernoulli_epochs: float = 1, seed: int = 0, **train_opts) -> list[Rbm]:
    """Greedy layer-wise DBN pre-training on `batches()` (B, input_dim) float32, mean/variance-normalised.

    Layer 1 is a Gaussian-Bernoulli RBM on the input; each further layer a Bernoulli-Bernoulli RBM
    on the hidden probabilities of the trained layers below. As in Kaldi, a Bernoulli RBM's visible
    biases start at log(p / (1 - p)) of the mean input activation p (over the first
    VISIBLE_BIAS_FRAMES frames). `train_opts` go to `train_rbm`. Returns the RBMs, input side first.
    """
    if not hidden_dims:
        raise ToolkitError("DBN pre-training needs at least one hidden layer")
    generator = torch.Generator().manual_seed(seed)
    # A fraction of an epoch needs the number of batches: count the input once, not every layer's.
    num_batches = _epoch_length(batches) if len(hidden_dims) > 1 and bernoulli_epochs < 1 else None
    rbms: list[Rbm] = []
    for depth, num_hidden in enumerate(hidden_dims):
        if depth == 0:
            rbm = Rbm(input_dim, num_hidden, "gaussian", generator=generator)
            lr, epochs, layer_batches = gaussian_learning_rate, gaussian_epochs, batches
        else:
            rbm = Rbm(hidden_dims[depth - 1], num_hidden, "bernoulli", generator=generator)
            lr, epochs = bernoulli_learning_rate, bernoulli_epochs
            layer_batches = functools.partial(_layer_batches, batches, list(rbms), num_batches)
            p = _mean_activation(layer_batches(), VISIBLE_BIAS_FRAMES).clamp_(1e-4, 1 - 1e-4)
            with torch.no_grad():
                rbm.visible_bias.copy_(torch.logit(p))
        _log.info("pre-training RBM %d/%d: %s, learning rate %g, %g epochs",
                  depth + 1, len(hidden_dims), rbm.extra_repr(), lr, epochs)
        train_rbm(rbm, layer_batches, epochs=epochs, learning_rate=lr, **train_opts)
        rbms.append(rbm)
    return rbms


def rbm_linear_init(rbm: Rbm) -> tuple[torch.Tensor, torch.Tensor]:
    """Copies (weight (H, V), bias (H,)) for nn.Linear(V, H): sigmoid(linear(v)) == rbm.hidden_probs(v)."""
    return rbm.weight.detach().clone(), rbm.hidden_bias.detach().clone()


def _epoch_length(batches: Callable[[], Iterable[torch.Tensor]]) -> int:
    """Number of minibatches in one epoch: len() of `batches()` when it has one, else counted."""
    items = batches()
    return len(items) if isinstance(items, Sized) else sum(1 for _ in items)


def _layer_batches(batches: Callable[[], Iterable[torch.Tensor]], below: list[Rbm],
                   length: int | None) -> Iterable[torch.Tensor]:
    """One epoch of `batches()` mapped through the hidden probabilities of `below`, bottom first;
    sized when `length`, the number of batches, is given."""
    items = _propagate(batches(), below)
    return items if length is None else _Sized(items, length)


def _propagate(items: Iterable[torch.Tensor], rbms: list[Rbm]) -> Iterator[torch.Tensor]:
    # No autograd graph is built: RBM parameters do not require gradients.
    for v in items:
        for rbm in rbms:
            v = rbm.hidden_probs(v)
        yield v


class _Sized(Iterable[torch.Tensor]):
    """An iterable of minibatches whose number is known."""

    def __init__(self, items: Iterable[torch.Tensor], length: int):
        self.items, self.length = items, length

    def __iter__(self) -> Iterator[torch.Tensor]:
        return iter(self.items)

    def __len__(self) -> int:
        return self.length


def _mean_activation(items: Iterable[torch.Tensor], max_frames: int) -> torch.Tensor:
    """Mean (D,) over the first `max_frames` frames (at least one whole batch) of batches (B, D)."""
    total, frames = None, 0
    for v in items:
        total = v.sum(0, dtype=torch.float64) if total is None else total + v.sum(0, dtype=torch.float64)
        frames += v.shape[0]
        if frames >= max_frames:
            break
    if total is None:
        raise ToolkitError("DBN pre-training: the training data gave no minibatches")
    return (total / frames).float()
