"""Command-line options shared by the translation training steps (mt_train, nat_train): the
Transformer's shape and the optimisation settings, with the library's defaults."""
from __future__ import annotations

import argparse
from dataclasses import fields

from toolkit.mt.training import TrainOptions
from toolkit.mt.transformer import TransformerConfig
from toolkit.parallel.pool import available_cpus


def add_data_options(p: argparse.ArgumentParser, valid_set: bool = True) -> None:
    """Options naming the parallel sets (group "data"); --valid-set only where the step validates."""
    g = p.add_argument_group("data")
    g.add_argument("--src-lang", default="en", help="source language suffix")
    g.add_argument("--tgt-lang", default="fr", help="target language suffix")
    g.add_argument("--train-set", default="train", help="name of the training set in DATA_DIR")
    if valid_set:
        g.add_argument("--valid-set", default="dev", help="name of the validation set in DATA_DIR ('' for none)")
    g.add_argument("--max-length", type=int, default=0,
                   help="skip pairs with a side longer than this many pieces (0: the model's positions - 1)")


def add_model_options(p: argparse.ArgumentParser) -> None:
    """Options of the model's shape (group "model"), defaults from TransformerConfig."""
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


def model_options(args: argparse.Namespace) -> dict:
    """TransformerConfig keyword arguments (all but vocab_size) from `add_model_options`'s options."""
    return dict(d_model=args.d_model, heads=args.heads, ffn_dim=args.ffn_dim, encoder_layers=args.encoder_layers,
                decoder_layers=args.decoder_layers, dropout=args.dropout, attention_dropout=args.attention_dropout,
                activation_dropout=args.activation_dropout, pre_norm=not args.post_norm,
                share_embeddings=not args.no_share_embeddings, tie_output=not args.no_tie_output,
                max_positions=args.max_positions)


def add_training_options(p: argparse.ArgumentParser) -> None:
    """Optimisation options (group "training"), defaults from TrainOptions, and --num-threads."""
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
    g.add_argument("--max-minutes", type=float, default=t.max_minutes,
                   help="stop after this many minutes of training in this run, at an update's end (0: no limit)")
    g.add_argument("--save-every-updates", type=int, default=t.save_every_updates,
                   help="also write checkpoint_last.pt every N updates (0: at epoch ends only)")
    g.add_argument("--log-every-updates", type=int, default=t.log_every_updates, help="progress line every N updates")
    g.add_argument("--bf16", action="store_true",
                   help="forward passes under bfloat16 autocast: ~1.7x faster on CPUs with AMX (attention and the "
                        "loss stay float32); slower on CPUs without bfloat16 units")
    g.add_argument("--device", default=t.device, help="where the model trains: cpu, cuda or cuda:N (the model files "
                   "are the same either way)")
    g.add_argument("--seed", type=int, default=t.seed, help="seed of initialisation, batches and dropout")
    g.add_argument("--num-threads", type=int, default=available_cpus(), help="torch threads")


def training_options(args: argparse.Namespace) -> TrainOptions:
    """The TrainOptions of `add_training_options`'s options."""
    return TrainOptions(**{f.name: getattr(args, f.name) for f in fields(TrainOptions)})
