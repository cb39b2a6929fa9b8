"""Phone lists on the command line (Kaldi's colon-separated `.csl` files) and per-frame silence weights.

Kaldi's weight-silence-post: statistics of frames aligned to silence phones are scaled by a
weight (0 drops them), as LDA, MLLT and fMLLR estimation do.
"""
from __future__ import annotations

import numpy as np

from toolkit.errors import ToolkitError
from toolkit.hmm.transition_model import TransitionModel


def parse_phone_list(csl: str, option: str) -> list[int]:
    """'1:2:3' -> [1, 2, 3] ('' -> []); ToolkitError naming `option` if an entry is not an integer."""
    try:
        return [int(p) for p in csl.split(":") if p]
    except ValueError:
        raise ToolkitError(f"{option}: expected integers separated by ':', got '{csl}'") from None


def tid_weights(trans_model: TransitionModel, silence_phones: list[int], silence_weight: float,
                model_name: str = "the model") -> np.ndarray:
    """(num_tids + 1,) float64: `silence_weight` for transition ids of `silence_phones`, 1 for the rest.

    Index with an alignment (transition ids) to get per-frame weights. ToolkitError if a
    phone is not one of the model's.
    """
    phone_weight = np.ones(int(trans_model.tid2phone.max()) + 1)
    for phone in silence_phones:
        if not 0 < phone < len(phone_weight):
            raise ToolkitError(f"--silence-phones: phone {phone} is not a phone of {model_name}")
        phone_weight[phone] = silence_weight
    return phone_weight[trans_model.tid2phone]
