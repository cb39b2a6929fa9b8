"""Loading a data directory's features, with their pdf targets, into SplicedFrames."""
from __future__ import annotations

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.features.pipeline import FeatureReader
from toolkit.log import get_logger
from toolkit.nnet.frames import SplicedFrames
from toolkit.progress import progress

_log = get_logger(__name__)
_SHOWN = 10


def load_frames(reader: FeatureReader, left: int, right: int,
                targets: dict[str, np.ndarray] | None = None, targets_name: str = "the alignments") -> SplicedFrames:
    """Every utterance of `reader` (with its targets, if given) as SplicedFrames.

    Utterances without targets are skipped and counted in the log (as Kaldi's tools do);
    an utterance whose targets have another frame count than its features is an InputError
    naming it, raised before any training time is spent, as is a set with no utterance left.
    """
    skipped: list[str] = []

    def items():
        for utt in progress(reader.keys(), f"reading {reader.data_dir}", unit="utt"):
            tgt = None
            if targets is not None:
                tgt = targets.get(utt)
                if tgt is None:
                    skipped.append(utt)
                    continue
            feats = reader[utt]
            if tgt is not None and len(tgt) != len(feats):
                raise InputError(f"utterance '{utt}' has {len(feats)} frames of features but {len(tgt)} in "
                                 f"{targets_name}: were they made from the same features?", reader.data_dir)
            yield utt, feats, tgt

    try:
        frames = SplicedFrames(items(), left, right)
    except InputError:
        raise
    except ToolkitError as e:
        raise InputError(str(e), reader.data_dir) from None
    if skipped:
        _log.warning("%d utterances of %s have no targets in %s and were left out: %s%s", len(skipped),
                     reader.data_dir, targets_name, " ".join(skipped[:_SHOWN]), " ..." if len(skipped) > _SHOWN else "")
    _log.info("%s: %d utterances, %d frames of dimension %d", reader.data_dir, len(frames.utterances),
              frames.num_frames, frames.dim)
    return frames
