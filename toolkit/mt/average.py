"""Checkpoint averaging: the element-wise mean of the parameters of several models of one configuration."""
from __future__ import annotations

import os
import re
from pathlib import Path

import torch

from toolkit.errors import InputError, ToolkitError
from toolkit.io.torch_file import load_torch_file
from toolkit.mt import nat, transformer

# What each model type's files are: (format tag, version, description, model from config and state).
MODEL_TYPES = {
    "transformer": (transformer.FORMAT, transformer.VERSION, "Transformer model", transformer.model_from_state),
    "nat": (nat.FORMAT, nat.VERSION, "non-autoregressive Transformer", nat.nat_from_state),
}

_EPOCH = re.compile(r"^model_epoch(\d+)\.pt$")


def last_epoch_models(model_dir: str | os.PathLike, n: int) -> list[Path]:
    """The `n` highest-numbered model_epoch<N>.pt of `model_dir`, oldest first."""
    found = sorted((int(m.group(1)), p) for p in Path(model_dir).iterdir() if (m := _EPOCH.match(p.name)))
    if len(found) < n:
        raise InputError(f"{len(found)} epoch models (model_epoch<N>.pt), {n} asked for", model_dir)
    return [p for _, p in found[-n:]]


def average_models(paths: list[str | os.PathLike], model_type: str = "transformer") -> torch.nn.Module:
    """A model whose every parameter and buffer is the mean (computed in float64) of those in `paths`,
    all of `model_type` (a key of MODEL_TYPES)."""
    if not paths:
        raise ToolkitError("no models to average")
    fmt, version, what, from_state = MODEL_TYPES[model_type]
    config, total = None, None
    for path in paths:
        blob = load_torch_file(path, fmt, version, what)
        if config is None:
            config, total = blob["config"], {k: v.double().clone() for k, v in blob["state_dict"].items()}
            continue
        if blob["config"] != config:
            raise InputError(f"model configuration differs from that of {paths[0]}", path)
        for k, v in blob["state_dict"].items():
            total[k] += v.double()
    state = {k: (v / len(paths)).float() for k, v in total.items()}
    return from_state(config, state, paths[0]).eval()
