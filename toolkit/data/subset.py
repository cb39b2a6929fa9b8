"""Subsets of a data directory, as Kaldi's utils/subset_data_dir.sh makes them.

Each function returns the utterances to keep; `DataDir.select_utterances` makes the
subset, keeping the speakers and recordings those utterances use.
"""
from __future__ import annotations

import os
import random

from toolkit.data.datadir import DataDir
from toolkit.errors import InputError, ToolkitError
from toolkit.io.table import iter_table
from toolkit.log import get_logger

_log = get_logger(__name__)


def read_id_list(path: str | os.PathLike) -> list[str]:
    """The first field of every non-blank line (so an utt2spk or spk2utt file serves as a list)."""
    return [entry.key for entry in iter_table(path) if entry.key]


def listed_utterances(data: DataDir, ids: list[str], source: str | os.PathLike) -> list[str]:
    """The utterances of `ids` that `data` has; unknown ids are logged, none known is an error."""
    return _known(ids, data.utt2spk, "utterance", source)


def utterances_of_speakers(data: DataDir, speakers: list[str], source: str | os.PathLike) -> list[str]:
    """All utterances of the listed speakers; unknown speakers are logged, none known is an error."""
    spk2utt = data.spk2utt
    return [u for s in _known(speakers, spk2utt, "speaker", source) for u in spk2utt[s]]


def first_utterances(data: DataDir, n: int) -> list[str]:
    """The first n utterances in C order."""
    return data.utterances[: _count(data, n)]


def last_utterances(data: DataDir, n: int) -> list[str]:
    """The last n utterances in C order."""
    utts = data.utterances
    return utts[len(utts) - _count(data, n):]


def random_utterances(data: DataDir, n: int, seed: int) -> list[str]:
    """n utterances drawn without replacement; the same seed gives the same subset."""
    return random.Random(seed).sample(data.utterances, _count(data, n))


def _count(data: DataDir, n: int) -> int:
    total = len(data.utt2spk)
    if n < 1:
        raise ToolkitError(f"the number of utterances must be at least 1, got {n}")
    if n > total:
        raise ToolkitError(f"cannot take {n} utterances from {data.path or 'a data directory'}, "
                           f"which has only {total}")
    return n


def _known(ids: list[str], known: dict, what: str, source: str | os.PathLike) -> list[str]:
    found = [i for i in dict.fromkeys(ids) if i in known]
    unknown = len(set(ids)) - len(found)
    if unknown:
        example = next(i for i in ids if i not in known)
        _log.warning("%s: %d %s id(s) are not in the data directory (e.g. '%s'); ignoring them",
                     source, unknown, what, example)
    if not found:
        raise InputError(f"none of the {len(set(ids))} {what} id(s) is in the data directory", source)
    return found
