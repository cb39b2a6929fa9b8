"""Train the autoregressive Transformer (the teacher) on a parallel set, with SentencePiece pieces.

DATA_DIR holds <train-set>.<src-lang> / .<tgt-lang> (and the validation set, scored after every
epoch); SPM is the joint SentencePiece model (train_sentencepiece). Pairs with a side longer
than --max-length pieces are skipped and counted. Training is label-smoothed cross-entropy with
Adam and the inverse-sqrt warm-up schedule over --max-tokens batches (fairseq's transformer
recipe). OUT_DIR receives model_epoch<N>.pt per epoch, model_best.pt (lowest validation loss),
model_last.pt, checkpoint_last.pt (model + optimizer + RNG + position: running the same command
again after an interruption resumes where it was and ends as the uninterrupted run would; a
checkpoint of another model configuration or other training data is refused, not resumed) and
train_summary.json (per-epoch losses, validation perplexity, tokens per second).

  python -m toolkit.bin.mt_train --src-lang en --tgt-lang fr --max-epochs 20 data data/spm/spm.model exp/transformer
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict

import torch

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.corpus import load_parallel_set
from toolkit.mt.options import add_data_options, add_model_options, add_training_options, model_options, training_options
from toolkit.mt.training import train
from toolkit.mt.transformer import Transformer, TransformerConfig
from toolkit.mt.vocab import Vocabulary

_log = get_logger("mt_train")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    add_data_options(p)
    add_model_options(p)
    add_training_options(p)
    p.add_argument("data_dir", help="directory of the parallel sets")
    p.add_argument("spm", help="joint SentencePiece model")
    p.add_argument("out_dir", help="output directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    vocab = Vocabulary(args.spm)
    config = TransformerConfig(vocab_size=len(vocab), **model_options(args))
    options = training_options(args)
    max_len = args.max_length or config.max_positions - 1
    train_set = load_parallel_set(args.data_dir, args.train_set, args.src_lang, args.tgt_lang, vocab, max_len)
    valid_set = (load_parallel_set(args.data_dir, args.valid_set, args.src_lang, args.tgt_lang, vocab, max_len)
                 if args.valid_set else None)
    torch.manual_seed(args.seed)
    model = Transformer(config)
    _log.info("Transformer: %s; %.2f M parameters; %d threads", config, model.num_parameters() / 1e6,
              args.num_threads)
    summary = train(model, train_set, valid_set, args.out_dir, options)
    with atomic_write(os.path.join(args.out_dir, "train_summary.json")) as f:
        json.dump({"config": asdict(config), "options": {**asdict(options), "adam_betas": list(options.adam_betas)},
                   "parameters": model.num_parameters(), "threads": args.num_threads,
                   "train_pairs": len(train_set), "train_skipped_long": train_set.skipped_long, **summary}, f, indent=1)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
