"""Writing the features a model sees to disk as plain features, as Kaldi's steps/nnet/make_fmllr_feats.sh.

The pipeline a GMM system reads on the fly (CMVN, deltas or splicing, final.mat, per-speaker
fMLLR) is run once and its output stored, so that a DNN reads the same features with no
pipeline at all. One job turns a data directory (usually one part of DIR/splitN) into
ARK_DIR/raw_<kind>_<name>.<job>.ark and .scp, named as toolkit.features.job_files names
extracted features, and an output data directory: a copy of the input's tables with
feats.scp and utt2num_frames of the new features and no cmvn.scp (they are normalised
already). For OUT/splitN/J the parts are then merged with `gather_features OUT/splitN OUT`.
"""
from __future__ import annotations

import os

from toolkit.data.datadir import DataDir
from toolkit.errors import InputError
from toolkit.features.job_files import OUTPUT_FILES, job_name, job_paths
from toolkit.features.pipeline import FeatureReader
from toolkit.io.archive import matrix_writer
from toolkit.io.table import read_table
from toolkit.log import get_logger
from toolkit.progress import progress

_log = get_logger(__name__)
_SHOWN = 10


def check_speaker_transforms(reader: FeatureReader, data: DataDir) -> None:
    """Raise InputError naming the archives and every speaker of `data` that `reader` has no transform for.

    FeatureReader finds the first such utterance only when it reaches it; this finds them all at once.
    """
    if reader.speaker_transforms is None:
        return
    missing = [spk for spk in data.speakers if spk not in reader.speaker_transforms]
    if missing:
        shown = ", ".join(f"'{spk}' (utterance '{data.spk2utt[spk][0]}')" for spk in missing[:_SHOWN])
        more = " ..." if len(missing) > _SHOWN else ""
        raise InputError(f"no transform for {len(missing)} of the {len(data.speakers)} speakers of "
                         f"{data.path}: {shown}{more}", reader.speaker_transforms_name)


def dump_features(reader: FeatureReader, ark_dir: str | os.PathLike, out_dir: str | os.PathLike,
                  kind: str = "fmllr") -> dict[str, int]:
    """Write `reader[utt]` for every utterance of reader's data directory; return frames per utterance.

    The features go to ARK_DIR/raw_<kind>_<name>.<job>.ark and .scp, where (name, job) is
    `job_name(out_dir)` (OUT's name and J for OUT/splitN/J). OUT_DIR is replaced by the input's
    tables without feats.scp, cmvn.scp and utt2num_frames, plus feats.scp and utt2num_frames
    of the new features (T frames each, as in the input: splicing keeps the frame count).
    Every utterance must have features, and every speaker a transform when `reader` applies
    speaker transforms; otherwise InputError, and nothing is written.
    """
    data = DataDir.read(reader.data_dir)
    check_speaker_transforms(reader, data)
    name, job = job_name(out_dir)
    ark, scp, _ = job_paths(ark_dir, kind, name, job)
    num_frames: dict[str, int] = {}
    dim = 0
    with matrix_writer(ark, scp) as writer:
        for utt in progress(data.utterances, f"features of {ark.name}", unit="utt"):
            feats = reader[utt]
            writer.write(utt, feats)
            num_frames[utt] = len(feats)
            dim = feats.shape[1]
    tables = {file: table for file, table in data.tables.items() if file not in OUTPUT_FILES}
    tables["feats.scp"] = read_table(scp)
    tables["utt2num_frames"] = {utt: str(n) for utt, n in num_frames.items()}
    DataDir(tables).write(out_dir)
    _log.info("%s: %d utterances, %d frames of dim %d from %s into %s and %s", name, len(num_frames),
              sum(num_frames.values()), dim, reader.data_dir, ark, out_dir)
    return num_frames
