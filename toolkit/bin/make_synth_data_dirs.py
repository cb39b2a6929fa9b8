"""Write the Kaldi data directories of a synthesized corpus: DATA_ROOT/<split> for every split in the plan.

Each directory gets wav.scp (absolute paths under WAV_DIR), text, utt2spk, spk2utt,
spk2gender and utt2dur (read from the wav headers, so every file must exist), sorted in
C order and written atomically (a rerun replaces it). With --stats, the corpus
statistics per split (utterances, speakers, hours, ...) are written as JSON.
"""
from __future__ import annotations

import json

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.synth.corpus import corpus_stats, plan_data_dirs
from toolkit.synth.plan import read_plan

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--nj", type=int, default=1, help="threads reading wav headers")
    p.add_argument("--stats", help="also write the corpus statistics (JSON) here")
    p.add_argument("plan", help="the corpus plan (JSON lines)")
    p.add_argument("wav_dir", help="the directory synthesize_corpus wrote the audio to")
    p.add_argument("data_root", help="output: DATA_ROOT/<split> for each split, e.g. data")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    specs = read_plan(args.plan)
    data_dirs = plan_data_dirs(specs, args.wav_dir, args.nj)
    for split, data in data_dirs.items():
        data.write(f"{args.data_root}/{split}")
    stats = corpus_stats(specs, data_dirs)
    for split, s in stats.items():
        _log.info("%s/%s: %d utterances, %d speakers (%d espeak-ng, %d flite), %.3f hours, %d noisy",
                  args.data_root, split, s["utterances"], s["speakers"], s["espeak_speakers"],
                  s["flite_speakers"], s["hours"], s["noisy_utterances"])
    if args.stats:
        with atomic_write(args.stats) as f:
            json.dump(stats, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
