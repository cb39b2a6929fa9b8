"""Train the joint SentencePiece model of a translation system on the training text of both languages.

TEXT... are plain UTF-8 files, one sentence per line (e.g. data/train.en data/train.fr: the
training sets only, never dev or test). MODEL (e.g. data/spm/spm.model) is written with the
ids pad=0, unk=1, bos=2, eos=3 (then, with --language-tokens en,fr, the control pieces <2en>=4 and
<2fr>=5: start tokens that tell one shared decoder which language to write; text never
produces them), and MODEL with .vocab for .model beside it (piece and score
per line). Every sentence is used, in file order, unshuffled, and sentencepiece's random
generator is seeded, so the same text and options always give the same model.

  python -m toolkit.bin.train_sentencepiece --vocab-size 8000 data/train.en data/train.fr data/spm/spm.model
"""
from __future__ import annotations

import io
import os
import re

import sentencepiece as spm

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.vocab import language_token
from toolkit.text.parallel import read_lines

_log = get_logger("train_sentencepiece")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--vocab-size", type=int, default=8000, help="pieces in the model, the 4 special ones included")
    p.add_argument("--model-type", choices=["bpe", "unigram"], default="bpe", help="segmentation model")
    p.add_argument("--character-coverage", type=float, default=1.0,
                   help="fraction of the characters the model covers; rarer ones become <unk>")
    p.add_argument("--max-sentence-length", type=int, default=4192,
                   help="longer sentences (in bytes) are left out of training")
    p.add_argument("--language-tokens", default="",
                   help="comma-separated languages that get a decoder start token <2LANG> (e.g. en,fr)")
    p.add_argument("--seed", type=int, default=1, help="seed of sentencepiece's random generator")
    p.add_argument("--num-threads", type=int, default=1,
                   help="trainer threads (unigram training is only reproducible with 1)")
    p.add_argument("text", nargs="+", help="training text files, one sentence per line")
    p.add_argument("model", help="output model (.model); the .vocab is written beside it")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.model.endswith(".model"):
        raise ToolkitError(f"the output model name must end in .model: {args.model}")
    sentences = []
    for path in args.text:
        lines = read_lines(path)
        if not lines:
            raise InputError("no text", path)
        sentences.extend(lines)
    _log.info("training a %d-piece %s model on %d sentences from %s", args.vocab_size, args.model_type,
              len(sentences), ", ".join(args.text))
    languages = [lang for lang in args.language_tokens.split(",") if lang]
    if len(set(languages)) != len(languages) or not all(re.fullmatch(r"[a-z]{2,3}", lang) for lang in languages):
        raise ToolkitError(f"--language-tokens: expected distinct language codes such as en,fr, got "
                           f"'{args.language_tokens}'")
    spm.set_random_generator_seed(args.seed)
    buf = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(sentences), model_writer=buf, vocab_size=args.vocab_size,
            model_type=args.model_type, character_coverage=args.character_coverage,
            pad_id=0, unk_id=1, bos_id=2, eos_id=3, control_symbols=[language_token(lang) for lang in languages],
            input_sentence_size=0, shuffle_input_sentence=False,
            max_sentence_length=args.max_sentence_length, num_threads=args.num_threads, minloglevel=1)
    except RuntimeError as e:  # e.g. a vocabulary larger than the text allows
        raise ToolkitError(f"sentencepiece training failed: {e}") from None
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    with atomic_write(args.model, "wb") as f:
        f.write(buf.getvalue())
    with atomic_write(os.path.splitext(args.model)[0] + ".vocab") as f:
        for i in range(sp.get_piece_size()):
            f.write(f"{sp.id_to_piece(i)}\t{sp.get_score(i):g}\n")
    pieces = sum(len(sp.encode(s)) for s in sentences)
    _log.info("wrote %s: %d pieces; the training text is %.2f pieces per sentence", args.model,
              sp.get_piece_size(), pieces / len(sentences))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
