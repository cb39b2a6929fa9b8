"""Compose two feature transforms: B, then A (Kaldi's compose-transforms).

A is (e, d) or (e, d + 1) and applies to the output of B: (d, D), or (d, D + 1) with
--b-is-affine (its last column is then an offset; without the option every column of B
multiplies an input). The result is A B, affine (e, D + 1) if either is. Inputs and output are
single-entry matrix archives (toolkit/transform/store.py: final.mat, LDA, MLLT).
train_lda_mllt composes each new MLLT matrix with the current transform:

  python -m toolkit.bin.compose_transforms exp/tri2/4.mat.new exp/tri2/4.mat exp/tri2/5.mat
"""
from toolkit import cli
from toolkit.errors import InputError
from toolkit.log import get_logger
from toolkit.transform.affine import compose_transforms
from toolkit.transform.store import load_global_transform, save_global_transform

_log = get_logger("compose_transforms")


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--b-is-affine", action="store_true",
                   help="B is affine (d, D + 1): its last column is an offset")
    p.add_argument("a", help="transform applied second (e.g. the new MLLT matrix)")
    p.add_argument("b", help="transform applied first (e.g. the current final.mat)")
    p.add_argument("output", help="output transform, A after B")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    a = load_global_transform(args.a)
    b = load_global_transform(args.b)
    d = b.shape[0]
    if a.shape[1] not in (d, d + 1):
        raise InputError(f"a transform of shape {a.shape} cannot apply to the output of {args.b}, of shape {b.shape} "
                         f"(A needs {d} or {d + 1} columns)", args.a)
    out = compose_transforms(a, b, args.b_is_affine)
    save_global_transform(args.output, out)
    _log.info("%s (%s) after %s (%s) -> %s", args.a, "x".join(map(str, a.shape)), args.b,
              "x".join(map(str, b.shape)), "x".join(map(str, out.shape)))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
