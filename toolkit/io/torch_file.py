"""The toolkit's own torch files (networks, RBM stacks): a dict of tensors and plain values tagged with a format.

Like `toolkit/io/npz.py` for numpy: written atomically, read with weights_only=True (no
pickled code), and every way a file can be wrong (missing, not a torch file, another format
or version) is an InputError naming the file; the caller checks the contents' meaning.
"""
from __future__ import annotations

import os

import torch

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write


def save_torch_file(path: str | os.PathLike, fmt: str, version: int, contents: dict) -> None:
    """Write `contents` (tensors, numbers, strings, lists and dicts of them) tagged `fmt`/`version`, atomically."""
    with atomic_write(path, "wb") as f:
        torch.save({"format": fmt, "version": version, **contents}, f)


def load_torch_file(path: str | os.PathLike, fmt: str, version: int, what: str) -> dict:
    """The dict `save_torch_file` wrote with `fmt` and `version`; InputError naming the file otherwise."""
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise InputError(f"no such {what} file", path) from None
    except Exception as e:  # torch raises many types for a file that is not its own
        raise InputError(f"not a {what} file ({type(e).__name__}: {e})", path) from None
    if not isinstance(blob, dict) or blob.get("format") != fmt:
        raise InputError(f"not a {what} file (no '{fmt}' tag)", path)
    if blob.get("version") != version:
        raise InputError(f"{what} file version {blob.get('version')}, this toolkit reads {version}", path)
    return blob
