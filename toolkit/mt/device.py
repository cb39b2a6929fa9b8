"""Where the translation models run: the CPU by default, or a CUDA device (`--device cuda`).

Batches are built on the CPU and copied to the model's device in one transfer
(toolkit/mt/batching.py); searches create their bookkeeping tensors on the device of the
encoder states. Model files are always written and read with CPU tensors, so a model trained on
a GPU decodes and benchmarks on the CPU unchanged.
"""
from __future__ import annotations

import contextlib

import torch
from torch import nn

from toolkit.errors import ToolkitError


def resolve_device(name: str) -> torch.device:
    """The torch device `name` ("cpu", "cuda", "cuda:1"), checked to exist (ToolkitError naming --device)."""
    try:
        device = torch.device(name)
    except RuntimeError:
        raise ToolkitError(f"--device {name}: not a device name (cpu, cuda, cuda:N)") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ToolkitError(f"--device {name}: this torch build or machine has no CUDA device")
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise ToolkitError(f"--device {name}: only {torch.cuda.device_count()} CUDA devices")
    elif device.type != "cpu":
        raise ToolkitError(f"--device {name}: only cpu and cuda are supported")
    return device


def device_of(module: nn.Module) -> torch.device:
    """The device of the module's parameters."""
    return next(module.parameters()).device


def bf16_autocast(device: torch.device, enabled: bool) -> contextlib.AbstractContextManager:
    """bfloat16 autocast on `device`'s type when `enabled` (a no-op context otherwise)."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=enabled)
