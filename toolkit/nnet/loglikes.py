"""A hybrid system's acoustic scores: network log-posteriors minus log-priors (Hinton et al. 2012).

p(x | s) = p(s | x) p(x) / p(s); p(x) is the same for every state of a frame, so
log p(s | x) - log p(s) is a scaled likelihood the HMM decoder can use in place of the
GMM's (Kaldi's nnet-forward --class-frame-counts).
"""
from __future__ import annotations

import numpy as np
import torch

from toolkit.errors import ToolkitError
from toolkit.features.splice import splice_frames
from toolkit.nnet.network import Dnn


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
