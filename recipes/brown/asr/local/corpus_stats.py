#!/usr/bin/env python3
"""Statistics of the Brown read-speech corpus, as JSON: per data set, the LM text, the text selection.

For each DATA_DIR (named by its last component): utterances, speakers, hours (from
utt2dur), words, vocabulary size, and the out-of-vocabulary words against the LM
vocabulary (the words of --lm-text): running OOV words, OOV rate (percent of running
words) and distinct OOV words. With --synth-stats (make_synth_data_dirs's JSON), its
entry for the set (engines, noisy and padded utterances, voice families) is merged in;
with --text-report (prepare_brown_text.py's JSON) the sentence selection counts are
included as "text".
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from toolkit import cli
from toolkit.data.datadir import DataDir
from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.lm.text import read_sentences
from toolkit.log import get_logger

_log = get_logger("corpus_stats")


def data_set_stats(data: DataDir, lm_vocab: set[str]) -> dict:
    """Counts of one data directory (needs text and utt2dur); OOV is against `lm_vocab`."""
    where = data.path or "data directory"
    if data.text is None or not data.has("utt2dur"):
        raise InputError("needs text and utt2dur", where)
    words = [w for t in data.text.values() for w in t.split()]
    oov = [w for w in words if w not in lm_vocab]
    return {
        "utterances": len(data.utterances),
        "speakers": len(data.speakers),
        "hours": round(sum(float(d) for d in data.tables["utt2dur"].values()) / 3600, 4),
        "words": len(words),
        "vocabulary": len(set(words)),
        "oov_words": len(oov),
        "oov_rate": round(100 * len(oov) / len(words), 3) if words else 0.0,
        "oov_vocabulary": len(set(oov)),
    }


def read_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except json.JSONDecodeError as e:
        raise InputError(f"not JSON: {e}", path) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="corpus_stats.py", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lm-text", type=Path, required=True, help="the LM training sentences, one a line")
    p.add_argument("--synth-stats", type=Path, help="per-set statistics of make_synth_data_dirs (JSON)")
    p.add_argument("--text-report", type=Path, help="the report of prepare_brown_text.py (JSON)")
    p.add_argument("data_dirs", type=Path, nargs="+", help="data directories, e.g. data/train data/dev data/test")
    p.add_argument("stats", type=Path, help="output: the statistics (JSON)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lm_sentences = [s.words for s in read_sentences(args.lm_text)]
    lm_vocab = {w for words in lm_sentences for w in words}
    synth = read_json(args.synth_stats) if args.synth_stats else {}
    sets = {}
    for path in args.data_dirs:
        stats = data_set_stats(DataDir.read(path), lm_vocab)
        sets[path.name] = {**synth.get(path.name, {}), **stats}
    report = {
        "total": {key: round(sum(s[key] for s in sets.values()), 4) for key in ("utterances", "speakers", "hours")},
        "sets": sets,
        "lm_text": {"sentences": len(lm_sentences), "words": sum(len(words) for words in lm_sentences),
                    "vocabulary": len(lm_vocab)},
    }
    if args.text_report:
        report["text"] = read_json(args.text_report)
    with atomic_write(args.stats) as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    for name, s in sets.items():
        _log.info("%s: %d utterances, %d speakers, %.3f hours, vocabulary %d, OOV rate %.3f%% (%d of %d words)",
                  name, s["utterances"], s["speakers"], s["hours"], s["vocabulary"], s["oov_rate"],
                  s["oov_words"], s["words"])
    _log.info("LM text: %d sentences, %d words, vocabulary %d; statistics in %s", report["lm_text"]["sentences"],
              report["lm_text"]["words"], len(lm_vocab), args.stats)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
