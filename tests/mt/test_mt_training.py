import math

import pytest
import torch

from toolkit.errors import InputError
from toolkit.mt.average import average_models, last_epoch_models
from toolkit.mt.batching import source_tensor
from toolkit.mt.corpus import EncodedSet
from toolkit.mt.search import beam_search, greedy_search
from toolkit.mt.training import (
    InverseSqrtSchedule,
    TrainOptions,
    evaluate,
    label_smoothed_loss,
    load_checkpoint,
    train,
)
from toolkit.mt.transformer import Transformer, TransformerConfig, load_model


def reverse_task(n, seed):
    """Sequences of 2-5 tokens drawn from 6 symbols, to be reversed."""
    g = torch.Generator().manual_seed(seed)
    src = []
    for _ in range(n):
        length = int(torch.randint(2, 6, (1,), generator=g))
        src.append(torch.randint(4, 10, (length,), generator=g).tolist())
    return EncodedSet(src, [s[::-1] for s in src], list(range(1, n + 1)))


def tiny_model(dropout=0.0, d_model=64):
    torch.manual_seed(0)
    return Transformer(TransformerConfig(vocab_size=14, d_model=d_model, heads=4, ffn_dim=2 * d_model,
                                         encoder_layers=2, decoder_layers=2, dropout=dropout, max_positions=16))


def test_label_smoothing_against_hand_computation():
    logits = torch.tensor([[[2.0, 0.5, -1.0, 0.0], [0.3, 0.2, 0.1, 3.0]]])
    target = torch.tensor([[2, 0]])  # the second position is padding (PAD = 0)
    loss, nll = label_smoothed_loss(logits, target, 0.1)
    p = [math.exp(v) for v in (2.0, 0.5, -1.0, 0.0)]
    logp = [math.log(x / sum(p)) for x in p]
    expected_nll = -logp[2]
    expected = 0.9 * expected_nll + 0.1 * sum(-x for x in logp) / 4  # q = 0.9 one-hot + 0.1 uniform
    assert float(nll) == pytest.approx(expected_nll, rel=1e-6)
    assert float(loss) == pytest.approx(expected, rel=1e-6)
    assert float(label_smoothed_loss(logits, target, 0.0)[0]) == pytest.approx(expected_nll, rel=1e-6)


def test_inverse_sqrt_schedule_values():
    s = InverseSqrtSchedule(peak_lr=1e-3, warmup=100, init_lr=0.0)
    assert s(1) == pytest.approx(1e-5)
    assert s(50) == pytest.approx(5e-4)
    assert s(100) == pytest.approx(1e-3)
    assert s(400) == pytest.approx(5e-4)  # 1e-3 * sqrt(100 / 400)
    assert s(10000) == pytest.approx(1e-4)


def test_learns_reverse_task_and_search_reproduces_it(tmp_path):
    data = reverse_task(2000, seed=0)
    model = tiny_model(d_model=32)
    options = TrainOptions(max_tokens=400, lr=5e-3, warmup_updates=40, label_smoothing=0.0, max_epochs=100,
                           max_updates=300, log_every_updates=0)
    train(model, data, None, tmp_path, options)
    held_out = reverse_task(30, seed=1)
    stats = evaluate(model, held_out, 1000)
    assert stats["nll"] < 0.05, stats
    model.eval()
    src = source_tensor(held_out.src)
    greedy = greedy_search(model, src)
    beam = beam_search(model, src, beam=4)
    assert sum(g.tokens == t for g, t in zip(greedy, held_out.tgt)) >= 29
    assert sum(b[0].tokens == t for b, t in zip(beam, held_out.tgt)) >= 29


