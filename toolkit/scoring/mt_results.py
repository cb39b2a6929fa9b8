"""A translation recipe's results: exp/results.json and RESULTS.md, from its scored decodings and benchmarks.

System keys and where their numbers come from (NAME is the decoding's name, SET dev or test):
  ar_beam<B>, ar_greedy     exp/ar/decode_{beam<B>,greedy}_SET/scores.json, exp/ar/bench_{beam<B>,greedy}.json
  nat, nat_nokd, nat_uniform_copy   exp/<system>/decode_argmax_SET/scores.json, exp/<system>/bench_argmax.json
  nat_avg_fertility         exp/nat/decode_average_SET/scores.json (no benchmark)
  nat_npd<S>                exp/nat/decode_npd<S>_SET/scores.json, exp/nat/bench_npd<S>.json
  apertium (en-es)          exp/apertium/decode_apertium_SET/scores.json, exp/apertium/bench_apertium.json
                            (apertium_translate's timing: throughput only)
Each system gets test `bleu`, `chrf` and `brevity_penalty`, `dev_bleu`, `latency_ms`,
`sents_per_s`, `speedup` and `throughput_speedup` where those files exist. The speed-ups are
those of the benchmark when it measured ar_beam<B> as its peer in the same run (mt_benchmark
--peer; `speedup_source` "same run", `peer_latency_ms`, and `block`, the sentences each took in
its turn); otherwise the ratios of
ar_beam<B>'s own benchmark figures to the system's (`speedup_source` "separate runs");
ar_beam<B> also its `lenpen`, the length penalty chosen on dev (exp/ar/lenpen, from the scored
exp/ar/decode_beam<B>_dev_lenpen<X> decodings, which RESULTS.md lists); nat_npd<S> the length
penalty of NPD's rescoring, chosen on dev the same way (exp/nat/npd_lenpen, from
exp/nat/decode_npd<S>_dev_lenpen<X>). Nothing is typed by hand: both files are rewritten from the
experiment directory on every run.
"""
from __future__ import annotations

import os
from pathlib import Path

from toolkit.io.atomic import atomic_write
from toolkit.scoring.results import read_commands, read_json_if_present, write_results_json


def system_files(beam: int, npd_samples: list[int]) -> dict[str, tuple[str, str, str | None]]:
    """{system key: (experiment directory, decoding name, benchmark name or None)} in table order."""
    systems = {f"ar_beam{beam}": ("ar", f"beam{beam}", f"beam{beam}"), "ar_greedy": ("ar", "greedy", "greedy"),
               "nat_nokd": ("nat_nokd", "argmax", "argmax"), "nat": ("nat", "argmax", "argmax"),
               "nat_avg_fertility": ("nat", "average", None)}
    for s in npd_samples:
        systems[f"nat_npd{s}"] = ("nat", f"npd{s}", f"npd{s}")
    systems["nat_uniform_copy"] = ("nat_uniform_copy", "argmax", "argmax")
    systems["apertium"] = ("apertium", "apertium", "apertium")
    return systems


def collect_mt_results(recipe_dir: str | os.PathLike, beam: int, npd_samples: list[int]) -> dict[str, dict]:
    """{system: {"bleu", "chrf", "dev_bleu", "latency_ms", "sents_per_s", "speedup", "throughput_speedup",
    "speedup_source", "signatures", ...}} for every system with a scored test decoding."""
    exp = Path(recipe_dir) / "exp"
    results: dict[str, dict] = {}
    for key, (system, name, bench) in system_files(beam, npd_samples).items():
        test = read_json_if_present(exp / system / f"decode_{name}_test" / "scores.json")
        if test is None:
            continue
        entry = {"bleu": test["bleu"], "chrf": test["chrf"], "bleu_signature": test["bleu_signature"],
                 "chrf_signature": test["chrf_signature"]}
        if "brevity_penalty" in test:
            entry["brevity_penalty"] = test["brevity_penalty"]
        dev = read_json_if_present(exp / system / f"decode_{name}_dev" / "scores.json")
        if dev is not None:
            entry["dev_bleu"] = dev["bleu"]
        speed = read_json_if_present(exp / system / f"bench_{bench}.json") if bench else None
        if speed is not None:
            entry.update({k: speed[k] for k in ("latency_ms", "sents_per_s", "threads", "batch_size", "speedup",
                                                "throughput_speedup") if k in speed})
            if "peer" in speed:
                entry["peer_latency_ms"] = speed["peer"]["latency_ms"]
                entry["speedup_source"] = "same run"
                entry["block"] = speed.get("block", 1)  # (benchmarks before --block took turns sentence by sentence)
        results[key] = entry
    for key, path in [(f"ar_beam{beam}", exp / "ar" / "lenpen")] + [(f"nat_npd{s}", exp / "nat" / "npd_lenpen")
                                                                      for s in npd_samples]:
        if key in results and path.is_file():
            results[key]["lenpen"] = float(path.read_text())
    reference = results.get(f"ar_beam{beam}", {})
    for entry in results.values():
        if "speedup_source" in entry or "latency_ms" not in entry or "latency_ms" not in reference:
            continue
        if entry is reference:
            entry.update(speedup=1.0, throughput_speedup=1.0, speedup_source="reference")
            continue
        entry["speedup"] = reference["latency_ms"] / entry["latency_ms"]
        if "sents_per_s" in entry and "sents_per_s" in reference:
            entry["throughput_speedup"] = entry["sents_per_s"] / reference["sents_per_s"]
        entry["speedup_source"] = "separate runs"
    return results


