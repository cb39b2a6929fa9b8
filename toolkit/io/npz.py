"""The toolkit's own binary files (models, statistics, trees): numpy `.npz` archives tagged with a format name.

Every such file holds a `format` string (and, where the layout can change, a `version`)
next to its arrays, is written atomically, and is read without pickling. `load_npz`
turns every way a file can be wrong (missing, not an archive, another format or
version) into an InputError naming the file; the caller checks the arrays' meaning.
"""
from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable
from typing import Mapping, TypeVar

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write


def save_npz(path: str | os.PathLike, fmt: str, arrays: Mapping[str, object], version: int | None = None) -> None:
    """Write `arrays` with the format tag `fmt` (and `version`) to `path`, atomically."""
    tags = {"format": np.array(fmt)} if version is None else {"format": np.array(fmt), "version": np.array(version)}
    with atomic_write(path, "wb") as f:
        np.savez(f, **tags, **arrays)


def load_npz(path: str | os.PathLike, fmt: str, what: str, version: int | None = None) -> dict[str, np.ndarray]:
    """All arrays of a file `save_npz` wrote with format `fmt` (and `version`), tags removed.

    `what` names the kind of file in messages ("GMM statistics", "tree", ...).
    """
    name = os.fspath(path)
    try:
        with np.load(name, allow_pickle=False) as z:
            arrays = {key: z[key] for key in z.files}
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    except (OSError, EOFError, ValueError, AttributeError, TypeError, zipfile.BadZipFile) as e:
        raise InputError(f"not a valid {what} file ({type(e).__name__}: {e})", name) from None
    found = arrays.pop("format", None)
    if found is None or str(found) != fmt:
        raise InputError(f"not a {what} file (format {'none' if found is None else repr(str(found))})", name)
    if version is not None:
        found_version = arrays.pop("version", None)
        if found_version is None or int(found_version) != version:
            raise InputError(f"{what} format version {found_version} is not {version}", name)
    return arrays


Stats = TypeVar("Stats")


def sum_saved(paths: Iterable[str | os.PathLike], load: Callable[[str | os.PathLike], Stats], what: str) -> Stats:
    """The sum of the statistics files `paths` (at least one), read by `load` and added in place
    with the objects' `add`; an inconsistent file is an InputError naming it. `what` names the
    statistics in the message when there are no files."""
    total = None
    for path in paths:
        stats = load(path)
        if total is None:
            total = stats
            continue
        try:
            total.add(stats)
        except ToolkitError as e:
            raise InputError(str(e), path) from None
    if total is None:
        raise ToolkitError(f"no {what} files to sum")
    return total
