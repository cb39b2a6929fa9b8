"""Average the parameters of several Transformer models (checkpoint averaging, as fairseq's average_checkpoints).

Either name the models (MODEL... OUT), or give --last N and a training directory (DIR OUT) to
average its N highest-numbered model_epoch<N>.pt. All must share one configuration.

  python -m toolkit.bin.mt_average_checkpoints --last 5 exp/transformer exp/transformer/model_avg5.pt
"""
from __future__ import annotations

from toolkit import cli
from toolkit.errors import ToolkitError
from toolkit.log import get_logger
from toolkit.mt.average import MODEL_TYPES, average_models, last_epoch_models
from toolkit.mt.nat import save_nat
from toolkit.mt.transformer import save_model

_log = get_logger("mt_average_checkpoints")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--last", type=int, default=0, help="average the last N epoch models of the one directory given")
    p.add_argument("--model-type", choices=sorted(MODEL_TYPES), default="transformer",
                   help="what the models are: the autoregressive Transformer or the NAT")
    p.add_argument("inputs", nargs="+", help="models to average, or (with --last) the training directory")
    p.add_argument("output", help="averaged model")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.last:
        if len(args.inputs) != 1:
            raise ToolkitError("--last takes one training directory")
        paths = last_epoch_models(args.inputs[0], args.last)
    else:
        paths = args.inputs
    model = average_models(paths, args.model_type)
    save = save_nat if args.model_type == "nat" else save_model
    save(args.output, model, {"averaged": [str(p) for p in paths]})
    _log.info("averaged %d models into %s: %s", len(paths), args.output, " ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