def lenpen_sweep(directory: str | os.PathLike, prefix: str) -> list[tuple[float, dict]]:
    """(length penalty, dev scores) of every scored DIRECTORY/<PREFIX><X>, by length penalty X."""
    out = []
    for d in Path(directory).glob(prefix + "*"):
        scores = read_json_if_present(d / "scores.json")
        if scores is not None:
            out.append((float(d.name[len(prefix):]), scores))
    return sorted(out, key=lambda x: x[0])


def _num(entry: dict, key: str, fmt: str) -> str:
    return fmt % entry[key] if key in entry else "-"


def _sweep_table(title: str, intro: list[str], sweep: list[tuple[float, dict]], chosen: float | None) -> list[str]:
    out = [f"## {title}", ""] + intro + ["", "| length penalty | dev BLEU | dev chrF2 | brevity penalty | chosen |",
                                         "|---:|---:|---:|---:|---|"]
    for lp, e in sweep:
        out.append(f"| {lp:g} | {e['bleu']:.2f} | {e['chrf']:.2f} | {_num(e, 'brevity_penalty', '%.3f')} | "
                   f"{'yes' if chosen == lp else ''} |")
    return out + [""]


def results_markdown(results: dict[str, dict], commands: list[str], stats_md: str | None, beam: int,
                     src: str, tgt: str, sweep: list[tuple[float, dict]] = (),
                     npd_sweep: tuple[int, list[tuple[float, dict]]] | None = None, notes: str | None = None) -> str:
    """RESULTS.md: commands, corpus statistics, the teacher's length penalties on dev (SWEEP) and
    NPD's (NPD_SWEEP: its sample count and sweep), the system table, sacrebleu signatures, then
    `notes` (markdown), if any."""
    out = [f"# Results: {src}-{tgt} translation, autoregressive teacher and non-autoregressive Transformer", "",
           "Generated by `run.sh` (stage 9, toolkit/scoring/mt_results.py) from `exp/`; every number",
           "below was measured by the runs these commands made:", "", "```"]
    out += commands or ["(no commands logged)"]
    out += ["```", ""]
    if stats_md:
        out += ["## Corpus", "", stats_md.strip(), ""]
    if sweep:
        out += _sweep_table(f"The teacher's length penalty (dev, beam {beam})",
                            ["The best dev BLEU chooses the exponent of the beam's length normalisation, also used by",
                             "the distillation."], sweep, results.get(f"ar_beam{beam}", {}).get("lenpen"))
    if npd_sweep and npd_sweep[1]:
        samples, npd = npd_sweep
        out += _sweep_table(f"NPD's length penalty (dev, s={samples})",
                            ["The teacher ranks NPD's candidates by its log-probability divided by length^X; the best",
                             "dev BLEU chooses X for every NPD decoding and benchmark."],
                            npd, results.get(f"nat_npd{samples}", {}).get("lenpen"))
    out += ["## Systems (test set; BLEU and chrF2 by sacrebleu on detokenized text)", "",
            "Latency: mean per sentence at batch size 1 over the whole test set; throughput: sentences/s at",
            f"batch size 64. Speed-ups are against ar_beam{beam}: measured side by side in the system's own benchmark",
            "run (`same run`: the two take turns on blocks of consecutive sentences, results.json's `block`) or,",
            "without a peer in that run, the ratio to ar_beam's separate benchmark. BP: BLEU's brevity penalty.", "",
            f"| system | test BLEU | test chrF2 | BP | dev BLEU | latency ms | ar_beam{beam} ms, same run | speed-up | "
            "sentences/s | speed-up (batch 64) | speed-ups from |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for key, e in results.items():
        out.append(f"| {key} | {e['bleu']:.2f} | {e['chrf']:.2f} | {_num(e, 'brevity_penalty', '%.3f')} | "
                   f"{_num(e, 'dev_bleu', '%.2f')} | {_num(e, 'latency_ms', '%.1f')} | "
                   f"{_num(e, 'peer_latency_ms', '%.1f')} | {_num(e, 'speedup', '%.1fx')} | "
                   f"{_num(e, 'sents_per_s', '%.1f')} | {_num(e, 'throughput_speedup', '%.1fx')} | "
                   f"{e.get('speedup_source', '-')} |")
    if results:
        first = next(iter(results.values()))
        out += ["", f"BLEU signature: `{first['bleu_signature']}`", f"chrF2 signature: `{first['chrf_signature']}`"]
    if notes:
        out += ["", notes.rstrip()]
    return "\n".join(out) + "\n"


def write_mt_results(recipe_dir: str | os.PathLike, markdown_path: str | os.PathLike, json_path: str | os.PathLike,
                     beam: int, npd_samples: list[int], src: str, tgt: str,
                     notes: str | None = None) -> dict[str, dict]:
    """Collect the results and write both files atomically (RESULTS.md ending with `notes`); returns the results."""
    recipe = Path(recipe_dir)
    results = collect_mt_results(recipe, beam, npd_samples)
    exp, stats = recipe / "exp", recipe / "data" / "stats.md"
    npd_sweep = None
    if npd_samples:  # the recipe tunes NPD's length penalty with its first sample count
        npd_sweep = (npd_samples[0], lenpen_sweep(exp / "nat", f"decode_npd{npd_samples[0]}_dev_lenpen"))
    text = results_markdown(results, read_commands(exp), stats.read_text() if stats.is_file() else None, beam,
                            src, tgt, lenpen_sweep(exp / "ar", f"decode_beam{beam}_dev_lenpen"), npd_sweep, notes)
    with atomic_write(markdown_path) as f:
        f.write(text)
    write_results_json(results, json_path)
    return results
