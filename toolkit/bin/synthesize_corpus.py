"""Synthesize the utterances of a corpus plan (from make_synth_plan) into 16-bit mono wav files.

Each utterance is read by its voice (espeak-ng or flite), converted by sox (-R, so the
output is repeatable), padded and mixed with its noise, and written atomically to
WAV_DIR/<its wav path>. An utterance depends on its own plan entry only, so the files
are byte-identical whatever --num-parts is. For the job runner:
  $cmd JOB=1:$nj log/synth.JOB.log python -m toolkit.bin.synthesize_corpus --part JOB --num-parts $nj plan wav
A failure names the utterance and the command that failed.
"""
from __future__ import annotations

from pathlib import Path

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.log import get_logger
from toolkit.progress import progress
from toolkit.synth.plan import read_plan
from toolkit.synth.synthesize import SAMPLE_RATE, render, write_pcm16
from toolkit.synth.voices import require_programs

_log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--part", type=int, default=1, help="which share of the plan to do (1-based)")
    p.add_argument("--num-parts", type=int, default=1, help="number of shares (utterance i goes to share i mod N)")
    p.add_argument("--sample-rate", type=int, default=SAMPLE_RATE, help="output sample rate in Hz")
    p.add_argument("plan", help="the corpus plan (JSON lines)")
    p.add_argument("wav_dir", help="output: directory the plan's wav paths are relative to")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.part <= args.num_parts:
        raise ToolkitError(f"need 1 <= --part <= --num-parts, got {args.part} and {args.num_parts}")
    specs = read_plan(args.plan)[args.part - 1 :: args.num_parts]
    require_programs([x.voice for x in specs])
    wav_dir = Path(args.wav_dir)
    seconds = 0.0
    for spec in progress(specs, f"synthesizing part {args.part}/{args.num_parts}", unit="utt"):
        samples = render(spec, args.sample_rate)
        write_pcm16(wav_dir / spec.wav, samples, args.sample_rate)
        seconds += len(samples) / args.sample_rate
    _log.info("part %d/%d: %d utterances, %.3f hours of audio in %s",
              args.part, args.num_parts, len(specs), seconds / 3600, wav_dir)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
