"""Measure a translation system's speed on a test set: latency at batch size 1 and large-batch throughput.

The system is the autoregressive Transformer with beam search (--beam N; 1 is greedy) or the NAT
(--nat with --mode argmax|average|npd, --samples, --teacher for NPD's rescoring). Latency: every
sentence of INPUT translated alone, one after the other, timed from its pieces to its output
pieces (the encoder, the search or parallel decoding, NPD's rescoring); the mean per sentence
in milliseconds. Throughput: the whole INPUT in length-sorted batches of --batch-size sentences,
sentences per second. Both with --num-threads torch threads, after one warm-up sentence.

With --peer (an autoregressive Transformer, e.g. the teacher with --peer-beam 4), the peer is
measured in the same process: at batch size 1 the two systems take turns on blocks of --block
consecutive sentences (system then peer on even blocks, peer then system on odd ones), so a
load or clock change on the machine affects both; its throughput run follows the system's. The
speed-ups are then ratios of figures measured side by side, not of separate runs. A block is
long so that each system is timed warm, as it runs when deployed: taking turns sentence by
sentence (--block 1) charges each system the refill of the caches the other has just used,
most heavily the faster one (every third sentence of the libreoffice test set, 2 threads, four
runs each: against blocks of 30, the NAT's mean latency rose from 7.2 to 7.9 ms, the AR beam's
from 66.8 to 69.3 ms).
OUTPUT (JSON): {latency_ms, sents_per_s, sentences, batch_size, threads, system options}, and
with --peer also {peer: {model, beam, lenpen, latency_ms, sents_per_s}, speedup (peer latency /
latency), throughput_speedup (sents_per_s / peer's)}.

  python -m toolkit.bin.mt_benchmark --beam 4 exp/ar/model_avg.pt data/spm/spm.model data/test.en exp/ar/bench_beam4.json
  python -m toolkit.bin.mt_benchmark --nat --peer exp/ar/model_avg.pt --peer-beam 4 exp/nat/model_last.pt \
      data/spm/spm.model data/test.en exp/nat/bench_argmax.json
"""
from __future__ import annotations

import json
import time

import torch

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.nat import MODES, load_nat, nat_search
from toolkit.mt.transformer import load_model
from toolkit.mt.translate import Search, SearchOptions, ar_search, translate_lines
from toolkit.mt.vocab import Vocabulary
from toolkit.parallel.pool import available_cpus
from toolkit.progress import progress
from toolkit.text.parallel import read_lines

