"""Cross-entropy training with newbob on a small separable problem; checkpoints, resumption, saving."""
import json

import numpy as np
import pytest
import torch

from toolkit.errors import InputError
from toolkit.nnet import training
from toolkit.nnet.frames import SplicedFrames
from toolkit.nnet.network import Dnn, NetworkConfig, load_network, save_network
from toolkit.nnet.newbob import NewbobSchedule
from toolkit.nnet.training import evaluate, train_newbob


def _data(seed, n_utts=200, num_pdfs=4, dim=3):
    """Utterances whose frames come from one of `num_pdfs` well-separated Gaussians, the target."""
    centres = np.random.default_rng(99).standard_normal((num_pdfs, dim)) * 4 + 10  # offset: needs normalising
    rng = np.random.default_rng(seed)
    utts = []
    for i in range(n_utts):
        y = rng.integers(0, num_pdfs, 30)
        utts.append((f"u{i}", (centres[y] + rng.standard_normal((30, dim))).astype(np.float32), y))
    return utts


def _setup(tmp_path, max_epochs=6):
    train, cv = SplicedFrames(_data(0), 1, 1), SplicedFrames(_data(1, 20), 1, 1)
    net = Dnn(NetworkConfig(3, 1, 1, [16, 16], "sigmoid", 4), torch.Generator().manual_seed(0))
    net.set_normalisation(*train.mean_std())
    return net, train, cv, NewbobSchedule(2.0, max_epochs=max_epochs)


def test_training_learns_and_records_each_epoch(tmp_path):
    torch.set_num_threads(1)
    net, train, cv, schedule = _setup(tmp_path)
    before = evaluate(net, cv)
    best, summary = train_newbob(net, train, cv, schedule, tmp_path / "dnn", batch_size=32)
    after = evaluate(best, cv)
    assert before.accuracy < 0.5 and after.accuracy > 0.9 and after.loss < before.loss / 3
    state = json.loads((tmp_path / "dnn/train_state.json").read_text())
    assert [h["epoch"] for h in state["history"]] == list(range(summary["epochs"] + 1))
    for h in state["history"][1:]:
        assert (tmp_path / f"dnn/nnet/epoch{h['epoch']}.nnet").is_file() and h["frames_per_second"] > 0
    assert state["history"][-1]["cv"]["loss"] >= state["schedule"]["best_loss"] - 1e-12


def test_bfloat16_training_learns_and_keeps_float32_parameters(tmp_path):
    torch.set_num_threads(1)
    net, train, cv, schedule = _setup(tmp_path)
    before = evaluate(net, cv)
    best, _ = train_newbob(net, train, cv, schedule, tmp_path / "dnn", batch_size=32, bf16=True)
    after = evaluate(best, cv)
    assert after.accuracy > 0.9 and after.loss < before.loss / 3
    assert all(p.dtype == torch.float32 for p in best.parameters())


def test_interrupted_training_resumes_to_the_same_network(tmp_path, monkeypatch):
    torch.set_num_threads(1)
    net, train, cv, schedule = _setup(tmp_path)
    full, full_summary = train_newbob(net, train, cv, schedule, tmp_path / "full", batch_size=32)
    assert full_summary["epochs"] >= 3

    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt  # killed in the middle of the third epoch
        return training.train_epoch.__wrapped__(*args, **kwargs)

    interrupted.__wrapped__ = training.train_epoch
    original = training.train_epoch
    monkeypatch.setattr(training, "train_epoch", interrupted)
    interrupted.__wrapped__ = original
    net, train, cv, schedule = _setup(tmp_path)
    with pytest.raises(KeyboardInterrupt):
        train_newbob(net, train, cv, schedule, tmp_path / "part", batch_size=32)
    monkeypatch.setattr(training, "train_epoch", original)
    net, train, cv, schedule = _setup(tmp_path)
    resumed, summary = train_newbob(net, train, cv, schedule, tmp_path / "part", batch_size=32)
    assert summary["epochs"] == full_summary["epochs"]
    for a, b in zip(full.state_dict().values(), resumed.state_dict().values()):
        torch.testing.assert_close(a, b)
    # The time of the interrupted invocation (its two finished epochs) still counts.
    assert full_summary["earlier_seconds"] == 0.0 and summary["earlier_seconds"] > 0.0
    state = json.loads((tmp_path / "part" / training.STATE).read_text())
    assert state["seconds"] > summary["earlier_seconds"]


def test_network_file_round_trip_and_refusal(tmp_path):
    net, *_ = _setup(tmp_path)
    save_network(tmp_path / "a.nnet", net)
    back = load_network(tmp_path / "a.nnet")
    assert back.config == net.config
    x = torch.randn(5, net.config.input_dim)
    torch.testing.assert_close(back(x), net.eval()(x))
    (tmp_path / "bad.nnet").write_bytes(b"not a network")
    with pytest.raises(InputError, match="bad.nnet"):
        load_network(tmp_path / "bad.nnet")


def test_a_state_saved_with_another_setup_is_discarded_not_resumed(tmp_path, caplog):
    torch.set_num_threads(1)
    net, train, cv, schedule = _setup(tmp_path, max_epochs=2)
    setup = {"network": [3, 16, 16, 4], "train": train.digest(), "cv": cv.digest()}
    train_newbob(net, train, cv, schedule, tmp_path / "dnn", batch_size=32, setup=setup)
    # The same setup: nothing left to do, the finished training is resumed as it is.
    net, train, cv, schedule = _setup(tmp_path, max_epochs=2)
    _, again = train_newbob(net, train, cv, schedule, tmp_path / "dnn", batch_size=32, setup=setup)
    assert again["earlier_seconds"] > 0.0
    # New targets (the GMM system was retrained): the old epochs are discarded, training starts over.
    other = SplicedFrames([(u, f, (y + 1) % 4) for u, f, y in _data(0)], 1, 1)
    assert other.digest() != train.digest()
    net, _, cv, schedule = _setup(tmp_path, max_epochs=1)
    with caplog.at_level("WARNING"):
        _, fresh = train_newbob(net, other, cv, schedule, tmp_path / "dnn", batch_size=32,
                                setup={**setup, "train": other.digest()})
    assert fresh["earlier_seconds"] == 0.0 and fresh["epochs"] == 1
    assert "another train" in caplog.text and "dnn/train_state.json" in caplog.text
    assert sorted(p.name for p in (tmp_path / "dnn/nnet").iterdir()) == ["epoch0.nnet", "epoch1.nnet"]
    assert json.loads((tmp_path / "dnn/train_state.json").read_text())["setup"]["train"] == other.digest()
    # A state file without a setup record (written before setups were kept) is not resumed either.
    state = json.loads((tmp_path / "dnn/train_state.json").read_text())
    del state["setup"]
    (tmp_path / "dnn/train_state.json").write_text(json.dumps(state))
    net, _, cv, schedule = _setup(tmp_path, max_epochs=1)
    caplog.clear()
    with caplog.at_level("WARNING"):
        _, fresh = train_newbob(net, other, cv, schedule, tmp_path / "dnn", batch_size=32,
                                setup={**setup, "train": other.digest()})
    assert fresh["earlier_seconds"] == 0.0 and "no record of its setup" in caplog.text
