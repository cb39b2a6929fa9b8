"""nnet_train --precision auto: decided by the CPU's AMX report, not by noisy measured peaks."""
import torch

from toolkit.bin.nnet_train import AUTO_BF16_RATIO, auto_precision


def test_the_amx_report_decides_whatever_the_measured_peaks(monkeypatch):
    low_bf16 = {"fp32": 234.4, "bf16": 439.4}  # a measurement that once flipped the choice on an AMX machine
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: True, raising=False)
    assert auto_precision(low_bf16)[0] == "bf16"
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: False, raising=False)
    assert auto_precision({"fp32": 100.0, "bf16": 900.0})[0] == "fp32"


def test_without_a_report_the_measured_ratio_decides(monkeypatch):
    monkeypatch.delattr(torch.cpu, "_is_amx_tile_supported", raising=False)
    assert auto_precision({"fp32": 100.0, "bf16": AUTO_BF16_RATIO * 100.0})[0] == "bf16"
    precision, why = auto_precision({"fp32": 100.0, "bf16": 150.0})
    assert precision == "fp32" and "1.50" in why
