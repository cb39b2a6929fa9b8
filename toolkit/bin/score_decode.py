"""Score a decode directory: WER at every LM weight and insertion penalty, or at the setting chosen on dev.

Writes wer_<lmwt>_<penalty> for each setting scored, best_wer, per_utt and scoring.json in
DECODE_DIR (see toolkit/scoring/decode_dir.py) and prints the best %WER line. Tuning is done
on dev; a test set is scored once with --chosen-on exp/<system>/decode_dev.

  python -m toolkit.bin.score_decode data/dev/text exp/mono/decode_dev
  python -m toolkit.bin.score_decode --chosen-on exp/mono/decode_dev data/test/text exp/mono/decode_test
"""
from toolkit import cli
from toolkit.log import get_logger
from toolkit.scoring.decode_dir import chosen_setting, score_decode_dir

_log = get_logger("score_decode")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--chosen-on", metavar="DEV_DECODE_DIR",
                   help="score only at the setting chosen when this (dev) decode directory was scored")
    p.add_argument("text", help="reference transcripts (Kaldi text), e.g. data/dev/text")
    p.add_argument("decode_dir", help="decode directory with hyp.<job>/ subdirectories")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = [chosen_setting(args.chosen_on)] if args.chosen_on else None
    setting, stats = score_decode_dir(args.decode_dir, args.text, settings)
    _log.info("best setting: LM weight %g, word insertion penalty %g", setting.lmwt, setting.penalty)
    print(f"{stats.kaldi_lines()[0]} {args.decode_dir}")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
