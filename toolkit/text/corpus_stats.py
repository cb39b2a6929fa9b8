"""Statistics of parallel sets: pairs, words per side, mean length, pairs per origin; as JSON and a markdown table."""
from __future__ import annotations

from collections import Counter

from toolkit.text.parallel import ParallelSet


def origin_group(origin: str) -> str:
    """The source an origin names, without the file or page (`gimp-data:gimp20.mo` -> `gimp-data`)."""
    return origin.split(":", 1)[0]


def corpus_stats(data: ParallelSet) -> dict:
    """{"pairs", "src_words", "tgt_words", "src_mean_words", "tgt_mean_words", "src_chars", "tgt_chars", "origins"}.

    Words are white-space separated tokens; `origins` counts pairs per origin_group, sorted by name.
    """
    n = len(data)
    src_words = sum(len(s.split()) for s in data.src)
    tgt_words = sum(len(t.split()) for t in data.tgt)
    return {
        "pairs": n,
        "src_words": src_words,
        "tgt_words": tgt_words,
        "src_mean_words": round(src_words / n, 2) if n else 0.0,
        "tgt_mean_words": round(tgt_words / n, 2) if n else 0.0,
        "src_chars": sum(len(s) for s in data.src),
        "tgt_chars": sum(len(t) for t in data.tgt),
        "origins": dict(sorted(Counter(origin_group(o) for o in data.origin).items())),
    }


def stats_markdown(stats: dict[str, dict], src_lang: str, tgt_lang: str) -> str:
    """Two markdown tables: sizes per set, then pairs per origin (one column per set)."""
    lines = [f"| set | pairs | {src_lang} words | {tgt_lang} words | mean {src_lang} words | mean {tgt_lang} words |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, s in stats.items():
        lines.append(f"| {name} | {s['pairs']} | {s['src_words']} | {s['tgt_words']} | "
                     f"{s['src_mean_words']:.2f} | {s['tgt_mean_words']:.2f} |")
    origins = sorted({o for s in stats.values() for o in s["origins"]})
    lines += ["", "| origin | " + " | ".join(stats) + " |", "|---|" + "---:|" * len(stats)]
    for o in origins:
        lines.append(f"| {o} | " + " | ".join(str(s["origins"].get(o, 0)) for s in stats.values()) + " |")
    return "\n".join(lines) + "\n"
