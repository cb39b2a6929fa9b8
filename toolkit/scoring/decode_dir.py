"""Scoring a decode directory over its LM-weight / insertion-penalty grid (Kaldi's local/score.sh).

A decode directory (e.g. exp/mono/decode_dev) holds one `hyp.<job>/` per decoding job,
each with a Kaldi text file `<lmwt>_<penalty>.txt` per grid setting (toolkit.bin.gmm_decode).
Scoring writes, beside them:
  wer_<lmwt>_<penalty>   compute-wer's lines for that setting
  best_wer               the best setting's %WER line followed by the decode directory
  scoring.json           {"lmwt", "penalty", "wer", "errors", "words", "ins", "del", "sub",
                          "sentences", "sentence_errors", "settings"}
  per_utt                per-utterance alignments of the best setting
A test set is scored once, at the setting chosen on dev (`settings=[(lmwt, penalty)]`).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.io.table import read_table
from toolkit.scoring.wer import WerStats, compute_wer, kaldi_percent


@dataclass(frozen=True)
class Setting:
    """One grid point: LM weight and word insertion penalty, named as the hypothesis files are."""

    lmwt: float
    penalty: float

    @property
    def name(self) -> str:
        return f"{self.lmwt:g}_{self.penalty:g}"

    @classmethod
    def parse(cls, name: str) -> "Setting":
        lmwt, penalty = name.split("_")
        return cls(float(lmwt), float(penalty))


def hypothesis_files(decode_dir: str | os.PathLike) -> dict[Setting, list[Path]]:
    """Every setting found in the job directories, with its files (one per job, in job order)."""
    jobs = sorted(Path(decode_dir).glob("hyp.*"), key=lambda p: p.suffix)
    if not jobs:
        raise InputError("no hyp.<job> directories: has it been decoded?", decode_dir)
    found: dict[Setting, list[Path]] = {}
    for job in jobs:
        for f in sorted(job.glob("*.txt")):
            found.setdefault(Setting.parse(f.stem), []).append(f)
    incomplete = [s.name for s, files in found.items() if len(files) != len(jobs)]
    if incomplete:
        raise InputError(f"settings {', '.join(incomplete)} are missing from some of the {len(jobs)} jobs", decode_dir)
    return dict(sorted(found.items(), key=lambda item: (item[0].lmwt, item[0].penalty)))


def read_hypotheses(files: list[Path]) -> dict[str, list[str]]:
    """The union of the jobs' hypotheses; an utterance decoded by two jobs is an error."""
    hyps: dict[str, list[str]] = {}
    for f in files:
        for utt, words in read_table(f).items():
            if utt in hyps:
                raise InputError(f"utterance '{utt}' was decoded by more than one job", f)
            hyps[utt] = words.split()
    return hyps


def score_decode_dir(
    decode_dir: str | os.PathLike, ref_text: str | os.PathLike, settings: list[Setting] | None = None
) -> tuple[Setting, WerStats]:
    """Score every setting (or only `settings`), write the files listed above, return the best.

    Every reference utterance is scored; one without a hypothesis counts as empty (mode 'all').
    The best setting has the fewest errors; ties go to the smaller LM weight, then penalty.
    """
    decode_dir = Path(decode_dir)
    available = hypothesis_files(decode_dir)
    if settings is not None:
        unknown = [s.name for s in settings if s not in available]
        if unknown:
            raise InputError(f"not decoded at setting(s) {', '.join(unknown)} "
                             f"(available: {', '.join(s.name for s in available)})", decode_dir)
        available = {s: available[s] for s in settings}
    refs = {utt: words.split() for utt, words in read_table(ref_text).items()}
    best: tuple[Setting, WerStats] | None = None
    for setting, files in available.items():
        stats = compute_wer(refs, read_hypotheses(files), mode="all")
        with atomic_write(decode_dir / f"wer_{setting.name}") as f:
            f.write("\n".join(stats.kaldi_lines()) + "\n")
        if best is None or stats.errors < best[1].errors:
            best = (setting, stats)
    if best is None:
        raise ToolkitError(f"{decode_dir}: nothing to score")
    setting, stats = best
    _, s, i, d = stats.csid
    with atomic_write(decode_dir / "best_wer") as f:
        f.write(f"{stats.kaldi_lines()[0]} {decode_dir}/wer_{setting.name}\n")
    with atomic_write(decode_dir / "per_utt") as f:
        for utt in stats.utts:
            f.write("\n".join(utt.detail_lines()) + "\n")
    summary = {
        "lmwt": setting.lmwt, "penalty": setting.penalty,
        "wer": float(kaldi_percent(stats.errors, stats.ref_words)) if stats.ref_words else None,
        "errors": stats.errors, "words": stats.ref_words, "ins": i, "del": d, "sub": s,
        "sentences": stats.sentences, "sentence_errors": stats.sentence_errors,
        "settings": [x.name for x in available],
    }
    with atomic_write(decode_dir / "scoring.json") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    return best


def chosen_setting(dev_decode_dir: str | os.PathLike) -> Setting:
    """The setting that scoring chose on a (dev) decode directory."""
    path = Path(dev_decode_dir) / "scoring.json"
    try:
        summary = json.loads(path.read_text())
        return Setting(float(summary["lmwt"]), float(summary["penalty"]))
    except FileNotFoundError:
        raise InputError("not scored yet: score the dev decode directory first", path) from None
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"malformed scoring summary ({e})", path) from None
