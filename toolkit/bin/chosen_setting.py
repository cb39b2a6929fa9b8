"""Print the LM weight and word insertion penalty that scoring chose on a (dev) decode directory.

Reads DEV_DECODE_DIR/scoring.json (written by score_decode) and prints `LMWT PENALTY`, so
that a script can decode another set at that one setting:

  read -r lmwt penalty < <(python -m toolkit.bin.chosen_setting exp/mono/decode_dev)
"""
from toolkit import cli
from toolkit.scoring.decode_dir import chosen_setting


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("decode_dir", help="scored decode directory, e.g. exp/mono/decode_dev")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setting = chosen_setting(args.decode_dir)
    print(f"{setting.lmwt:g} {setting.penalty:g}")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
