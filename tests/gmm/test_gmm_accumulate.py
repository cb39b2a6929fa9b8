"""GmmAccumulator: statistics against a direct computation, additivity over data splits, the file format."""
import numpy as np
import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.gmm.accumulate import GmmAccumulator, accumulate_aligned, sum_accumulators


@pytest.fixture
def setup(gmm_helpers):
    am = gmm_helpers.make([2, 1, 3, 1], dim=3)
    rng = np.random.default_rng(5)
    x = rng.normal(0, 2, size=(400, 3)).astype(np.float32)
    pdfs = rng.integers(0, 4, size=400)
    return am, x, pdfs


def test_stats_match_direct_posteriors(setup, gmm_helpers):
    am, x, pdfs = setup
    acc = GmmAccumulator.for_model(am, num_tids=0)
    tot = acc.accumulate(am, x, pdfs)
    # Reference: posteriors of the frame's pdf's Gaussians from the direct formula.
    ll = gmm_helpers.direct_gauss(am.means, am.variances, am.weights, x)
    ll[am.pdf_of_gauss[None, :] != pdfs[:, None]] = -np.inf
    like = np.log(np.exp(ll - ll.max(1, keepdims=True)).sum(1)) + ll.max(1)
    post = np.exp(ll - like[:, None])
    xd = x.astype(np.float64)
    np.testing.assert_allclose(acc.occupancy, post.sum(0), rtol=1e-9)
    np.testing.assert_allclose(acc.mean_acc, post.T @ xd, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(acc.var_acc, post.T @ xd ** 2, rtol=1e-9, atol=1e-9)
    assert tot == pytest.approx(like.sum(), rel=1e-9)
    assert acc.tot_like == pytest.approx(tot) and acc.num_frames == 400
    np.testing.assert_allclose(acc.pdf_occupancy(4), np.bincount(pdfs, minlength=4))


def test_halves_sum_to_the_whole(setup, tmp_path):
    am, x, pdfs = setup
    whole = GmmAccumulator.for_model(am, num_tids=7)
    whole.accumulate(am, x, pdfs)
    tids = np.random.default_rng(0).integers(1, 8, size=400)
    whole.add_transitions(tids)
    for i, part in enumerate((slice(0, 150), slice(150, 400))):
        acc = GmmAccumulator.for_model(am, num_tids=7)
        acc.accumulate(am, x[part], pdfs[part])
        acc.add_transitions(tids[part])
        acc.save(tmp_path / f"{i}.acc")
    total = sum_accumulators([tmp_path / "0.acc", tmp_path / "1.acc"])
    np.testing.assert_allclose(total.occupancy, whole.occupancy, rtol=1e-12)
    np.testing.assert_allclose(total.mean_acc, whole.mean_acc, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(total.var_acc, whole.var_acc, rtol=1e-12, atol=1e-12)
    assert total.tot_like == pytest.approx(whole.tot_like, rel=1e-12)
    assert total.num_frames == 400
    assert total.tid_counts.tolist() == whole.tid_counts.tolist() == np.bincount(tids, minlength=8).tolist()


def test_transition_counts():
    acc = GmmAccumulator(np.array([0, 1]), dim=2, num_tids=5)
    acc.add_transitions(np.array([1, 1, 5, 3]))
    acc.add_transitions(np.array([5]))
    assert acc.tid_counts.tolist() == [0, 2, 0, 1, 0, 2]
    with pytest.raises(ToolkitError, match=r"\[1, 5\]"):
        acc.add_transitions(np.array([0, 2]))
    with pytest.raises(ToolkitError, match=r"\[1, 5\]"):
        acc.add_transitions(np.array([6]))


def test_accumulate_aligned_is_chunk_invariant(setup):
    am, x, _ = setup
    tid2pdf = np.array([-1, 0, 0, 1, 2, 2, 3])
    rng = np.random.default_rng(3)
    utts = [(x[i:i + 40], rng.integers(1, 7, size=40)) for i in range(0, 400, 40)]
    one = accumulate_aligned(am, tid2pdf, utts, chunk_frames=1)
    big = accumulate_aligned(am, tid2pdf, utts, chunk_frames=10**6)
    np.testing.assert_allclose(one.var_acc, big.var_acc, rtol=1e-12)
    tids = np.concatenate([t for _, t in utts])
    assert one.tid_counts.tolist() == np.bincount(tids, minlength=7).tolist()
    np.testing.assert_allclose(one.pdf_occupancy(4), np.bincount(tid2pdf[tids], minlength=4))
    with pytest.raises(ToolkitError, match="40 frames but 3"):
        accumulate_aligned(am, tid2pdf, [(x[:40], np.ones(3, int))])


def test_round_trip_and_bad_files(setup, tmp_path):
    am, x, pdfs = setup
    acc = GmmAccumulator.for_model(am, num_tids=3)
    acc.accumulate(am, x, pdfs)
    acc.add_transitions(np.array([1, 2, 3, 3]))
    path = tmp_path / "a.acc"
    acc.save(path)
    back = GmmAccumulator.load(path)
    for name in ("occupancy", "mean_acc", "var_acc", "tid_counts", "pdf_of_gauss"):
        np.testing.assert_array_equal(getattr(back, name), getattr(acc, name))
    assert (back.tot_like, back.num_frames) == (acc.tot_like, acc.num_frames)

    truncated = tmp_path / "truncated.acc"
    truncated.write_bytes(path.read_bytes()[:300])
    text = tmp_path / "text.acc"
    text.write_text("not statistics\n")
    for bad in (truncated, text, tmp_path / "missing.acc"):
        with pytest.raises(InputError, match=str(bad)):
            GmmAccumulator.load(bad)


def test_statistics_of_other_models_are_refused(setup, gmm_helpers, tmp_path):
    am, x, pdfs = setup
    other = gmm_helpers.make([1, 1, 3, 2], dim=3)
    acc = GmmAccumulator.for_model(am, num_tids=0)
    with pytest.raises(ToolkitError, match="do not belong"):
        acc.accumulate(other, x, pdfs)
    acc.save(tmp_path / "a.acc")
    GmmAccumulator.for_model(other, num_tids=0).save(tmp_path / "b.acc")
    with pytest.raises(InputError, match="b.acc: cannot add"):
        sum_accumulators([tmp_path / "a.acc", tmp_path / "b.acc"])
    with pytest.raises(ToolkitError, match=r"\[0, 4\)"):
        acc.accumulate(am, x[:2], np.array([0, 4]))
