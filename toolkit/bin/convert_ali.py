"""Convert alignments from one model to another with the same topology (Kaldi's convert-ali).

Each utterance's alignment in ALI_IN (transition ids of OLD_MODEL, e.g. a monophone
system) keeps its phones, frames and HMM states; the pdfs come from NEW_MODEL's context
dependency (its tree) with each phone's left and right neighbours. Writes ALI_OUT in
NEW_MODEL's transition ids, the start of triphone training without a new alignment pass.
An alignment that does not split into phones under OLD_MODEL is an error naming the
utterance (the alignments were made with another model).

  python -m toolkit.bin.convert_ali exp/mono_ali/final.mdl exp/tri1/1.mdl exp/mono_ali/ali.1.ark exp/tri1/ali.1.ark
"""
from toolkit import cli
from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.model import load_model
from toolkit.hmm.alignment import AlignmentConverter
from toolkit.io.archive import read_int_vectors, write_int_vectors
from toolkit.log import get_logger

_log = get_logger("convert_ali")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("old_model", help="model the alignments were made with")
    p.add_argument("new_model", help="model to convert to (same topology)")
    p.add_argument("ali_in", help="archive of transition-id alignments of OLD_MODEL")
    p.add_argument("ali_out", help="output archive in NEW_MODEL's transition ids")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    old_model, _, _ = load_model(args.old_model)
    new_model, new_ctx, _ = load_model(args.new_model)
    try:
        convert = AlignmentConverter(old_model, new_model, new_ctx)
    except ToolkitError as e:
        raise InputError(f"{e} (old model {args.old_model})", args.new_model) from None
    converted = []
    for utt, ali in read_int_vectors(args.ali_in):
        try:
            converted.append((utt, convert(ali)))
        except ToolkitError as e:
            raise InputError(f"utterance '{utt}': {e} (made with {args.old_model}?)", args.ali_in) from None
    if not converted:
        raise InputError("no alignments", args.ali_in)
    write_int_vectors(args.ali_out, converted)
    _log.info("converted %d alignments from %s to %s", len(converted), args.old_model, args.new_model)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