_log = get_logger("mt_benchmark")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--nat", action="store_true", help="MODEL is a NAT (nat_train); otherwise the Transformer")
    p.add_argument("--beam", type=int, default=4, help="beam size of the Transformer (1: greedy)")
    p.add_argument("--lenpen", type=float, default=1.0, help="length normalisation exponent of beam search and of NPD's rescoring")
    p.add_argument("--mode", choices=MODES, default="argmax", help="the NAT's fertilities")
    p.add_argument("--samples", type=int, default=10, help="NPD fertility samples per sentence")
    p.add_argument("--teacher", help="autoregressive model rescoring the NPD candidates")
    p.add_argument("--peer", help="autoregressive Transformer measured alongside MODEL (see above)")
    p.add_argument("--peer-beam", type=int, default=4, help="beam size of the peer (1: greedy)")
    p.add_argument("--peer-lenpen", type=float, default=1.0, help="length normalisation exponent of the peer's beam search")
    p.add_argument("--batch-size", type=int, default=64, help="sentences per batch of the throughput run")
    p.add_argument("--block", type=int, default=50, help="consecutive sentences each system translates in its turn")
    p.add_argument("--num-threads", type=int, default=available_cpus(), help="torch threads")
    p.add_argument("model", help="the model")
    p.add_argument("spm", help="the joint SentencePiece model")
    p.add_argument("input", help="source text, one sentence per line (the test set)")
    p.add_argument("output", help="JSON file of the measurements")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.block < 1:
        raise ToolkitError(f"--block must be at least 1, got {args.block}")
    torch.set_num_threads(args.num_threads)
    vocab = Vocabulary(args.spm)
    lines = [line for line in read_lines(args.input, allow_empty=True) if line.strip()]
    if not lines:
        raise ToolkitError(f"{args.input}: no sentence to translate")
    options = SearchOptions(beam=args.beam, lenpen=args.lenpen, max_sentences=args.batch_size, max_tokens=1 << 20)
    if args.nat:
        model = load_nat(args.model)
        teacher = load_model(args.teacher) if args.teacher else None
        search = nat_search(model, args.mode, teacher, args.samples, torch.Generator().manual_seed(1), args.lenpen)
        system = {"model": args.model, "nat": True, "mode": args.mode, "teacher": args.teacher,
                  **({"samples": args.samples, "lenpen": args.lenpen} if args.mode == "npd" else {})}
    else:
        model = load_model(args.model)
        search = ar_search(model, options)
        system = {"model": args.model, "beam": args.beam, "lenpen": args.lenpen}
    systems = [(model, search)]
    if args.peer:
        peer = load_model(args.peer)
        peer_options = SearchOptions(beam=args.peer_beam, lenpen=args.peer_lenpen, max_sentences=args.batch_size,
                                     max_tokens=1 << 20)
        systems.append((peer, ar_search(peer, peer_options)))
    limit = min(m.config.max_positions for m, _ in systems) - 1
    encoded = [vocab.encode(line)[:limit] for line in lines]

    latency = batch1_latency([s for _, s in systems], encoded, args.block)
    throughput = []
    for m, s in systems:
        start = time.perf_counter()
        translate_lines(m, vocab, lines, options, where=args.input, search=s)
        throughput.append(len(lines) / (time.perf_counter() - start))
    result = {"latency_ms": 1000 * latency[0], "sents_per_s": throughput[0], "sentences": len(lines),
              "batch_size": args.batch_size, "threads": args.num_threads, **system}
    if args.peer:
        result["block"] = args.block
        result["peer"] = {"model": args.peer, "beam": args.peer_beam, "lenpen": args.peer_lenpen,
                          "latency_ms": 1000 * latency[1], "sents_per_s": throughput[1]}
        result["speedup"] = latency[1] / latency[0]
        result["throughput_speedup"] = throughput[0] / throughput[1]
    with atomic_write(args.output) as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    _log.info("%s: %.1f ms per sentence at batch size 1, %.1f sentences/s at batch size %d (%d sentences, %d threads)",
              args.model, result["latency_ms"], result["sents_per_s"], args.batch_size, len(lines), args.num_threads)
    if args.peer:
        _log.info("peer %s (beam %d), same run: %.1f ms, %.1f sentences/s; speed-up %.2fx at batch size 1, %.2fx at %d",
                  args.peer, args.peer_beam, result["peer"]["latency_ms"], result["peer"]["sents_per_s"],
                  result["speedup"], result["throughput_speedup"], args.batch_size)
    return 0


def batch1_latency(searches: list[Search], encoded: list[list[int]], block: int = 1) -> list[float]:
    """Mean seconds per sentence of each search, translating `encoded` one sentence at a time.

    The searches take turns on blocks of `block` consecutive sentences, in reverse order on odd
    blocks, after one warm-up sentence each (first-call allocations are not a system's latency).
    """
    for search in searches:
        search([encoded[0]])
    totals = [0.0] * len(searches)
    blocks = [encoded[i:i + block] for i in range(0, len(encoded), block)]
    for b, sentences in enumerate(progress(blocks, "batch-1 latency", unit="block")):
        for k in (range(len(searches)) if b % 2 == 0 else reversed(range(len(searches)))):
            for ids in sentences:
                start = time.perf_counter()
                searches[k]([ids])
                totals[k] += time.perf_counter() - start
    return [t / len(encoded) for t in totals]


if __name__ == "__main__":
    cli.exit_with(main)
