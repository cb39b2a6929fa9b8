"""Combining data directories into one, as Kaldi's utils/combine_data.sh does.

Utterance ids must be distinct across the sources. A speaker or a recording may appear
in several sources (e.g. subsets of one corpus) if its entries agree. An optional file
is kept only if every source has it. cmvn.scp is the exception to "entries must
agree": statistics accumulated over a speaker's utterances in one source do not hold
for the union, so when they differ the file is left out and must be recomputed.
"""
from __future__ import annotations

from typing import Sequence

from toolkit.data.datadir import DataDir
from toolkit.data.files import FILES
from toolkit.errors import ToolkitError
from toolkit.log import get_logger

_log = get_logger(__name__)

_SHOWN_COLLISIONS = 5


def combine_data_dirs(sources: Sequence[DataDir]) -> DataDir:
    """One data directory holding every utterance of `sources`.

    Raises ToolkitError naming the keys on utterance-id collisions, on a speaker or
    recording whose entries differ between sources (cmvn.scp aside, see above), and when
    only some sources have segments (their wav.scp files are keyed differently).
    """
    if not sources:
        raise ToolkitError("nothing to combine: no source directories")
    names = [_name(src, i) for i, src in enumerate(sources)]
    with_segments = [n for n, src in zip(names, sources) if src.has("segments")]
    if with_segments and len(with_segments) != len(sources):
        without = [n for n, src in zip(names, sources) if not src.has("segments")]
        raise ToolkitError(f"cannot combine directories with segments ({', '.join(with_segments)}) and "
                           f"without ({', '.join(without)}): their wav.scp files are keyed differently")

    _check_utterances_distinct(sources, names)
    tables: dict[str, dict[str, str]] = {}
    for file in FILES:
        lacking = [n for n, src in zip(names, sources) if not src.has(file)]
        if len(lacking) == len(sources):
            continue
        if lacking:
            _log.warning("not combining %s: missing in %s", file, ", ".join(lacking))
            continue
        merged, conflict = _merge(file, sources, names)
        if conflict is None:
            tables[file] = merged
            _log.info("combined %s", file)
        elif file == "cmvn.scp":
            _log.warning("not combining cmvn.scp: %s; recompute CMVN statistics for the combined directory",
                         conflict)
        else:
            raise ToolkitError(f"cannot combine {file}: {conflict}")
    return DataDir(tables)


def _name(src: DataDir, i: int) -> str:
    return str(src.path) if src.path is not None else f"source {i + 1}"


def _check_utterances_distinct(sources: Sequence[DataDir], names: list[str]) -> None:
    owner: dict[str, int] = {}
    collisions: list[str] = []
    for i, src in enumerate(sources):
        for utt in src.utt2spk:
            if utt in owner:
                collisions.append(f"'{utt}' (in {names[owner[utt]]} and {names[i]})")
            else:
                owner[utt] = i
    if collisions:
        shown = ", ".join(collisions[:_SHOWN_COLLISIONS])
        more = f" and {len(collisions) - _SHOWN_COLLISIONS} more" if len(collisions) > _SHOWN_COLLISIONS else ""
        raise ToolkitError(f"utterance id(s) occur in more than one source: {shown}{more}")


def _merge(file: str, sources: Sequence[DataDir], names: list[str]) -> tuple[dict[str, str], str | None]:
    """The union of one file over the sources, and a description of the first disagreement if any."""
    what = FILES[file].index.value
    merged: dict[str, str] = {}
    origin: dict[str, int] = {}
    for i, src in enumerate(sources):
        for key, value in src.tables[file].items():
            if key not in merged:
                merged[key] = value
                origin[key] = i
            elif merged[key] != value:
                return merged, (f"{what} '{key}' has different entries in {names[origin[key]]} "
                                f"('{merged[key]}') and {names[i]} ('{value}')")
    return merged, None
