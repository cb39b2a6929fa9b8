"""Train the autoregressive Transformer (the teacher) on a parallel set, with SentencePiece pieces.

DATA_DIR holds <train-set>.<src-lang> / .<tgt-lang> (and the validation set, scored after every
epoch); SPM is the joint SentencePiece model (train_sentencepiece). Pairs with a side longer
than --max-length pieces are skipped and counted. Training is label-smoothed cross-entropy with
Adam and the inverse-sqrt warm-up schedule over --max-tokens batches (fairseq's transformer
recipe). OUT_DIR receives model_epoch<N>.pt per epoch, model_best.pt (lowest validation loss),
model_last.pt, checkpoint_last.pt (model + optimizer + RNG + position: running the same command
again after an interruption resumes where it was and ends as the uninterrupted run would) and
train_summary.json (per-epoch losses, validation perplexity, tokens per second).

  python -m toolkit.bin.mt_train --src-lang en --tgt-lang fr --max-epochs 20 data data/spm/spm.model exp/transformer
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, fields

import torch

from toolkit import cli
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.corpus import load_parallel_set
from toolkit.mt.training import TrainOptions, train
from toolkit.mt.transformer import Transformer, TransformerConfig
from toolkit.mt.vocab import Vocabulary
from toolkit.parallel.pool import available_cpus

_log = get_logger("mt_train")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    g = p.add_argument_group("data")
    g.add_argument("--src-lang", default="en", help="source language suffix")
    g.add_argument("--tgt-lang", default="fr", help="target language suffix")
    g.add_argument("--train-set", default="train", help="name of the training set in DATA_DIR")
    g.add_argument("--valid-set", default="dev", help="name of the validation set in DATA_DIR ('' for none)")
    g.add_argument("--max-length", type=int, default=0,
                   help="skip pairs with a side longer than this many pieces (0: the model's positions - 1)")
    d = TransformerConfig(vocab_size=8)
    g = p.add_argument_group("model")
    g.add_argument("--d-model", type=int, default=d.d_model, help="model (embedding) dimension")
    g.add_argument("--heads", type=int, default=d.heads, help="attention heads")
    g.add_argument("--ffn-dim", type=int, default=d.ffn_dim, help="feed-forward inner dimension")
    g.add_argument("--encoder-layers", type=int, default=d.encoder_layers, help="encoder layers")
    g.add_argument("--decoder-layers", type=int, default=d.decoder_layers, help="decoder layers")
    g.add_argument("--dropout", type=float, default=d.dropout, help="dropout on embeddings and residual branches")
    g.add_argument("--attention-dropout", type=float, default=d.attention_dropout, help="dropout on attention weights")
    g.add_argument("--activation-dropout", type=float, default=d.activation_dropout,
                   help="dropout inside the feed-forward block")
    g.add_argument("--post-norm", action="store_true", help="post-norm layers (the original Transformer)")
    g.add_argument("--no-share-embeddings", action="store_true", help="separate source and target tables")
    g.add_argument("--no-tie-output", action="store_true", help="an output projection of its own")
    g.add_argument("--max-positions", type=int, default=d.max_positions, help="longest sequence, bos/eos included")
    t = TrainOptions()
    g = p.add_argument_group("training")
    g.add_argument("--max-tokens", type=int, default=t.max_tokens, help="padded tokens per batch")
    g.add_argument("--lr", type=float, default=t.lr, help="peak learning rate (reached after the warm-up)")
    g.add_argument("--warmup-updates", type=int, default=t.warmup_updates, help="updates of linear warm-up")
    g.add_argument("--warmup-init-lr", type=float, default=t.warmup_init_lr, help="learning rate of update 0")
    g.add_argument("--adam-betas", type=float, nargs=2, default=list(t.adam_betas), help="Adam's beta1 beta2")
    g.add_argument("--adam-eps", type=float, default=t.adam_eps, help="Adam's epsilon")
    g.add_argument("--weight-decay", type=float, default=t.weight_decay, help="L2 weight decay")
    g.add_argument("--clip-norm", type=float, default=t.clip_norm, help="clip the gradient norm (0: never)")
    g.add_argument("--label-smoothing", type=float, default=t.label_smoothing, help="label smoothing epsilon")
    g.add_argument("--max-epochs", type=int, default=t.max_epochs, help="stop after this many epochs")
    g.add_argument("--max-updates", type=int, default=t.max_updates, help="stop after this many updates (0: no limit)")
    g.add_argument("--save-every-updates", type=int, default=t.save_every_updates,
                   help="also write checkpoint_last.pt every N updates (0: at epoch ends only)")
    g.add_argument("--log-every-updates", type=int, default=t.log_every_updates, help="progress line every N updates")
    g.add_argument("--bf16", action="store_true",
                   help="forward passes under bfloat16 autocast: ~1.7x faster on CPUs with AMX (attention and the "
                        "loss stay float32); slower on CPUs without bfloat16 units")
    g.add_argument("--seed", type=int, default=t.seed, help="seed of initialisation, batches and dropout")
    g.add_argument("--num-threads", type=int, default=available_cpus(), help="torch threads")
    p.add_argument("data_dir", help="directory of the parallel sets")
    p.add_argument("spm", help="joint SentencePiece model")
    p.add_argument("out_dir", help="output directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.num_threads)
    vocab = Vocabulary(args.spm)
    config = TransformerConfig(
        vocab_size=len(vocab), d_model=args.d_model, heads=args.heads, ffn_dim=args.ffn_dim,
        encoder_layers=args.encoder_layers, decoder_layers=args.decoder_layers, dropout=args.dropout,
        attention_dropout=args.attention_dropout, activation_dropout=args.activation_dropout,
        pre_norm=not args.post_norm, share_embeddings=not args.no_share_embeddings,
        tie_output=not args.no_tie_output, max_positions=args.max_positions)
    options = TrainOptions(**{f.name: getattr(args, f.name) for f in fields(TrainOptions)})
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
