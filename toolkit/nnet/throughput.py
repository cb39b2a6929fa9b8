"""The machine's matrix-multiply peak (float32, or bfloat16), measured, to report training throughput against."""
from __future__ import annotations

import time

import torch


def measure_peak_gflops(size: int = 1024, seconds: float = 2.0, dtype: torch.dtype = torch.float32,
                        warmup: float = 0.25) -> float:
    """Best GFLOP/s of size x size matrix products of `dtype` over about `seconds` (torch's current threads).

    The products write into one preallocated output, so that the figure is the arithmetic's and
    not the memory allocator's (a bf16 product takes about 2 ms here).
    """
    a = torch.randn(size, size).to(dtype)
    b = torch.randn(size, size).to(dtype)
    c = torch.empty(size, size, dtype=dtype)
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:  # thread pool, kernel selection, caches, clock ramp
        torch.matmul(a, b, out=c)
    best = 0.0
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        for _ in range(4):
            torch.matmul(a, b, out=c)
        best = max(best, 4 * 2 * size ** 3 / (time.perf_counter() - start) / 1e9)
    return best


def training_flops_per_frame(macs_per_frame: int) -> float:
    """FLOPs of one frame's forward and backward pass through affine layers: the forward product,
    and the backward's two (gradients of the inputs and of the weights), 2 FLOPs per multiply-add."""
    return 3 * 2 * macs_per_frame
