"""Per-speaker CMVN statistics of a data directory, as Kaldi's steps/compute_cmvn_stats.sh writes them.

DIR/feats.scp and DIR/utt2spk give CMVN_DIR/cmvn_<name>.ark/.scp, one (2, D+1) float64
matrix per speaker, and DIR/cmvn.scp, a copy of that scp. Like compute-cmvn-stats, an
utterance without features is skipped with a warning, and a speaker left with none gets
no stats (fix_data_dir then drops it).
"""
from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import InputError, ToolkitError
from toolkit.features.cmvn import cmvn_stats, fake_cmvn_stats
from toolkit.io.archive import MatrixScp, matrix_writer
from toolkit.io.table import read_table, write_table
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger(__name__)


def compute_speaker_cmvn(data_dir: str | os.PathLike, cmvn_dir: str | os.PathLike, fake: bool = False) -> Path:
    """Write the stats of every speaker of DATA_DIR; returns DATA_DIR/cmvn.scp.

    With `fake`, every speaker gets stats that leave features unchanged. Raises
    ToolkitError when no speaker has features, InputError naming the utterance when
    feature dimensions differ.
    """
    data_dir = Path(data_dir)
    utt2spk = read_table(data_dir / "utt2spk")
    feats = MatrixScp(data_dir / "feats.scp")
    spk2utt: dict[str, list[str]] = {}
    for utt in sorted(utt2spk):
        spk2utt.setdefault(utt2spk[utt], []).append(utt)
    name = Path(os.path.abspath(data_dir)).name
    ark = Path(os.path.abspath(cmvn_dir)) / f"cmvn_{name}.ark"
    scp = ark.with_suffix(".scp")
    dim = None
    missing = 0
    with matrix_writer(ark, scp) as writer:
        for speaker in progress(sorted(spk2utt), f"CMVN stats of {data_dir}", unit="spk"):
            stats = None
            for utt in spk2utt[speaker]:
                if utt not in feats:
                    _log.warning("no features for utterance '%s' (speaker '%s')", utt, speaker)
                    missing += 1
                    continue
                matrix = feats[utt]
                if dim is None:
                    dim = matrix.shape[1]
                elif matrix.shape[1] != dim:
                    raise InputError(f"utterance '{utt}' has features of dimension {matrix.shape[1]}, "
                                     f"others have {dim}", data_dir / "feats.scp")
                if fake:
                    stats = fake_cmvn_stats(dim)
                    break
                stats = cmvn_stats(matrix) if stats is None else stats + cmvn_stats(matrix)
            if stats is None:
                _log.warning("no stats for speaker '%s': none of its utterances has features", speaker)
                continue
            writer.write(speaker, stats)
    written = read_table(scp)
    if not written:
        raise ToolkitError(f"{data_dir}: no speaker has features, no CMVN stats written")
    if missing:
        _log.warning("%d utterance(s) of %s have no features; remove them with: "
                     "python -m toolkit.bin.fix_data_dir %s", missing, data_dir, data_dir)
    write_table(data_dir / "cmvn.scp", written.items())
    _log.info("%s: CMVN stats for %d of %d speakers in %s", data_dir, len(written), len(spk2utt), ark)
    return data_dir / "cmvn.scp"
