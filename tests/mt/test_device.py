"""The translation models on another device: option checking here, and on a machine with CUDA the same
training, search and NAT decoding as on the CPU (those tests are skipped without one)."""
import pytest
import torch

from toolkit.errors import ToolkitError
from toolkit.mt.batching import source_tensor
from toolkit.mt.device import device_of, resolve_device
from toolkit.mt.nat import NatConfig, NonAutoregressiveTransformer, load_nat, noisy_parallel_decode, save_nat
from toolkit.mt.nat_training import FertilitySet, fertility_batch_loss
from toolkit.mt.search import beam_search, score_sequences
from toolkit.mt.training import TrainOptions, evaluate, train
from toolkit.mt.transformer import Transformer, TransformerConfig, load_model
from toolkit.mt.umt import discriminator_accuracy

from .test_mt_training import reverse_task, tiny_model

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


def test_resolve_device_names_the_option():
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ToolkitError, match="--device tpu0"):
        resolve_device("tpu0")
    if not torch.cuda.is_available():
        with pytest.raises(ToolkitError, match="--device cuda: .*no CUDA device"):
            resolve_device("cuda")


def test_max_minutes_stops_training_and_still_writes_the_model(tmp_path):
    data = reverse_task(200, seed=0)
    summary = train(tiny_model(d_model=32), data, None, tmp_path,
                    TrainOptions(max_tokens=100, max_epochs=5, max_minutes=1e-9, log_every_updates=0))
    assert summary["updates"] == 0 and summary["epochs"] == 0
    assert load_model(tmp_path / "model_last.pt").config.d_model == 32


@cuda
def test_training_on_cuda_matches_the_cpu_and_files_load_on_the_cpu(tmp_path):
    data, valid = reverse_task(300, seed=2), reverse_task(30, seed=3)
    options = dict(max_tokens=200, lr=1e-3, warmup_updates=10, max_epochs=2, log_every_updates=0)
    on_cpu, on_gpu = tiny_model(d_model=32), tiny_model(d_model=32)
    a = train(on_cpu, data, valid, tmp_path / "cpu", TrainOptions(**options))
    b = train(on_gpu, data, valid, tmp_path / "gpu", TrainOptions(**options, device="cuda"))
    assert device_of(on_gpu).type == "cuda" and a["updates"] == b["updates"]
    assert b["history"][-1]["valid"]["loss"] == pytest.approx(a["history"][-1]["valid"]["loss"], rel=1e-3)
    saved = load_model(tmp_path / "gpu" / "model_last.pt")
    assert device_of(saved).type == "cpu"
    assert evaluate(saved, valid, 1000)["nll"] == pytest.approx(evaluate(on_gpu, valid, 1000)["nll"], rel=1e-4)
    src = source_tensor(valid.src)
    cpu_beam = beam_search(saved, src, beam=3)
    gpu_beam = beam_search(on_gpu.eval(), src.cuda(), beam=3)
    assert [h[0].tokens for h in cpu_beam] == [h[0].tokens for h in gpu_beam]
    targets = [h[0].tokens for h in cpu_beam]
    assert torch.allclose(score_sequences(saved, src, targets), score_sequences(on_gpu, src.cuda(), targets).cpu(),
                          atol=1e-3)


@cuda
def test_nat_loss_and_npd_on_cuda(tmp_path):
    torch.manual_seed(0)
    teacher = Transformer(TransformerConfig(vocab_size=14, d_model=32, heads=4, ffn_dim=64, encoder_layers=1,
                                            decoder_layers=1, max_positions=16)).eval()
    model = NonAutoregressiveTransformer(NatConfig(vocab_size=14, d_model=32, heads=4, ffn_dim=64, encoder_layers=1,
                                                   decoder_layers=1, max_positions=16, max_fertility=3))
    model.eval()  # no dropout: the two devices draw different masks
    data = FertilitySet([[4, 5], [6]], [[7, 7, 8], [9]], [1, 2], fertility=[[2, 1], [1]])
    cpu_loss = fertility_batch_loss(model, data, [0, 1], 0.1)[0]
    model.cuda()
    gpu_loss = fertility_batch_loss(model, data, [0, 1], 0.1)[0]
    assert gpu_loss.device.type == "cuda"
    assert float(gpu_loss.detach()) == pytest.approx(float(cpu_loss.detach()), rel=1e-4)
    out = noisy_parallel_decode(model, teacher.cuda(), source_tensor(data.src, "cuda"), 4,
                                torch.Generator(device="cuda").manual_seed(1))
    assert len(out) == 2 and all(len(t) >= 1 for t in out)
    save_nat(tmp_path / "nat.pt", model)
    assert device_of(load_nat(tmp_path / "nat.pt")).type == "cpu"


@cuda
def test_umt_loss_and_discriminator_on_cuda():
    from .test_umt import data, loss_fn
    from .test_umt import model as umt_model

    m, d = umt_model().eval(), data()
    idx = list(range(len(d)))
    cpu = loss_fn()(m, d, idx, 0.1)
    cpu_acc = discriminator_accuracy(m, d)
    m.cuda()
    gpu = loss_fn()(m, d, idx, 0.1)
    assert gpu[0].device.type == "cuda"
    assert float(gpu[0].detach()) == pytest.approx(float(cpu[0].detach()), rel=1e-4) and gpu[2:] == cpu[2:]
    assert discriminator_accuracy(m, d) == pytest.approx(cpu_acc)
