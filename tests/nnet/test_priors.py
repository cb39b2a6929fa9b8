"""Priors from alignment counts, and their division out of the network's posteriors."""
import numpy as np
import pytest
import torch

from toolkit.errors import InputError
from toolkit.features.splice import splice_frames
from toolkit.nnet.loglikes import HybridScorer
from toolkit.nnet.network import Dnn, NetworkConfig
from toolkit.nnet.targets import UNSEEN_LOG_PRIOR, log_priors, pdf_counts, read_counts, write_counts


def test_counts_round_trip_and_priors(tmp_path):
    counts = pdf_counts([np.array([0, 0, 2]), np.array([2, 2, 0, 0])], 4)
    np.testing.assert_array_equal(counts, [4, 0, 3, 0])
    write_counts(tmp_path / "c", counts)
    assert (tmp_path / "c").read_text() == "[ 4 0 3 0 ]\n"
    np.testing.assert_array_equal(read_counts(tmp_path / "c", 4), counts)
    lp = log_priors(counts)
    np.testing.assert_allclose(lp[[0, 2]], np.log([4 / 7, 3 / 7]), rtol=1e-6)
    assert lp[1] == lp[3] == UNSEEN_LOG_PRIOR


def test_bad_counts_files_name_the_file(tmp_path):
    with pytest.raises(InputError, match="cannot read the pdf counts"):
        read_counts(tmp_path / "missing", 3)
    (tmp_path / "short").write_text("[ 1 2 ]\n")
    with pytest.raises(InputError, match="2 counts but the model has 3 pdfs"):
        read_counts(tmp_path / "short", 3)
    (tmp_path / "junk").write_text("1 2 3\n")
    with pytest.raises(InputError, match="junk.*Kaldi text vector"):
        read_counts(tmp_path / "junk", 3)


def test_scorer_is_log_posterior_minus_log_prior():
    cfg = NetworkConfig(feat_dim=2, left=1, right=1, hidden_dims=[5], num_pdfs=3)
    net = Dnn(cfg, torch.Generator().manual_seed(0))
    torch.nn.init.normal_(net.output.weight, generator=torch.Generator().manual_seed(1))
    feats = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    priors = log_priors(np.array([1.0, 2.0, 5.0]))
    got = HybridScorer(net, priors)(feats)
    with torch.no_grad():
        logits = net(torch.from_numpy(splice_frames(feats, 1, 1))).numpy().astype(np.float64)
    log_post = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    np.testing.assert_allclose(got, log_post - np.log([1 / 8, 2 / 8, 5 / 8]), rtol=1e-5, atol=1e-5)
    # Dividing by priors only shifts each pdf's score by a constant: the frame-wise ranking
    # of two pdfs changes exactly when their prior ratio outweighs the posterior ratio.
    np.testing.assert_allclose(HybridScorer(net, None)(feats), log_post, rtol=1e-5, atol=1e-5)
