"""Phone lists on the command line (Kaldi's colon-separated `.csl` files), per-frame silence
weights and the pdfs of silence phones.

Kaldi's weight-silence-post: statistics of frames aligned to silence phones are scaled by a
weight (0 drops them), as LDA, MLLT and fMLLR estimation do. Kaldi's gmm-boost-silence raises
the likelihood of the silence phones' pdfs for alignment (`silence_pdfs` finds them).
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


def silence_pdfs(trans_model: TransitionModel, silence_phones: list[int],
                 model_name: str = "the model") -> tuple[np.ndarray, np.ndarray]:
    """(pdfs, shared): sorted pdf ids emitted by `silence_phones`, and those of them that
    non-silence phones emit too (a tree that ties silence with speech). ToolkitError if a
    phone is not one of the model's."""
    is_silence = tid_weights(trans_model, silence_phones, 0.0, model_name) == 0.0  # checks the phone ids too
    pdfs = np.unique(trans_model.tid2pdf[is_silence])
    speech = trans_model.tid2pdf[1:][~is_silence[1:]]
    return pdfs, np.intersect1d(pdfs, speech)
