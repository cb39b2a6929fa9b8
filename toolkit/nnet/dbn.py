"""A pretrained stack of RBM layers on disk (Kaldi nnet1's .dbn), to initialise a Dnn's hidden layers."""
from __future__ import annotations

import os

import numpy as np
import torch

from toolkit.io.torch_file import load_torch_file, save_torch_file

FORMAT = "toolkit-dbn"
VERSION = 1


def save_dbn(path: str | os.PathLike, layers: list[tuple[torch.Tensor, torch.Tensor]], *, feat_dim: int, left: int,
             right: int, mean: np.ndarray, std: np.ndarray) -> None:
    """`layers`: (weight (H, V), hidden bias (H,)) per RBM, bottom first; the input windows they were trained on
    are `feat_dim` features x (left + 1 + right) frames, normalised by the per-feature (D,) `mean` and `std`
    (which the DNN initialised from them must keep)."""
    save_torch_file(path, FORMAT, VERSION, {
        "feat_dim": feat_dim, "left": left, "right": right,
        "mean": torch.as_tensor(mean, dtype=torch.float64), "std": torch.as_tensor(std, dtype=torch.float64),
        "weights": [w.contiguous() for w, _ in layers], "biases": [b.contiguous() for _, b in layers]})


def load_dbn(path: str | os.PathLike) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], dict]:
    """(layers, {'feat_dim', 'left', 'right', 'mean', 'std'}); InputError naming the file if it is not a DBN file."""
    blob = load_torch_file(path, FORMAT, VERSION, "DBN")
    layers = list(zip(blob["weights"], blob["biases"]))
    meta = {k: blob[k] for k in ("feat_dim", "left", "right")}
    meta.update(mean=blob["mean"].numpy(), std=blob["std"].numpy())
    return layers, meta
