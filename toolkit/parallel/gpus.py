"""The GPUs a local runner may hand out to jobs."""
from __future__ import annotations

import os
import subprocess


def visible_gpus() -> list[str]:
    """GPU ids as CUDA_VISIBLE_DEVICES entries; [] if there are none.

    If CUDA_VISIBLE_DEVICES is set, its entries up to the first empty or negative one
    (where CUDA stops reading it); otherwise one id per GPU that `nvidia-smi -L` lists.
    """
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        ids = []
        for entry in env.split(","):
            entry = entry.strip()
            if not entry or entry.startswith("-"):
                break
            ids.append(entry)
        return ids
    try:
        proc = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return []
    if proc.returncode != 0:
        return []
    return [str(i) for i, _ in enumerate(line for line in proc.stdout.splitlines() if line.startswith("GPU "))]
