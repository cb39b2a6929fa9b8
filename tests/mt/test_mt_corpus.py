import itertools

import pytest
import torch

from toolkit.errors import InputError, ToolkitError
from toolkit.mt.batching import collate, token_batches
from toolkit.mt.vocab import BOS, EOS, PAD
from toolkit.text.parallel import read_lines, read_parallel_text


def write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_line_count_mismatch_names_the_file(tmp_path):
    src = write(tmp_path / "train.en", ["a", "b", "c"])
    tgt = write(tmp_path / "train.fr", ["x", "y"])
    with pytest.raises(InputError, match=r"train\.fr: 2 lines, but its source side .*train\.en has 3"):
        read_parallel_text(src, tgt)


def test_empty_line_names_the_line(tmp_path):
    src = write(tmp_path / "dev.en", ["a", "b", "c"])
    tgt = write(tmp_path / "dev.fr", ["x", "  ", "z"])
    with pytest.raises(InputError, match=r"dev\.fr:2: empty line"):
        read_parallel_text(src, tgt)
    assert read_lines(tgt, allow_empty=True) == ["x", "  ", "z"]


def test_not_utf8_and_missing(tmp_path):
    (tmp_path / "bad.en").write_bytes(b"caf\xe9\n")
    with pytest.raises(InputError, match="bad.en: not UTF-8"):
        read_lines(tmp_path / "bad.en")
    with pytest.raises(InputError, match="no such file"):
        read_lines(tmp_path / "missing.en")


def test_token_batches_respect_the_budget_and_cover_every_pair_once():
    g = torch.Generator().manual_seed(0)
    src = torch.randint(1, 30, (500,), generator=g).tolist()
    tgt = torch.randint(1, 30, (500,), generator=g).tolist()
    batches = token_batches(src, tgt, 200, torch.Generator().manual_seed(1))
    assert sorted(i for b in batches for i in b) == list(range(500))
    for b in batches:
        assert len(b) * max(max(src[i], tgt[i]) + 1 for i in b) <= 200
    again = token_batches(src, tgt, 200, torch.Generator().manual_seed(1))
    other = token_batches(src, tgt, 200, torch.Generator().manual_seed(2))
    assert again == batches and other != batches
    # cut from the length-sorted list: the batches' size ranges do not overlap (beyond a shared end)
    sizes = [max(s, t) for s, t in zip(src, tgt)]
    ranges = sorted((min(sizes[i] for i in b), max(sizes[i] for i in b)) for b in batches)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ranges))
    with pytest.raises(ToolkitError, match="--max-tokens 20"):
        token_batches(src, tgt, 20)


def test_collate_adds_bos_eos_and_padding():
    b = collate([[5, 6], [7]], [[8], [9, 10, 11]], [0, 1])
    assert b.src.tolist() == [[5, 6, EOS], [7, EOS, PAD]]
    assert b.tgt_in.tolist() == [[BOS, 8, PAD, PAD], [BOS, 9, 10, 11]]
    assert b.tgt_out.tolist() == [[8, EOS, PAD, PAD], [9, 10, 11, EOS]]
    assert (b.num_source_tokens, b.num_target_tokens) == (5, 6)
