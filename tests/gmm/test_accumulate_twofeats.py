"""Two-stream statistics (gmm-acc-stats-twofeats): posteriors from one set of features, sums of the other."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.gmm.accumulate import GmmAccumulator, accumulate_aligned, accumulate_aligned_twofeats


@pytest.fixture
def setup(gmm_helpers):
    am = gmm_helpers.make([2, 1, 3, 1], dim=3)
    rng = np.random.default_rng(7)
    x = rng.normal(0, 2, size=(300, 3)).astype(np.float32)
    y = (x @ rng.normal(0, 1, (3, 3)) + 1.0).astype(np.float32)  # another view of the same frames
    pdfs = rng.integers(0, 4, size=300)
    return am, x, y, pdfs


def test_posteriors_from_one_stream_sums_of_the_other(setup, gmm_helpers):
    am, x, y, pdfs = setup
    acc = GmmAccumulator.for_model(am, num_tids=0)
    tot = acc.accumulate(am, x, pdfs, post_feats=y)
    ll = gmm_helpers.direct_gauss(am.means, am.variances, am.weights, y)
    ll[am.pdf_of_gauss[None, :] != pdfs[:, None]] = -np.inf
    like = np.log(np.exp(ll - ll.max(1, keepdims=True)).sum(1)) + ll.max(1)
    post = np.exp(ll - like[:, None])
    xd = x.astype(np.float64)
    np.testing.assert_allclose(acc.occupancy, post.sum(0), rtol=1e-9)
    np.testing.assert_allclose(acc.mean_acc, post.T @ xd, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(acc.var_acc, post.T @ xd ** 2, rtol=1e-9, atol=1e-9)
    assert tot == pytest.approx(like.sum(), rel=1e-9) and acc.tot_like == pytest.approx(tot)
    with pytest.raises(ToolkitError, match="differ in shape"):
        acc.accumulate(am, x, pdfs, post_feats=y[:-1])


def test_aligned_twofeats_chunks(setup):
    am, x, y, _ = setup
    tid2pdf = np.array([-1, 0, 0, 1, 2, 2, 3])
    rng = np.random.default_rng(8)
    tids = rng.integers(1, 7, size=300)
    cuts = [0, 40, 170, 300]
    utts = [(x[a:b], y[a:b], tids[a:b]) for a, b in zip(cuts[:-1], cuts[1:])]
    # The same stream twice is plain accumulation; chunk boundaries do not matter.
    same = accumulate_aligned_twofeats(am, tid2pdf, [(f, f, t) for f, _, t in utts], chunk_frames=50)
    plain = accumulate_aligned(am, tid2pdf, [(f, t) for f, _, t in utts])
    for a in ("occupancy", "mean_acc", "var_acc", "tid_counts"):
        np.testing.assert_allclose(getattr(same, a), getattr(plain, a), rtol=1e-12, atol=1e-12)
    assert same.tot_like == pytest.approx(plain.tot_like, rel=1e-12)
    two = accumulate_aligned_twofeats(am, tid2pdf, utts, chunk_frames=50)
    ref = GmmAccumulator.for_model(am, num_tids=6)
    ref.accumulate(am, x, tid2pdf[tids], post_feats=y)
    np.testing.assert_allclose(two.mean_acc, ref.mean_acc, rtol=1e-10, atol=1e-10)
    assert two.num_frames == 300 and two.tid_counts.sum() == 300
    with pytest.raises(ToolkitError, match="frames for the posteriors"):
        accumulate_aligned_twofeats(am, tid2pdf, [(x[:5], y[:4], tids[:5])])
