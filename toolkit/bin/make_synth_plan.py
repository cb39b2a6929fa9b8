"""Draw the plan of a synthetic speech corpus: which voice says what, how, with what noise.

Speakers are espeak-ng accent+variant combinations and flite voices, each with its own
speaking rate and pitch; whole voice families (an espeak-ng variant with all its
accents, a flite voice) are held out for dev and test, at least one flite voice in each.
Every utterance gets a small rate and pitch jitter, optional leading/trailing silence,
and optional additive noise (white, pink or brown) at a uniform SNR. Texts are either
strings of --min-words..--max-words words drawn uniformly from --vocabulary, or lines of
a --sentences file (one sentence a line, each used at most once, so no sentence is read
in two splits). Everything comes from --seed: the same options give the same plan. Writes the plan (JSON lines, for
synthesize_corpus and make_synth_data_dirs) and, with --speakers, the speaker table.
"""
from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import asdict

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.synth.plan import PlanOptions, plan_corpus, read_sentences, sentence_draws, word_strings, write_plan
from toolkit.synth.speakers import make_speakers, split_voices
from toolkit.synth.voices import inventory

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    texts = p.add_mutually_exclusive_group(required=True)
    texts.add_argument("--vocabulary", help="the words to draw from, separated by spaces")
    texts.add_argument("--sentences", metavar="FILE",
                       help="the sentences to read, one a line (drawn without replacement)")
    p.add_argument("--min-words", type=int, default=1, help="fewest words in an utterance (--vocabulary)")
    p.add_argument("--max-words", type=int, default=7, help="most words in an utterance (--vocabulary)")
    p.add_argument("--n-train", type=int, default=3000, help="training utterances")
    p.add_argument("--n-dev", type=int, default=300, help="development utterances")
    p.add_argument("--n-test", type=int, default=600, help="test utterances")
    p.add_argument("--seed", type=int, default=2024, help="the seed every random choice derives from")
    p.add_argument("--dev-frac", type=float, default=0.10, help="fraction of each group's voice families held out for dev")
    p.add_argument("--test-frac", type=float, default=0.18, help="fraction of each group's voice families held out for test")
    p.add_argument("--flite-weight", type=float, default=4.0,
                   help="utterances of a flite speaker relative to an espeak-ng speaker")
    p.add_argument("--rate-jitter", type=float, default=0.06, help="relative per-utterance jitter of the speaking rate")
    p.add_argument("--pitch-jitter", type=float, default=0.6, help="per-utterance pitch jitter in semitones")
    p.add_argument("--pad-prob", type=float, default=0.5, help="fraction of utterances padded with silence")
    p.add_argument("--pad-min", type=float, default=0.1, help="shortest padding at each end, seconds")
    p.add_argument("--pad-max", type=float, default=0.3, help="longest padding at each end, seconds")
    p.add_argument("--noise-frac", type=float, default=0.5, help="fraction of utterances with additive noise")
    p.add_argument("--snr-min", type=float, default=10.0, help="lowest SNR in dB")
    p.add_argument("--snr-max", type=float, default=30.0, help="highest SNR in dB")
    p.add_argument("--speakers", help="also write the speaker table (JSON) here")
    p.add_argument("plan", help="output: the plan, one JSON object per utterance")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for name in ("n_train", "n_dev", "n_test"):
        if getattr(args, name) < 0:
            raise ToolkitError(f"--{name.replace('_', '-')} must not be negative")
    for name in ("pad_prob", "noise_frac"):
        if not 0 <= getattr(args, name) <= 1:
            raise ToolkitError(f"--{name.replace('_', '-')} must be between 0 and 1")
    if not (0 <= args.pad_min <= args.pad_max and args.snr_min <= args.snr_max):
        raise ToolkitError("need 0 <= --pad-min <= --pad-max and --snr-min <= --snr-max")
    sizes = {"train": args.n_train, "dev": args.n_dev, "test": args.n_test}
    if args.sentences is not None:
        sentences = read_sentences(args.sentences)
        if sum(sizes.values()) > len(sentences):
            raise ToolkitError(f"{args.sentences} has {len(sentences)} sentences, fewer than the "
                               f"{sum(sizes.values())} utterances asked for: each sentence is read once")
        sample_text = sentence_draws(sentences)
    else:
        sample_text = word_strings(args.vocabulary.split(), args.min_words, args.max_words)
    options = PlanOptions(
        flite_weight=args.flite_weight, rate_jitter=args.rate_jitter, pitch_jitter=args.pitch_jitter,
        pad_prob=args.pad_prob, pad_range=(args.pad_min, args.pad_max),
        noise_frac=args.noise_frac, snr_range=(args.snr_min, args.snr_max),
    )
    rng = random.Random(args.seed)
    speakers = make_speakers(split_voices(inventory(), rng, args.dev_frac, args.test_frac), rng)
    specs = plan_corpus(speakers, sizes, sample_text, rng, options)
    write_plan(args.plan, specs)
    counts = Counter(x.spk for x in specs)
    if args.speakers:
        with atomic_write(args.speakers) as f:
            json.dump([{**asdict(s), "utterances": counts[s.id]} for s in speakers], f, indent=1)
            f.write("\n")
    for split, n in sizes.items():
        families = sorted({s.voice.family for s in speakers if s.split == split})
        _log.info("%s: %d utterances, %d voice families: %s", split, n, len(families), " ".join(families))
    _log.info("wrote %s: %d utterances of %d speakers", args.plan, len(specs), len(counts))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
