"""The unsupervised translation recipe's results: exp/results.json and RESULTS.md.

Systems and their directories (each scored as exp/<dir>/decode_<set>.<src>-<tgt>/scores.json):
  wbw_freedict, wbw_induced     word by word with the FreeDict or the induced lexicon
  umt_iter<k>                   iteration k of unsupervised training
  umt_final                     the iteration chosen by round-trip BLEU (below)
  umt_no_adv, umt_no_noise      the ablations, their iteration chosen the same way
  supervised                    the same model trained on real pairs
Each gets {"<src>-<tgt>": {bleu, chrf}, "<tgt>-<src>": {...}} on test, and `dev` the same on dev.
Model selection is unsupervised: an iteration's round-trip BLEU is the mean over both
languages of BLEU(back-translation of its translation, original) on held-out monolingual text
(exp/<dir>/roundtrip.<lang>/scores.json); umt_final records the chosen iteration, and how the
choice agrees with the true dev BLEU (Spearman's rank correlation over the iterations, and
whether both pick the same iteration). wbw_induced also gets the induced lexicons' precision@1
against FreeDict (exp/lexicon/induced.<pair>.json). Nothing is typed by hand.
"""
from __future__ import annotations

import os
from pathlib import Path

from toolkit.io.atomic import atomic_write
from toolkit.scoring.results import read_commands, read_json_if_present, write_results_json


def _directions(src: str, tgt: str) -> list[str]:
    return [f"{src}-{tgt}", f"{tgt}-{src}"]


def read_system_scores(exp_dir: Path, src: str, tgt: str) -> dict | None:
    """{pair: {bleu, chrf}} on test, `dev` the same on dev, `roundtrip` {lang: bleu}; None if a test
    direction is missing."""
    out: dict = {"dev": {}, "roundtrip": {}}
    for pair in _directions(src, tgt):
        test = read_json_if_present(exp_dir / f"decode_test.{pair}" / "scores.json")
        if test is None:
            return None
        out[pair] = {"bleu": test["bleu"], "chrf": test["chrf"]}
        dev = read_json_if_present(exp_dir / f"decode_dev.{pair}" / "scores.json")
        if dev is not None:
            out["dev"][pair] = {"bleu": dev["bleu"], "chrf": dev["chrf"]}
    for lang in (src, tgt):
        rt = read_json_if_present(exp_dir / f"roundtrip.{lang}" / "scores.json")
        if rt is not None:
            out["roundtrip"][lang] = rt["bleu"]
    return out


