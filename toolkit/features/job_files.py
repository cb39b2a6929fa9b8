"""The files of feature jobs: where a job writes, which job a split part is, and merging the parts.

Feature steps (toolkit.features.jobs extracting, toolkit.features.dump writing a model's
features) share one layout, Kaldi's: job J of data directory DIR writes
ARK_DIR/raw_<kind>_<DIR's name>.J.ark and .scp and lists the utterances it dropped in .bad;
the parts of DIR/splitN are merged back into DIR by `gather_features`. Nothing here needs
torch, so the steps that only name or merge files start quickly.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from toolkit.errors import ToolkitError
from toolkit.io.table import read_table, write_table
from toolkit.log import get_logger

_log = get_logger(__name__)

# Files of a data directory that feature extraction (re)creates; stale copies are ignored when reading.
OUTPUT_FILES = ("feats.scp", "utt2num_frames", "cmvn.scp")
_SHOWN = 10  # utterances named in a message


def job_name(data_dir: str | os.PathLike) -> tuple[str, int]:
    """(name, job) of a data directory: (DIR's name, J) for DIR/splitN/J or DIR/splitNutt/J, else (its name, 1)."""
    path = Path(os.path.abspath(data_dir))
    if path.name.isdigit() and re.fullmatch(r"split\d+(utt)?", path.parent.name):
        return path.parent.parent.name, int(path.name)
    return path.name, 1


def job_paths(ark_dir: str | os.PathLike, kind: str, name: str, job: int) -> tuple[Path, Path, Path]:
    """(ark, scp, bad-utterance list) of a job, with an absolute ark path as Kaldi's make_mfcc.sh uses."""
    stem = os.path.join(os.path.abspath(ark_dir), f"raw_{kind}_{name}.{job}")
    return Path(stem + ".ark"), Path(stem + ".scp"), Path(stem + ".bad")


def report_missing(what: str, total: int, missing: list[str], max_fraction: float, hint: str) -> None:
    """Log how many of `total` utterances have features; ToolkitError if none, or more than `max_fraction` missing."""
    done = total - len(missing)
    _log.info("%s: features for %d of %d utterances", what, done, total)
    if missing:
        shown = ", ".join(missing[:_SHOWN]) + (" ..." if len(missing) > _SHOWN else "")
        _log.warning("%s: %d utterance(s) have no features (%s); %s", what, len(missing), shown, hint)
    if total and done == 0:
        raise ToolkitError(f"{what}: no utterance could be processed (see the warnings above)")
    if total and len(missing) / total > max_fraction:
        raise ToolkitError(f"{what}: {len(missing)} of {total} utterances have no features, more than "
                           f"the allowed fraction {max_fraction:g}")


def gather_features(split_dir: str | os.PathLike, data_dir: str | os.PathLike,
                    max_missing_fraction: float = 0.05) -> dict[str, str]:
    """Merge feats.scp and utt2num_frames of SPLIT_DIR/1 .. SPLIT_DIR/N into DATA_DIR; return the merged feats.scp.

    Every part must have its feats.scp, and its utterances must belong to DATA_DIR.
    Utterances of DATA_DIR without features are logged; more than
    `max_missing_fraction` of them is an error, as in make_mfcc.sh (5 %).
    """
    split_dir, data_dir = Path(split_dir), Path(data_dir)
    parts = sorted((p for p in split_dir.iterdir() if p.is_dir() and p.name.isdigit()), key=lambda p: int(p.name)) \
        if split_dir.is_dir() else []
    if not parts:
        raise ToolkitError(f"{split_dir}: no parts 1..N (expected the output of split_data_dir)")
    if [int(p.name) for p in parts] != list(range(1, len(parts) + 1)):
        raise ToolkitError(f"{split_dir}: parts are not numbered 1..{len(parts)}: "
                           f"{' '.join(p.name for p in parts)}")
    utt2spk = read_table(data_dir / "utt2spk")
    feats: dict[str, str] = {}
    frames: dict[str, str] = {}
    have_frames = all((part / "utt2num_frames").is_file() for part in parts)
    for part in parts:
        if not (part / "feats.scp").is_file():
            raise ToolkitError(f"{part}: no feats.scp (did its feature job fail? see its log)")
        for table, name in ((feats, "feats.scp"), (frames, "utt2num_frames")):
            if name == "utt2num_frames" and not have_frames:
                continue
            for utt, value in read_table(part / name).items():
                if utt not in utt2spk:
                    raise ToolkitError(f"{part / name}: utterance '{utt}' is not in {data_dir}/utt2spk "
                                       f"(is {split_dir} older than {data_dir}?)")
                if utt in table:
                    raise ToolkitError(f"{part / name}: utterance '{utt}' also appears in another part")
                table[utt] = value
    write_table(data_dir / "feats.scp", sorted(feats.items()))
    if have_frames and frames.keys() == feats.keys():
        write_table(data_dir / "utt2num_frames", sorted(frames.items()))
    else:
        # An utt2num_frames that does not describe these features would mislead later steps.
        (data_dir / "utt2num_frames").unlink(missing_ok=True)
    missing = [u for u in sorted(utt2spk) if u not in feats]
    report_missing(str(data_dir), len(utt2spk), missing, max_missing_fraction,
            f"remove them with: python -m toolkit.bin.fix_data_dir {data_dir}")
    return feats
