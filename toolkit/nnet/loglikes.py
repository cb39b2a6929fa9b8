"""A hybrid system's acoustic scores: network log-posteriors minus log-priors (Hinton et al. 2012).

p(x | s) = p(s | x) p(x) / p(s); p(x) is the same for every state of a frame, so
log p(s | x) - log p(s) is a scaled likelihood the HMM decoder can use in place of the
GMM's (Kaldi's nnet-forward --class-frame-counts).
"""
from __future__ import annotations

import os

import numpy as np
import torch

from toolkit.errors import InputError, ToolkitError
from toolkit.features.pipeline import FeatureReader
from toolkit.features.splice import splice_frames
from toolkit.gmm.model import load_model
from toolkit.hmm.transition_model import TransitionModel
from toolkit.nnet.network import Dnn, load_network
from toolkit.nnet.targets import log_priors, read_counts


class HybridScorer:
    """`scorer(feats (T, D))` -> (T, num_pdfs) float32 log-likelihoods; priors=None gives log-posteriors."""

    def __init__(self, net: Dnn, log_priors: np.ndarray | None):
        self.net = net.eval()
        cfg = net.config
        if log_priors is not None and len(log_priors) != cfg.num_pdfs:
            raise ToolkitError(f"{len(log_priors)} priors for a network with {cfg.num_pdfs} outputs")
        self.log_priors = torch.as_tensor(log_priors) if log_priors is not None else None

    @torch.no_grad()
    def __call__(self, feats: np.ndarray) -> np.ndarray:
        cfg = self.net.config
        if feats.ndim != 2 or feats.shape[1] != cfg.feat_dim:
            raise ToolkitError(f"features of shape {feats.shape}; the network reads {cfg.feat_dim} per frame")
        x = torch.from_numpy(np.ascontiguousarray(splice_frames(feats.astype(np.float32), cfg.left, cfg.right)))
        out = torch.log_softmax(self.net(x), dim=1)
        if self.log_priors is not None:
            out -= self.log_priors
        return out.numpy()

    def utterance(self, reader: FeatureReader, utt: str, data_dir: str | os.PathLike) -> np.ndarray:
        """(T, num_pdfs) for `reader[utt]`; features the network cannot read are an InputError naming
        the utterance and `data_dir`."""
        try:
            return self(reader[utt])
        except ToolkitError as e:
            raise InputError(f"utterance '{utt}': {e} (do the feature options match the network's?)",
                             data_dir) from None


def load_hybrid(nnet: str | os.PathLike, counts: str | os.PathLike,
                model: str | os.PathLike) -> tuple[TransitionModel, HybridScorer]:
    """The transition model of the GMM system `model` and the scorer of network `nnet` with the priors of
    `counts` (ali_train_pdf.counts); InputError if the network's outputs are not the model's pdfs."""
    trans_model, _, _ = load_model(model)
    net = load_network(nnet)
    if net.config.num_pdfs != trans_model.num_pdfs:
        raise InputError(f"the network has {net.config.num_pdfs} outputs but {model} has "
                         f"{trans_model.num_pdfs} pdfs", nnet)
    return trans_model, HybridScorer(net, log_priors(read_counts(counts, trans_model.num_pdfs)))