def spearman(x: list[float], y: list[float]) -> float | None:
    """Spearman's rank correlation (ties get their mean rank); None for fewer than 2 points or a constant side."""
    if len(x) < 2:
        return None

    def ranks(v: list[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        i = 0
        while i < len(v):
            j = i
            while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r

    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / (sxx * syy) ** 0.5 if sxx > 0 and syy > 0 else None


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values)


def select_iteration(iterations: dict[int, dict], src: str, tgt: str) -> dict | None:
    """The iteration with the best mean round-trip BLEU (ties: the earlier), and its agreement with dev BLEU."""
    scored = {k: e for k, e in iterations.items() if len(e["roundtrip"]) == 2 and len(e["dev"]) == 2}
    if not scored:
        return None
    ks = sorted(scored)
    rt = [_mean(scored[k]["roundtrip"].values()) for k in ks]
    dev = [_mean(d["bleu"] for d in scored[k]["dev"].values()) for k in ks]
    chosen = ks[max(range(len(ks)), key=lambda i: (rt[i], -i))]
    best_dev = ks[max(range(len(ks)), key=lambda i: (dev[i], -i))]
    return {"iteration": chosen, "roundtrip_bleu": dict(zip(map(str, ks), rt)), "dev_bleu": dict(zip(map(str, ks), dev)),
            "spearman": spearman(rt, dev), "same_choice_as_dev_bleu": chosen == best_dev, "best_dev_iteration": best_dev}


def collect_umt_results(recipe_dir: str | os.PathLike, src: str, tgt: str, iterations: int) -> dict[str, dict]:
    """Every system of the module docstring that has both test directions scored."""
    exp = Path(recipe_dir) / "exp"
    results: dict[str, dict] = {}
    for name in ("wbw_freedict", "wbw_induced"):
        entry = read_system_scores(exp / name, src, tgt)
        if entry is not None:
            results[name] = entry
    if "wbw_induced" in results:
        p1 = {}
        for pair in _directions(src, tgt):
            report = read_json_if_present(exp / "lexicon" / f"induced.{pair}.json")
            if report is not None:
                p1[pair] = {"precision_at_1": report.get("precision_at_1"), "evaluated": report.get("evaluated_words")}
        results["wbw_induced"]["lexicon"] = p1
    for name in ("umt", "umt_no_adv", "umt_no_noise"):
        found = {k: e for k in range(1, iterations + 1)
                 if (e := read_system_scores(exp / f"{name}_iter{k}", src, tgt)) is not None}
        if name == "umt":
            results.update({f"umt_iter{k}": e for k, e in found.items()})
        selection = select_iteration(found, src, tgt)
        if selection is not None:
            key = "umt_final" if name == "umt" else name
            results[key] = {**found[selection["iteration"]], "selection": selection}
    supervised = read_system_scores(exp / "supervised", src, tgt)
    if supervised is not None:
        results["supervised"] = supervised
    return results


def target_lines(results: dict[str, dict], src: str, tgt: str) -> list[str]:
    """The issue's targets, checked from the numbers: umt_final at least twice the word-by-word BLEU
    (the better lexicon) and at least half the supervised BLEU, in each direction."""
    final = results.get("umt_final")
    if final is None:
        return []
    out = []
    for pair in _directions(src, tgt):
        wbw = max((results[k][pair]["bleu"] for k in ("wbw_freedict", "wbw_induced") if k in results), default=None)
        sup = results.get("supervised", {}).get(pair, {}).get("bleu")
        b = final[pair]["bleu"]
        if wbw is not None:
            out.append(f"- {pair}: umt_final {b:.2f} vs 2 x word-by-word {2 * wbw:.2f}: "
                       f"{'met' if b >= 2 * wbw else 'not met'}")
        if sup is not None:
            out.append(f"- {pair}: umt_final {b:.2f} vs half of supervised {sup / 2:.2f}: "
                       f"{'met' if b >= sup / 2 else 'not met'}")
    return out


def umt_markdown(results: dict[str, dict], commands: list[str], report: dict | None, src: str, tgt: str) -> str:
    """RESULTS.md: commands, the monolingual corpora, the lexicons, the system table, model selection, targets."""
    pairs = _directions(src, tgt)
    out = [f"# Results: unsupervised {src}<->{tgt} translation from monolingual corpora (Lample et al. 2017)", "",
           "Generated by `run.sh` (stage 7, toolkit/scoring/umt_results.py) from `exp/`; every number",
           "below was measured by the runs these commands made:", "", "```"]
    out += commands or ["(no commands logged)"]
    out += ["```", ""]
    if report:
        out += ["## Monolingual corpora (training; no known translation across the languages)", "",
                "| language | sentences | held out | by origin |", "|---|---:|---:|---|"]
        for lang, e in report.get("languages", {}).items():
            origins = ", ".join(f"{k} {v}" for k, v in e.get("by_origin", {}).items())
            out.append(f"| {lang} | {e['train']} | {e['dev']} | {origins} |")
        out.append("")
    lex = results.get("wbw_induced", {}).get("lexicon")
    if lex:
        out += ["## Induced lexicon: precision@1 against FreeDict", "", "| direction | P@1 | words evaluated |",
                "|---|---:|---:|"]
        for pair, e in lex.items():
            p1 = e.get("precision_at_1")
            out.append(f"| {pair} | {'-' if p1 is None else f'{100 * p1:.2f}%'} | {e.get('evaluated')} |")
        out.append("")
    out += ["## Systems (test set; BLEU and chrF2 by sacrebleu on detokenized text)", "",
            f"| system | {pairs[0]} BLEU | {pairs[0]} chrF2 | {pairs[1]} BLEU | {pairs[1]} chrF2 | dev BLEU (mean) |",
            "|---|---:|---:|---:|---:|---:|"]
    for key, e in results.items():
        dev = e.get("dev", {})
        dev_mean = f"{_mean(d['bleu'] for d in dev.values()):.2f}" if len(dev) == 2 else "-"
        out.append(f"| {key} | {e[pairs[0]]['bleu']:.2f} | {e[pairs[0]]['chrf']:.2f} | {e[pairs[1]]['bleu']:.2f} | "
                   f"{e[pairs[1]]['chrf']:.2f} | {dev_mean} |")
    selection = results.get("umt_final", {}).get("selection")
    if selection:
        out += ["", "## Unsupervised model selection (round-trip BLEU on held-out monolingual text)", "",
                "| iteration | round-trip BLEU (mean) | dev BLEU (mean) |", "|---:|---:|---:|"]
        for k, rt in selection["roundtrip_bleu"].items():
            out.append(f"| {k} | {rt:.2f} | {selection['dev_bleu'][k]:.2f} |")
        rho = selection["spearman"]
        out += ["", f"Chosen: iteration {selection['iteration']}; by dev BLEU: iteration "
                f"{selection['best_dev_iteration']}; Spearman's rho {'-' if rho is None else f'{rho:.2f}'}."]
    targets = target_lines(results, src, tgt)
    if targets:
        out += ["", "## Targets", "", *targets]
    return "\n".join(out) + "\n"


def write_umt_results(recipe_dir: str | os.PathLike, markdown_path: str | os.PathLike, json_path: str | os.PathLike,
                      src: str, tgt: str, iterations: int) -> dict[str, dict]:
    """Collect the results and write both files atomically; returns the results."""
    recipe = Path(recipe_dir)
    results = collect_umt_results(recipe, src, tgt, iterations)
    report = read_json_if_present(recipe / "data" / "report.json")
    with atomic_write(markdown_path) as f:
        f.write(umt_markdown(results, read_commands(recipe / "exp"), report, src, tgt))
    write_results_json(results, json_path)
    return results
