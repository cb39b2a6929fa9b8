"""Train the non-autoregressive Transformer with fertility (Gu et al. 2017) on a parallel set.

DATA_DIR holds <train-set>.<src-lang> / .<tgt-lang>: the original references, or the teacher's
translations of the training sources for sequence-level distillation. FERTILITIES (align_words's
fertility.txt on the same set's SentencePiece pieces) gives each source piece's fertility; the
decoder learns to translate from the source embeddings copied by those fertilities, and the
fertility predictor to predict them. With --teacher the NAT takes the teacher's shape and
starts from its encoder and embeddings. --decoder-input uniform trains the uniform-copy
baseline instead (its length still comes from the fertility predictor). Training, checkpoints,
resumption and OUT_DIR's files are mt_train's (model files in the NAT's own format).

  python -m toolkit.bin.nat_train --teacher exp/ar/model_avg.pt data/distill data/spm/spm.model \\
      exp/align_distill/fertility.txt exp/nat
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict

import torch

from toolkit import cli
from toolkit.errors import InputError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.corpus import load_parallel_set
from toolkit.mt.nat import DECODER_INPUTS, NatConfig, NonAutoregressiveTransformer, save_nat
from toolkit.mt.nat_training import attach_fertilities, fertility_batch_loss, read_fertilities
from toolkit.mt.options import add_data_options, add_model_options, add_training_options, model_options, training_options
from toolkit.mt.training import train
from toolkit.mt.transformer import load_model
from toolkit.mt.vocab import Vocabulary

_log = get_logger("nat_train")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_data_options(p, valid_set=False)
    g = p.add_argument_group("non-autoregressive model")
    d = NatConfig(vocab_size=8)
    g.add_argument("--teacher", help="autoregressive model whose shape, encoder and embeddings the NAT takes")
    g.add_argument("--decoder-input", choices=DECODER_INPUTS, default=d.decoder_input,
                   help="decoder inputs: source embeddings copied by fertility, or the uniform-copy baseline")
    g.add_argument("--max-fertility", type=int, default=d.max_fertility, help="largest fertility predicted")
    g.add_argument("--fertility-loss-weight", type=float, default=d.fertility_loss_weight,
                   help="weight of the fertility cross-entropy")
    add_model_options(p)
    add_training_options(p)
    p.add_argument("data_dir", help="directory of the parallel sets")
    p.add_argument("spm", help="joint SentencePiece model")
    p.add_argument("fertilities", help="fertility file of the training set (align_words)")
    p.add_argument("out_dir", help="output directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    vocab = Vocabulary(args.spm)
    teacher = load_model(args.teacher) if args.teacher else None
    shape = asdict(teacher.config) if teacher is not None else {"vocab_size": len(vocab), **model_options(args)}
    if shape["vocab_size"] != len(vocab):
        raise InputError(f"the teacher has {shape['vocab_size']} pieces, {args.spm} has {len(vocab)}", args.teacher)
    shape["dropout"] = args.dropout
    config = NatConfig(**shape, max_fertility=args.max_fertility, decoder_input=args.decoder_input,
                       fertility_loss_weight=args.fertility_loss_weight)
    options = training_options(args)
    max_len = args.max_length or config.max_positions - 1
    data = load_parallel_set(args.data_dir, args.train_set, args.src_lang, args.tgt_lang, vocab, max_len)
    data = attach_fertilities(data, read_fertilities(args.fertilities), args.fertilities)
    torch.manual_seed(args.seed)
    model = NonAutoregressiveTransformer(config)
    if teacher is not None:
        model.init_from_teacher(teacher)
    _log.info("NAT: %s; %.2f M parameters; %s; %d threads", config, model.num_parameters() / 1e6,
              f"encoder from {args.teacher}" if teacher is not None else "random initialisation", args.num_threads)
    summary = train(model, data, None, args.out_dir, options, fertility_batch_loss, save_nat)
    with atomic_write(os.path.join(args.out_dir, "train_summary.json")) as f:
        json.dump({"config": asdict(config), "options": {**asdict(options), "adam_betas": list(options.adam_betas)},
                   "teacher": args.teacher, "parameters": model.num_parameters(), "threads": args.num_threads,
                   "train_pairs": len(data), "train_skipped_long": data.skipped_long, **summary}, f, indent=1)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
