"""The DNN of a hybrid system: spliced frames -> global normalisation -> hidden layers -> pdf logits.

The input is the raw window of (left + 1 + right) frames of D features; the global
mean/variance normalisation (per feature, the same for every frame of the window) is part
of the network, so a saved network carries it. On disk a network is a torch file holding
plain tensors and a JSON-able config (toolkit/io/torch_file.py: no pickled code).
"""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn

from toolkit.errors import InputError, ToolkitError
from toolkit.io.torch_file import load_torch_file, save_torch_file

FORMAT = "toolkit-dnn"
VERSION = 1
ACTIVATIONS = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}


@dataclass
class NetworkConfig:
    """Shape of a network: per-frame feature dim, splice context, hidden layer sizes, activation, pdfs."""

    feat_dim: int
    left: int
    right: int
    hidden_dims: list[int] = field(default_factory=lambda: [1024] * 4)
    activation: str = "sigmoid"
    num_pdfs: int = 0

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ToolkitError(f"unknown activation '{self.activation}' (choose from {', '.join(ACTIVATIONS)})")
        if self.feat_dim < 1 or self.num_pdfs < 1 or not self.hidden_dims or min(self.hidden_dims) < 1:
            raise ToolkitError(f"bad network shape: {self}")

    @property
    def input_dim(self) -> int:
        return self.feat_dim * (self.left + 1 + self.right)

    def layer_dims(self) -> list[tuple[int, int]]:
        """(in, out) of every affine layer, the output layer last."""
        dims = [self.input_dim, *self.hidden_dims, self.num_pdfs]
        return list(zip(dims[:-1], dims[1:]))

    def macs_per_frame(self) -> int:
        """Multiply-adds of one frame's forward pass through the affine layers."""
        return sum(i * o for i, o in self.layer_dims())


def window_normalisation(mean: np.ndarray, std: np.ndarray, width: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(shift, scale), each (D * width,) float32, such that (window + shift) * scale has zero mean and unit
    variance per feature, for windows of `width` frames with per-feature (D,) `mean` and `std`."""
    return (torch.as_tensor(-np.tile(mean, width), dtype=torch.float32),
            torch.as_tensor(1.0 / np.tile(std, width), dtype=torch.float32))


class Dnn(nn.Module):
    """forward(x: (B, input_dim) raw spliced windows) -> (B, num_pdfs) logits."""

    def __init__(self, config: NetworkConfig, generator: torch.Generator | None = None):
        super().__init__()
        self.config = config
        self.register_buffer("shift", torch.zeros(config.input_dim))
        self.register_buffer("scale", torch.ones(config.input_dim))
        self.hidden = nn.ModuleList(nn.Linear(i, o) for i, o in config.layer_dims()[:-1])
        self.output = nn.Linear(*config.layer_dims()[-1])
        self.activation = ACTIVATIONS[config.activation]()
        self._initialise(generator)

    def _initialise(self, generator: torch.Generator | None) -> None:
        # Kaldi nnet1's initialisation of sigmoid networks: weights ~ N(0, 0.1), biases uniform in
        # [-4, 0] so that most units start nearly off (He's scaling and zero biases for ReLU); the
        # output layer starts at zero, i.e. uniform posteriors.
        with torch.no_grad():
            for layer in self.hidden:
                if self.config.activation == "sigmoid":
                    layer.weight.normal_(0.0, 0.1, generator=generator)
                    layer.bias.uniform_(-4.0, 0.0, generator=generator)
                else:
                    layer.weight.normal_(0.0, (2.0 / layer.in_features) ** 0.5, generator=generator)
                    layer.bias.zero_()
            self.output.weight.zero_()
            self.output.bias.zero_()

    def set_normalisation(self, mean: np.ndarray, std: np.ndarray) -> None:
        """Per-feature (D,) mean and std of the training frames, tiled over the window."""
        shift, scale = window_normalisation(mean, std, self.config.left + 1 + self.config.right)
        with torch.no_grad():
            self.shift.copy_(shift)
            self.scale.copy_(scale)

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        return (x + self.shift) * self.scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.normalise(x)
        for layer in self.hidden:
            h = self.activation(layer(h))
        return self.output(h)

    def init_hidden(self, weights: list[tuple[torch.Tensor, torch.Tensor]]) -> None:
        """Set the first len(weights) hidden layers to (weight (out, in), bias (out,)) pairs (e.g. from RBMs)."""
        if len(weights) > len(self.hidden):
            raise ToolkitError(f"{len(weights)} pretrained layers for a network with {len(self.hidden)} hidden layers")
        with torch.no_grad():
            for layer, (w, b) in zip(self.hidden, weights):
                if tuple(w.shape) != tuple(layer.weight.shape):
                    raise ToolkitError(f"pretrained layer of shape {tuple(w.shape)} for a layer of "
                                       f"{tuple(layer.weight.shape)}")
                layer.weight.copy_(w)
                layer.bias.copy_(b)


def save_network(path: str | os.PathLike, net: Dnn) -> None:
    save_torch_file(path, FORMAT, VERSION, {"config": asdict(net.config), "state": net.state_dict()})


def load_network(path: str | os.PathLike) -> Dnn:
    """A network save_network wrote; InputError naming the file otherwise."""
    blob = load_torch_file(path, FORMAT, VERSION, "network")
    try:
        net = Dnn(NetworkConfig(**blob["config"]))
        net.load_state_dict(blob["state"])
    except (ToolkitError, TypeError, KeyError, RuntimeError) as e:
        raise InputError(f"corrupted network file: {e}", path) from None
    net.eval()
    return net
