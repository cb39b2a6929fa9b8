"""RBM training by CD-1 and DBN pre-training (toolkit.nnet.rbm)."""
import copy

import numpy as np
import pytest
import torch

from toolkit.errors import ToolkitError
from toolkit.nnet.rbm import Rbm, pretrain_dbn, rbm_linear_init, train_rbm


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _prototype_bits(num: int = 4096, dim: int = 64, flip: float = 0.05) -> torch.Tensor:
    """Binary vectors: one of 4 random prototypes, each bit flipped with probability `flip`."""
    g = _gen(1)
    protos = (torch.rand(4, dim, generator=g) < 0.5).float()
    which = torch.randint(0, 4, (num,), generator=g)
    noise = (torch.rand(num, dim, generator=g) < flip).float()
    return (protos[which] - noise).abs()


def _low_rank_gaussian(num: int = 4096, dim: int = 20, rank: int = 3) -> torch.Tensor:
    """Mean/variance-normalised samples of a rank-3 Gaussian plus a little isotropic noise."""
    g = _gen(2)
    x = torch.randn(num, rank, generator=g) @ torch.randn(rank, dim, generator=g)
    x += 0.1 * torch.randn(num, dim, generator=g)
    return (x - x.mean(0)) / x.std(0)


def _initial_error(rbm: Rbm, batches: list[torch.Tensor]) -> float:
    """Mean reconstruction error per frame of the untrained model (a copy takes zero-size steps)."""
    probe = copy.deepcopy(rbm)
    probe.generator = _gen(99)
    return float(np.mean([probe.cd1_step(b, learning_rate=0.0, momentum=0.0, l2=0.0) for b in batches]))


@pytest.mark.parametrize("visible_type, data, learning_rate, floor", [
    # 5% flipped bits: the best reconstruction from the prototype costs about 64 * 0.05 * 0.95 = 3.0.
    ("bernoulli", _prototype_bits(), 0.4, 3.0),
    ("gaussian", _low_rank_gaussian(), 0.01, None),
])
def test_reconstruction_error_falls(visible_type, data, learning_rate, floor):
    batches = list(data.split(64))
    rbm = Rbm(data.shape[1], 32 if visible_type == "bernoulli" else 64, visible_type, generator=_gen(0))
    before = _initial_error(rbm, batches[:8])
    errors = train_rbm(rbm, lambda: batches, epochs=3, learning_rate=learning_rate,
                       momentum_ramp_frames=len(data), log_every=0)
    assert len(errors) == 3
    assert errors[-1] < 0.3 * before, (before, errors)
    assert errors[-1] <= errors[0]
    if floor is not None:
        assert errors[-1] < 1.2 * floor


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@pytest.mark.parametrize("visible_type", ["gaussian", "bernoulli"])
def test_cd1_step_matches_reference(visible_type):
    """Two CD-1 steps (so momentum acts) against float64 numpy, with the same sampled hidden states."""
    V, H, B = 7, 5, 11
    rbm = Rbm(V, H, visible_type, generator=_gen(3), init_std=0.5)
    with torch.no_grad():
        rbm.visible_bias.normal_(0, 0.3, generator=_gen(4))
        rbm.hidden_bias.normal_(0, 0.3, generator=_gen(5))
    g = _gen(6)
    batches = [torch.randn(B, V, generator=g) if visible_type == "gaussian" else torch.rand(B, V, generator=g)
               for _ in range(2)]
    lr, mom, l2 = 0.1, 0.7, 0.05

    W, vb, hb = (p.double().numpy().copy() for p in (rbm.weight, rbm.visible_bias, rbm.hidden_bias))
    dW, dvb, dhb = np.zeros_like(W), np.zeros_like(vb), np.zeros_like(hb)
    for v_t in batches:
        sampler = torch.Generator()
        sampler.set_state(rbm.generator.get_state())
        uniform = torch.rand(B, H, generator=sampler).double().numpy()
        h_sample = (uniform < rbm.hidden_probs(v_t).double().numpy()).astype(np.float64)
        error = rbm.cd1_step(v_t, learning_rate=lr, momentum=mom, l2=l2)

        v = v_t.double().numpy()
        pos_hid = _sigmoid(v @ W.T + hb)
        neg_vis = h_sample @ W + vb
        if visible_type == "bernoulli":
            neg_vis = _sigmoid(neg_vis)
        neg_hid = _sigmoid(neg_vis @ W.T + hb)
        ref_error = ((neg_vis - v) ** 2).sum() / B
        dW = mom * dW + lr * ((pos_hid.T @ v - neg_hid.T @ neg_vis) / B - l2 * W)
        dvb = mom * dvb + lr * (v - neg_vis).sum(0) / B
        dhb = mom * dhb + lr * (pos_hid - neg_hid).sum(0) / B
        W, vb, hb = W + dW, vb + dvb, hb + dhb

        assert error == pytest.approx(ref_error, rel=1e-5)
        np.testing.assert_allclose(rbm.weight.numpy(), W, atol=1e-5)
        np.testing.assert_allclose(rbm.visible_bias.numpy(), vb, atol=1e-5)
        np.testing.assert_allclose(rbm.hidden_bias.numpy(), hb, atol=1e-5)
    assert np.abs(dW).max() > 1e-3  # the steps were not trivially small


