import pytest
import torch

from toolkit.errors import ToolkitError
from toolkit.mt.batching import pad_sequences, source_tensor
from toolkit.mt.noise import word_starts
from toolkit.mt.training import label_smoothed_loss
from toolkit.mt.umt import (
    UmtConfig,
    UmtLoss,
    UnsupervisedTranslator,
    discriminator_accuracy,
    reverse_gradient,
    umt_set,
)
from toolkit.mt.vocab import EOS

V = 20
EN, FR = 4, 5  # language start tokens
PIECES = ["<pad>", "<unk>", "<s>", "</s>", "<2en>", "<2fr>"] + [f"\u2581w{i}" for i in range(V - 6)]


def model(seed=0):
    torch.manual_seed(seed)
    return UnsupervisedTranslator(UmtConfig(vocab_size=V, d_model=16, heads=2, ffn_dim=32, encoder_layers=1,
                                            decoder_layers=1, dropout=0.0, max_positions=32,
                                            discriminator_hidden=8))


def data():
    en = [[6, 7, 8], [9, 10]]
    fr = [[11, 12], [13, 14, 15, 16]]
    bt = [[17, 18], [19]]  # "translations" of en into fr
    return umt_set([(0, 0, en, en), (1, 1, fr, fr), (1, 0, bt, en)])


def loss_fn(**kw):
    return UmtLoss(language_ids=[EN, FR], word_starts=word_starts(PIECES), **kw)


def test_gradient_reversal_negates_only_the_gradient():
    x = torch.randn(3, requires_grad=True)
    y = reverse_gradient(x)
    assert torch.equal(y, x)
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [-1.0, -2.0, -3.0]


def test_set_kinds_and_bad_parts():
    d = data()
    assert d.denoising == [True, True, True, True, False, False]
    assert d.src_lang == [0, 0, 1, 1, 1, 1] and d.tgt_lang == [0, 0, 1, 1, 0, 0]
    with pytest.raises(ToolkitError):
        umt_set([(0, 0, [[6]], [[7]])])
    with pytest.raises(ToolkitError):
        umt_set([(1, 0, [[6]], [[7], [8]])])


def test_clean_loss_is_each_examples_teacher_forcing_from_its_language_token():
    m, d = model().eval(), data()
    idx = list(range(len(d)))
    loss, nll, ntok, nsrc = loss_fn(adv_weight=0.0, auto_weight=1.0, cd_weight=1.0)(m, d, idx, 0.0)
    expected = 0.0
    for i in idx:
        start = EN if d.tgt_lang[i] == 0 else FR
        logits = m.transformer(source_tensor([d.src[i]]), torch.tensor([[start, *d.tgt[i]]]))
        expected += label_smoothed_loss(logits, pad_sequences([d.tgt[i]], suffix=[EOS]), 0.0)[1].item()
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    assert nll.item() == pytest.approx(expected, rel=1e-5)
    assert ntok == sum(len(t) + 1 for t in d.tgt) and nsrc == sum(len(s) + 1 for s in d.src)
    # the weights scale the two kinds separately
    auto_only, _, _, _ = loss_fn(adv_weight=0.0, cd_weight=0.0)(m, d, idx, 0.0)
    cd_only, _, _, _ = loss_fn(adv_weight=0.0, auto_weight=0.0)(m, d, idx, 0.0)
    assert (auto_only + cd_only).item() == pytest.approx(expected, rel=1e-5)
    assert 0 < cd_only.item() < expected


def test_adversarial_term_trains_the_discriminator_and_fools_it_through_the_encoder():
    m, d = model(1).eval(), data()
    idx = list(range(len(d)))
    f = loss_fn(auto_weight=0.0, cd_weight=0.0, adv_weight=1.0)
    loss, _, _, _ = f(m, d, idx, 0.0)
    loss.backward()
    before = loss.item()
    with torch.no_grad():  # a small step on each side along its own gradient
        for p in m.parameters():
            if p.grad is not None:
                p -= 1e-2 * p.grad
    # the discriminator alone: its loss falls; the encoder alone: its loss rises
    m2 = model(1).eval()
    disc_step = {n: p.detach().clone() for n, p in m.named_parameters() if n.startswith("discriminator")}
    enc_step = {n: p.detach().clone() for n, p in m.named_parameters() if n.startswith("transformer.encoder")}
    only_disc = model(1).eval()
    only_disc.load_state_dict({**m2.state_dict(), **disc_step})
    only_enc = model(1).eval()
    only_enc.load_state_dict({**m2.state_dict(), **enc_step})
    assert f(only_disc, d, idx, 0.0)[0].item() < before
    assert f(only_enc, d, idx, 0.0)[0].item() > before
    assert 0.0 <= discriminator_accuracy(m, d) <= 1.0


def test_noise_only_in_training_mode():
    m, d = model(), data()
    f = loss_fn(adv_weight=0.0, drop_prob=0.5, shuffle_k=3)
    idx = list(range(len(d)))
    m.eval()
    assert f(m, d, idx, 0.0)[0].item() == f(m, d, idx, 0.0)[0].item()
    m.train()
    torch.manual_seed(0)
    values = {round(f(m, d, idx, 0.0)[0].item(), 4) for _ in range(5)}
    assert len(values) > 1
