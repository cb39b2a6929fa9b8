"""A rendered corpus plan as Kaldi data directories, with its statistics."""
from __future__ import annotations

import os
from pathlib import Path

from toolkit.data.datadir import DataDir
from toolkit.data.durations import durations_from_audio, format_duration
from toolkit.synth.plan import UtteranceSpec
from toolkit.synth.speakers import SPLITS
from toolkit.synth.voices import FLITE


def plan_data_dirs(specs: list[UtteranceSpec], wav_dir: str | os.PathLike, nj: int = 1) -> dict[str, DataDir]:
    """Split -> data directory (wav.scp with absolute paths, text, utt2spk, spk2gender, utt2dur).

    Durations are read from the wav headers, so every planned file must exist;
    a missing one raises InputError naming the utterance. Splits come in SPLITS order,
    then any others in plan order.
    """
    root = Path(wav_dir).resolve()
    splits = [s for s in SPLITS if any(x.split == s for x in specs)]
    splits += [s for s in dict.fromkeys(x.split for x in specs) if s not in splits]
    result = {}
    for split in splits:
        members = [x for x in specs if x.split == split]
        data = DataDir({
            "wav.scp": {x.utt: str(root / x.wav) for x in members},
            "text": {x.utt: x.text for x in members},
            "utt2spk": {x.utt: x.spk for x in members},
            "spk2gender": {x.spk: x.voice.gender for x in members},
        })
        durations = durations_from_audio(data, nj)
        utt2dur = {utt: format_duration(d) for utt, d in durations.items()}
        result[split] = DataDir({**data.tables, "utt2dur": utt2dur})
    return result


def corpus_stats(specs: list[UtteranceSpec], data_dirs: dict[str, DataDir]) -> dict[str, dict]:
    """Split -> utterances, speakers (espeak-ng / flite), words, hours, noisy and padded
    utterances, and the voice families (held out as a whole) it contains."""
    stats = {}
    for split, data in data_dirs.items():
        members = [x for x in specs if x.split == split]
        seconds = sum(float(d) for d in data.tables["utt2dur"].values())
        stats[split] = {
            "utterances": len(members),
            "speakers": len(data.speakers),
            "espeak_speakers": len({x.spk for x in members if x.voice.engine != FLITE}),
            "flite_speakers": len({x.spk for x in members if x.voice.engine == FLITE}),
            "words": sum(len(x.text.split()) for x in members),
            "hours": round(seconds / 3600, 4),
            "noisy_utterances": sum(x.noise is not None for x in members),
            "padded_utterances": sum(x.pad != (0.0, 0.0) for x in members),
            "voice_families": sorted({x.voice.family for x in members}),
        }
    return stats