def test_hidden_probs_and_visible_mean():
    rbm = Rbm(6, 4, "bernoulli", generator=_gen(7))
    v, h = torch.rand(3, 6, generator=_gen(8)), torch.rand(3, 4, generator=_gen(9))
    W, vb, hb = (p.double().numpy() for p in (rbm.weight, rbm.visible_bias, rbm.hidden_bias))
    np.testing.assert_allclose(rbm.hidden_probs(v).numpy(), _sigmoid(v.double().numpy() @ W.T + hb), atol=1e-6)
    np.testing.assert_allclose(rbm.visible_mean(h).numpy(), _sigmoid(h.double().numpy() @ W + vb), atol=1e-6)
    rbm.visible_type = "gaussian"
    np.testing.assert_allclose(rbm.visible_mean(h).numpy(), h.double().numpy() @ W + vb, atol=1e-6)


def test_train_rbm_schedule_and_fractional_epochs():
    """train_rbm equals hand-driven cd1_step calls with Kaldi's schedule: momentum ramping linearly
    over the frames seen, learning rate scaled by (1 - momentum); 1.5 epochs of 6 batches = 9 steps."""
    data = _low_rank_gaussian(num=6 * 16, dim=5)
    batches = list(data.split(16))
    pulled = []

    def epoch():
        for b in batches:
            pulled.append(1)
            yield b

    trained = Rbm(5, 8, "gaussian", generator=_gen(10))
    manual = copy.deepcopy(trained)
    manual.generator = _gen(10)
    trained.generator = _gen(10)
    opts = dict(learning_rate=0.05, momentum_start=0.5, momentum_end=0.9, momentum_ramp_frames=64, l2=0.001)
    errors = train_rbm(trained, epoch, epochs=1.5, log_every=2, **opts)
    assert len(pulled) == 9 and len(errors) == 2

    frames, manual_errors = 0, []
    for b in batches + batches[:3]:
        mom = 0.5 + 0.4 * min(1.0, frames / 64)
        manual_errors.append(manual.cd1_step(b, learning_rate=0.05 * (1 - mom), momentum=mom, l2=0.001))
        frames += len(b)
    assert errors == pytest.approx([np.mean(manual_errors[:6]), np.mean(manual_errors[6:])], rel=1e-6)
    for a, b in zip(trained.parameters(), manual.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)

    # Less than one epoch of an unsized iterable: one counting pass, then 3 of the 6 batches.
    pulled.clear()
    assert len(train_rbm(trained, epoch, epochs=0.5, log_every=0, **opts)) == 1
    assert len(pulled) == 6 + 3


def test_pretrain_dbn_shapes_and_linear_init():
    data = _low_rank_gaussian(num=512, dim=12)
    batches = list(data.split(32))
    rbms = pretrain_dbn(lambda: iter(batches), 12, [16, 8, 8], gaussian_epochs=1, bernoulli_epochs=0.5,
                        seed=3, log_every=0)
    assert [(r.visible_type, r.num_visible, r.num_hidden) for r in rbms] == [
        ("gaussian", 12, 16), ("bernoulli", 16, 8), ("bernoulli", 8, 8)]
    assert all(torch.isfinite(p).all() for r in rbms for p in r.parameters())
    assert set(rbms[0].state_dict()) == {"weight", "visible_bias", "hidden_bias"}

    h = data
    for rbm in rbms:
        weight, bias = rbm_linear_init(rbm)
        linear = torch.nn.Linear(rbm.num_visible, rbm.num_hidden)
        with torch.no_grad():
            linear.weight.copy_(weight)
            linear.bias.copy_(bias)
            torch.testing.assert_close(torch.sigmoid(linear(h)), rbm.hidden_probs(h))
        assert weight.data_ptr() != rbm.weight.data_ptr()
        h = rbm.hidden_probs(h)

    # Same seed, same result; another seed, another.
    again = pretrain_dbn(lambda: iter(batches), 12, [16, 8, 8], gaussian_epochs=1, bernoulli_epochs=0.5,
                         seed=3, log_every=0)
    other = pretrain_dbn(lambda: iter(batches), 12, [16], gaussian_epochs=1, seed=4, log_every=0)
    assert torch.equal(again[2].weight, rbms[2].weight)
    assert not torch.equal(other[0].weight, rbms[0].weight)


def test_bernoulli_visible_bias_starts_at_data_log_odds():
    """Kaldi initialises a Bernoulli RBM's visible biases to log(p / (1 - p)) of the mean input p."""
    data = _low_rank_gaussian(num=256, dim=6)
    batches = list(data.split(32))
    first, second = pretrain_dbn(lambda: batches, 6, [10, 4], gaussian_epochs=1, bernoulli_epochs=0.125,
                                 bernoulli_learning_rate=1e-9, log_every=0)
    p = first.hidden_probs(data).double().mean(0)
    torch.testing.assert_close(second.visible_bias.double(), torch.log(p / (1 - p)), rtol=0, atol=1e-4)


def test_divergence_names_learning_rate():
    batches = list(_low_rank_gaussian(num=512).split(64))
    rbm = Rbm(20, 64, "gaussian", generator=_gen(0))
    with pytest.raises(ToolkitError, match=r"diverged.*learning rate 50 "):
        train_rbm(rbm, lambda: batches, epochs=2, learning_rate=50, log_every=0)


def test_bad_input():
    with pytest.raises(ToolkitError, match="visible type 'binary'"):
        Rbm(4, 3, "binary")
    rbm = Rbm(4, 3, "gaussian")
    with pytest.raises(ToolkitError, match="4 visible units.*shape \\(2, 5\\)"):
        rbm.cd1_step(torch.zeros(2, 5), learning_rate=0.1, momentum=0.5, l2=0.0)
    with pytest.raises(ToolkitError, match="no minibatches"):
        train_rbm(rbm, lambda: [], learning_rate=0.1)
    with pytest.raises(ToolkitError, match="epochs > 0"):
        train_rbm(rbm, lambda: [torch.zeros(2, 4)], epochs=0, learning_rate=0.1)
