"""Train the unsupervised translator of Lample et al. (2017) for one iteration (toolkit/mt/umt.py).

The model is one Transformer for every language of --languages (their start tokens must be in
SPM: train_sentencepiece --language-tokens) plus a language discriminator. Its training
examples, batched together:
- auto-encoding: every sentence of each --mono LANG=FILE rebuilt from its noisy version
  (--drop-prob, --shuffle-k), weighted by --auto-weight;
- back-translation: each --bt SRC-TGT=SRC_FILE,TGT_FILE pair set (line n of SRC_FILE is the
  previous model's SRC-language translation of line n of TGT_FILE, a TGT sentence) rebuilt
  TGT from SRC (noised too unless --no-noise-translations), weighted by --cd-weight;
- the adversarial term on the encoder outputs, weighted by --adv-weight (0: none).
With --auto-weight 0 --adv-weight 0 and real translations as --bt, this is supervised
training of the same model in both directions (the recipe's comparison).
--init MODEL starts from the previous iteration's Transformer and takes its shape; the
discriminator starts afresh. --valid LANG=FILE gives held-out monolingual text whose clean
reconstruction is the validation loss. Training, checkpoints, resumption and OUT_DIR's files
are mt_train's; the model files are plain Transformers (mt_translate --target-lang LANG
decodes them). train_summary.json adds the discriminator's accuracy on the validation text.

  python -m toolkit.bin.umt_train --languages en,fr --mono en=data/mono.en --mono fr=data/mono.fr \\
      --bt fr-en=exp/bt1/mono.en.fr,data/mono.en --bt en-fr=exp/bt1/mono.fr.en,data/mono.fr \\
      --valid en=data/valid.en --valid fr=data/valid.fr data/spm/spm.model exp/umt_iter1
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict

import torch

from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.noise import word_starts
from toolkit.mt.options import (
    add_model_options,
    add_training_options,
    model_options,
    training_options,
)
from toolkit.mt.training import train
from toolkit.mt.transformer import load_model, save_model
from toolkit.mt.umt import (
    UmtConfig,
    UmtLoss,
    UnsupervisedTranslator,
    discriminator_accuracy,
    umt_set,
)
from toolkit.mt.vocab import UnknownCounts, Vocabulary
from toolkit.text.parallel import read_lines, read_parallel_text

_log = get_logger("umt_train")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    g = p.add_argument_group("data")
    g.add_argument("--languages", default="en,fr", help="comma-separated languages, in the discriminator's order")
    g.add_argument("--mono", action="append", default=[], metavar="LANG=FILE", help="auto-encoding text")
    g.add_argument("--bt", action="append", default=[], metavar="SRC-TGT=SRC_FILE,TGT_FILE",
                   help="back-translated pairs: translations in SRC of the TGT sentences")
    g.add_argument("--valid", action="append", default=[], metavar="LANG=FILE", help="held-out monolingual text")
    g.add_argument("--max-length", type=int, default=0,
                   help="skip sentences (pairs) longer than this many pieces (0: the model's positions - 1)")
    g = p.add_argument_group("unsupervised training")
    d = UmtConfig(vocab_size=8)
    loss = UmtLoss([], torch.zeros(0))
    g.add_argument("--init", help="Transformer to start from (the previous iteration's); gives the shape")
    g.add_argument("--auto-weight", type=float, default=loss.auto_weight, help="weight of auto-encoding")
    g.add_argument("--cd-weight", type=float, default=loss.cd_weight, help="weight of back-translation")
    g.add_argument("--adv-weight", type=float, default=loss.adv_weight, help="weight of the adversarial term")
    g.add_argument("--drop-prob", type=float, default=loss.drop_prob, help="word drop probability of the noise")
    g.add_argument("--shuffle-k", type=int, default=loss.shuffle_k, help="largest move of a word in the noise")
    g.add_argument("--no-noise-translations", action="store_true", help="feed back-translations without noise")
    g.add_argument("--discriminator-hidden", type=int, default=d.discriminator_hidden, help="hidden units")
    g.add_argument("--discriminator-layers", type=int, default=d.discriminator_layers, help="hidden layers")
    add_model_options(p)
    add_training_options(p)
    p.add_argument("spm", help="joint SentencePiece model with the languages' start tokens")
    p.add_argument("out_dir", help="output directory")
    return p


def _lang_files(values: list[str], option: str, languages: list[str]) -> list[tuple[int, str]]:
    out = []
    for v in values:
        lang, sep, path = v.partition("=")
        if not sep or lang not in languages or not path:
            raise ToolkitError(f"{option} {v}: expected LANG=FILE with LANG one of {','.join(languages)}")
        out.append((languages.index(lang), path))
    return out


def _encode_mono(vocab: Vocabulary, path: str, max_len: int) -> list[list[int]]:
    unknown = UnknownCounts()
    seqs = [vocab.encode(line, unknown) for line in read_lines(path)]
    kept = [s for s in seqs if 0 < len(s) <= max_len]
    _log.info("%s: %d sentences (%d longer than %d pieces skipped)", path, len(kept), len(seqs) - len(kept), max_len)
    if unknown.tokens:
        _log.warning("%s: %s", path, unknown.summary())
    if not kept:
        raise InputError(f"no sentence of at most {max_len} pieces", path)
    return kept


def _encode_bt(vocab: Vocabulary, value: str, languages: list[str], max_len: int):
    pair, sep, files = value.partition("=")
    src_lang, dash, tgt_lang = pair.partition("-")
    src_path, comma, tgt_path = files.partition(",")
    if not (sep and dash and comma) or src_lang not in languages or tgt_lang not in languages or src_lang == tgt_lang:
        raise ToolkitError(f"--bt {value}: expected SRC-TGT=SRC_FILE,TGT_FILE with two languages of "
                           f"{','.join(languages)}")
    src_lines, tgt_lines = read_parallel_text(src_path, tgt_path)
    src, tgt = [], []
    for s, t in zip(src_lines, tgt_lines):
        si, ti = vocab.encode(s), vocab.encode(t)
        if 0 < len(si) <= max_len and 0 < len(ti) <= max_len:
            src.append(si)
            tgt.append(ti)
    _log.info("%s -> %s: %d back-translated pairs (%d skipped)", src_path, tgt_path, len(src),
              len(src_lines) - len(src))
    return languages.index(src_lang), languages.index(tgt_lang), src, tgt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    languages = [lang for lang in args.languages.split(",") if lang]
    if len(languages) < 2 or len(set(languages)) != len(languages):
        raise ToolkitError(f"--languages: at least two distinct languages, got '{args.languages}'")
    vocab = Vocabulary(args.spm)
    language_ids = [vocab.language_id(lang) for lang in languages]
    init = load_model(args.init) if args.init else None
    shape = asdict(init.config) if init is not None else {"vocab_size": len(vocab), **model_options(args)}
    if shape["vocab_size"] != len(vocab):
        raise InputError(f"the model has {shape['vocab_size']} pieces, {args.spm} has {len(vocab)}", args.init)
    shape["dropout"] = args.dropout
    config = UmtConfig(**shape, languages=len(languages), discriminator_hidden=args.discriminator_hidden,
                       discriminator_layers=args.discriminator_layers)
    max_len = args.max_length or config.max_positions - 1

    mono = _lang_files(args.mono, "--mono", languages)
    if args.auto_weight > 0 and {lang for lang, _ in mono} != set(range(len(languages))):
        raise ToolkitError(f"--mono: give auto-encoding text for every language of {','.join(languages)} "
                           f"(or --auto-weight 0)")
    parts = []
    for lang, path in mono:
        seqs = _encode_mono(vocab, path, max_len)
        parts.append((lang, lang, seqs, seqs))
    parts += [_encode_bt(vocab, v, languages, max_len) for v in args.bt]
    if not parts:
        raise ToolkitError("no training text: give --mono and/or --bt")
    data = umt_set(parts)
    valid = None
    if args.valid:
        valid = umt_set([(lang, lang, s, s) for lang, path in _lang_files(args.valid, "--valid", languages)
                         for s in [_encode_mono(vocab, path, max_len)]])

    torch.manual_seed(args.seed)
    model = UnsupervisedTranslator(config)
    if init is not None:
        model.transformer.load_state_dict(init.state_dict())
    loss = UmtLoss(language_ids, word_starts(vocab.all_pieces()), args.auto_weight, args.cd_weight, args.adv_weight,
                   args.drop_prob, args.shuffle_k, not args.no_noise_translations)
    _log.info("UMT: %s; %.2f M parameters; %s; %d examples (%d auto-encoding); %d threads", config,
              model.num_parameters() / 1e6, f"from {args.init}" if init is not None else "random initialisation",
              len(data), sum(data.denoising), args.num_threads)
    summary = train(model, data, valid, args.out_dir, training_options(args), loss,
                    lambda path, m, info: save_model(path, m.transformer, info))
    if valid is not None:
        summary["discriminator_accuracy"] = discriminator_accuracy(model, valid)
        _log.info("discriminator accuracy on the validation text: %.3f", summary["discriminator_accuracy"])
    with atomic_write(os.path.join(args.out_dir, "train_summary.json")) as f:
        json.dump({"config": asdict(config), "options": vars(args), **summary}, f, indent=1)
        f.write("\n")
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
