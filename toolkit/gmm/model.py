"""The GMM-HMM acoustic model file (`0.mdl`, `final.mdl`): transition model, context dependency, GMMs.

Kaldi keeps the tree in its own file; here one file holds everything needed to align or
decode. The file is one uncompressed numpy `.npz` archive (no pickled objects), written
atomically, with these arrays:

  format               "toolkit-gmm-hmm-model"
  version              1
  trans.<name>         TransitionModel.to_arrays(): trans.topology (the topology's text),
                       trans.tuples (num_tstates, 4) int32, trans.log_probs (num_tids + 1,)
  ctx.<name>           ContextDependency.to_arrays(): ctx.kind ("monophone", ...) and its arrays
  am.<name>            AmDiagGmm.to_arrays(): am.means (G, D) float64, am.inv_vars (G, D),
                       am.log_weights (G,), am.pdf_of_gauss (G,) int64 (grouped by pdf,
                       in pdf order), am.num_pdfs ()

The three parts must agree on the number of pdfs. Read it with `np.load(path)` to inspect it.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.diag_gmm import AmDiagGmm
from toolkit.hmm.context import ContextDependency
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.npz import load_npz, save_npz

FORMAT = "toolkit-gmm-hmm-model"
VERSION = 1
_PARTS = ("trans", "ctx", "am")


def _check_parts(trans_model: TransitionModel, ctx: ContextDependency, am: AmDiagGmm) -> None:
    if not (trans_model.num_pdfs <= ctx.num_pdfs == am.num_pdfs):
        raise ToolkitError(f"model parts disagree on the number of pdfs: transition model uses {trans_model.num_pdfs}, "
                           f"context dependency has {ctx.num_pdfs}, GMMs have {am.num_pdfs}")


def save_model(path: str | os.PathLike, trans_model: TransitionModel, ctx: ContextDependency, am: AmDiagGmm) -> None:
    """Write the model to `path` atomically; ToolkitError if the parts do not belong together."""
    _check_parts(trans_model, ctx, am)
    arrays = {}
    for part, obj in zip(_PARTS, (trans_model, ctx, am)):
        arrays.update({f"{part}.{name}": value for name, value in obj.to_arrays().items()})
    save_npz(path, FORMAT, arrays, VERSION)


def load_model(path: str | os.PathLike) -> tuple[TransitionModel, ContextDependency, AmDiagGmm]:
    """(trans_model, ctx, am) from a file `save_model` wrote; InputError naming the file otherwise."""
    name = os.fspath(path)
    arrays = load_npz(name, FORMAT, "GMM-HMM model", VERSION)
    parts: dict[str, Mapping[str, np.ndarray]] = {part: {} for part in _PARTS}
    for key, value in arrays.items():
        part, _, field = key.partition(".")
        if part in parts:
            parts[part][field] = value
    try:
        trans_model = TransitionModel.from_arrays(parts["trans"])
        ctx = ContextDependency.from_arrays(parts["ctx"])
        am = AmDiagGmm.from_arrays(parts["am"])
        _check_parts(trans_model, ctx, am)
    except (ToolkitError, KeyError, ValueError, TypeError) as e:
        what = f"missing array {e}" if isinstance(e, KeyError) else str(e)
        raise InputError(f"corrupted model file: {what}", name) from None
    return trans_model, ctx, am