def test_resume_after_interruption_gives_the_uninterrupted_result(tmp_path):
    data, valid = reverse_task(120, seed=2), reverse_task(20, seed=3)
    options = {"max_tokens": 120, "lr": 1e-3, "warmup_updates": 10, "max_epochs": 3, "log_every_updates": 0, "seed": 5}
    whole = tiny_model(dropout=0.3, d_model=32)  # dropout: the RNG state must be restored too
    summary = train(whole, data, valid, tmp_path / "whole", TrainOptions(**options))
    per_epoch = summary["updates"] // 3
    assert summary["epochs"] == 3 and per_epoch > 4

    stopped = tiny_model(dropout=0.3, d_model=32)
    train(stopped, data, valid, tmp_path / "cut", TrainOptions(**options, max_updates=per_epoch + 3))
    ckpt = load_checkpoint(tmp_path / "cut" / "checkpoint_last.pt")
    assert (ckpt["progress"]["epoch"], ckpt["progress"]["batches_done"]) == (2, 3)
    with pytest.raises(InputError, match="resume with the same"):
        train(tiny_model(dropout=0.3, d_model=32), data, valid, tmp_path / "cut",
              TrainOptions(**{**options, "seed": 6}))
    resumed = tiny_model(dropout=0.3, d_model=32)  # a fresh process would start from a fresh model
    summary2 = train(resumed, data, valid, tmp_path / "cut", TrainOptions(**options))
    assert summary2["updates"] == summary["updates"]
    for (name, a), b in zip(whole.state_dict().items(), resumed.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), name
    assert summary2["history"][-1]["valid"]["loss"] == pytest.approx(summary["history"][-1]["valid"]["loss"], abs=1e-5)
    assert summary2["history"][1]["train_loss"] == pytest.approx(summary["history"][1]["train_loss"], abs=1e-5)

    other = Transformer(TransformerConfig(vocab_size=14, d_model=16, heads=2, ffn_dim=32, max_positions=16))
    with pytest.raises(InputError, match="checkpoint_last.pt"):
        train(other, data, valid, tmp_path / "cut", TrainOptions(**options))

    # a finished run is not taken for one on other data of the same size (e.g. a new distillation)
    changed = reverse_task(120, seed=2)
    changed.tgt[7] = changed.tgt[7][::-1]
    with pytest.raises(InputError, match="trained on other data"):
        train(tiny_model(dropout=0.3, d_model=32), changed, valid, tmp_path / "whole", TrainOptions(**options))

    # checkpoint averaging of the three epoch models is the mean of their parameters
    paths = last_epoch_models(tmp_path / "whole", 3)
    assert [p.name for p in paths] == ["model_epoch1.pt", "model_epoch2.pt", "model_epoch3.pt"]
    models = [load_model(p) for p in paths]
    avg = average_models(paths)
    for name, value in avg.state_dict().items():
        mean = sum(m.state_dict()[name].double() for m in models) / 3
        assert torch.allclose(value.double(), mean, atol=1e-7), name
    assert not torch.equal(models[0].state_dict()["encoder.layers.0.ffn.fc1.weight"],
                           models[2].state_dict()["encoder.layers.0.ffn.fc1.weight"])
    with pytest.raises(InputError, match="4 asked for"):
        last_epoch_models(tmp_path / "whole", 4)


def test_the_training_data_digest_covers_the_pieces_and_a_subclass_fields_but_not_line_numbers():
    from toolkit.mt.nat_training import FertilitySet

    base = EncodedSet([[4, 5], [6]], [[5, 4], [6]], [1, 2])
    assert base.digest() == EncodedSet([[4, 5], [6]], [[5, 4], [6]], [3, 9], skipped_long=2).digest()
    assert base.digest() != EncodedSet([[4, 5], [6]], [[4, 5], [6]], [1, 2]).digest()
    assert base.digest() != EncodedSet([[4], [5, 6]], [[5, 4], [6]], [1, 2]).digest()  # same tokens, other pairs
    fert = FertilitySet([[4, 5], [6]], [[5, 4], [6]], [1, 2], fertility=[[1, 1], [1]])
    assert fert.digest() != FertilitySet([[4, 5], [6]], [[5, 4], [6]], [1, 2], fertility=[[2, 0], [1]]).digest()
