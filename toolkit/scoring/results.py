"""A recipe's results, collected from its scored decode directories: RESULTS.md and exp/results.json.

Every `exp/<system>/decode_<set>/scoring.json` (toolkit/scoring/decode_dir.py) gives one
result; `exp/<system>/train_seconds` (written by the training scripts) and the decoding
jobs' `hyp.*/timing.json` give training time and real-time factor. An earlier pass of a
multi-pass decoding, `decode_<set>.<pass>` (e.g. the speaker-independent pass `.si` of
fMLLR decoding), is reported as system `<system>.<pass>`. Nothing is typed by
hand: the files are regenerated from the experiment directory on every run.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write


def read_json(path: Path) -> dict:
    """The JSON object in PATH; InputError naming it if malformed."""
    try:
        return json.loads(path.read_text())
    except ValueError as e:
        raise InputError(f"malformed JSON ({e})", path) from None


def read_json_if_present(path: Path) -> dict | None:
    """`read_json(path)`, or None where the file does not exist (a stage not run yet)."""
    return read_json(path) if path.is_file() else None


def _rtf(decode_dir: Path) -> float | None:
    timings = [read_json(p) for p in sorted(decode_dir.glob("hyp.*/timing.json"))]
    audio = sum(t["audio_seconds"] for t in timings)
    return sum(t["decode_seconds"] for t in timings) / audio if audio > 0 else None


def read_notes(path: str | os.PathLike | None) -> str | None:
    """The markdown of a --notes file (None without one); ToolkitError naming the option if unreadable."""
    if not path:
        return None
    try:
        return Path(path).read_text()
    except OSError as e:
        raise ToolkitError(f"--notes {path}: {e.strerror}") from None


def read_commands(exp_dir: str | os.PathLike) -> list[str]:
    """The command lines a recipe logged in EXP_DIR/commands.log, oldest first (empty if none)."""
    path = Path(exp_dir) / "commands.log"
    return path.read_text().splitlines() if path.is_file() else []


def collect_results(exp_dir: str | os.PathLike) -> dict[str, dict[str, dict]]:
    """{system: {set: {"wer", "errors", "words", "ins", "del", "sub", "lmwt", "penalty", "rtf",
    "decode_dir", "train_seconds"}}} for every scored decode directory under EXP_DIR."""
    exp = Path(exp_dir)
    results: dict[str, dict[str, dict]] = {}
    for scoring in sorted(exp.glob("*/decode_*/scoring.json")):
        decode_dir = scoring.parent
        test_set, _, decode_pass = decode_dir.name[len("decode_"):].partition(".")
        system = decode_dir.parent.name + (f".{decode_pass}" if decode_pass else "")
        summary = read_json(scoring)
        train_file = decode_dir.parent / "train_seconds"
        entry = {k: summary[k] for k in ("wer", "errors", "words", "ins", "del", "sub", "lmwt", "penalty")}
        entry["rtf"] = _rtf(decode_dir)
        entry["decode_dir"] = str(decode_dir)
        entry["train_seconds"] = int(train_file.read_text()) if train_file.is_file() else None
        results.setdefault(system, {})[test_set] = entry
    return dict(sorted(results.items(), key=lambda item: _training_order(exp, item[0])))


def _training_order(exp: Path, system: str) -> tuple[float, str]:
    """Systems in the order they were trained (their train_seconds files' times), a pass beside its system;
    systems without the file last, by name."""
    base = system.partition(".")[0]
    stamp = exp / base / "train_seconds"
    return (stamp.stat().st_mtime if stamp.is_file() else float("inf"), system)


def write_results(sections: list[tuple[str, dict[str, dict[str, dict]], list[str]]], markdown: str | os.PathLike,
                  title: str, command: str, set_order: list[str], notes: str | None = None) -> None:
    """Write RESULTS.md: per section (label, results, the commands that made them), a table and
    Kaldi-style %WER lines ending with the decode directory; then `notes` (markdown), if any."""
    lines = [f"# {title}", "", f"Written by `{command}` from the scored decode directories; do not edit.",
             "LM weight and insertion penalty are chosen on dev; every other set is scored once at that setting.",
             "Decoding RTF: CPU seconds of decoding (likelihoods included) per second of audio, the largest "
             "over the sets."]
    for label, results, commands in sections:
        lines += ["", f"## {label}", ""] + _section(results, set_order)
        if commands:
            lines += ["", "Commands run in this directory (exp/commands.log):", "```"] + commands + ["```"]
    if notes:
        lines += ["", notes.rstrip()]
    with atomic_write(markdown) as f:
        f.write("\n".join(lines) + "\n")


def write_results_json(results: dict[str, dict], json_path: str | os.PathLike) -> None:
    """exp/results.json, atomically: {system: {...}} (speech: {set: {"wer": ..., ...}})."""
    with atomic_write(json_path) as f:
        json.dump(results, f, indent=1)
        f.write("\n")


def _section(results: dict[str, dict[str, dict]], set_order: list[str]) -> list[str]:
    sets = [s for s in set_order if any(s in r for r in results.values())]
    sets += sorted({s for r in results.values() for s in r} - set(sets))
    lines = ["| system | " + " | ".join(f"{s} WER %" for s in sets)
             + " | LM weight, penalty | train time (s) | decoding RTF |",
             "|---|" + "---|" * (len(sets) + 3)]
    for system, by_set in results.items():
        cells = [f"{by_set[s]['wer']:.2f}" if s in by_set else "" for s in sets]
        train = next((e["train_seconds"] for e in by_set.values() if e["train_seconds"] is not None), None)
        rtfs = [e["rtf"] for e in by_set.values() if e["rtf"] is not None]
        chosen = next(iter(by_set.values()))
        lines.append(f"| {system} | " + " | ".join(cells) + f" | {chosen['lmwt']:g}, {chosen['penalty']:g}"
                     + f" | {train if train is not None else ''} | " + (f"{max(rtfs):.4f}" if rtfs else "") + " |")
    lines += ["", "```"]
    for system, by_set in results.items():
        for s in sets:
            if s in by_set:
                e = by_set[s]
                lines.append(f"%WER {e['wer']:.2f} [ {e['errors']} / {e['words']}, {e['ins']} ins, {e['del']} del, "
                             f"{e['sub']} sub ] {e['decode_dir']}")
    lines.append("```")
    return lines
