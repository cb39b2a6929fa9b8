import torch

from toolkit.mt.fertility import (
    average_fertilities,
    copy_indices,
    gather_positions,
    sample_fertilities,
    select_best,
    uniform_indices,
)


def test_fertility_copy_hand_case():
    # The hand case: fertilities [2, 0, 1] give embeddings e1, e1, e3.
    emb = torch.tensor([[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]])
    index, mask = copy_indices(torch.tensor([[2, 0, 1]]))
    assert index.tolist() == [[0, 0, 2]]
    assert mask.tolist() == [[True, True, True]]
    copied = gather_positions(emb, index)
    assert torch.equal(copied, torch.tensor([[[1.0, 1.0], [1.0, 1.0], [3.0, 3.0]]]))


def test_fertility_copy_batch_padding_and_cut():
    fert = torch.tensor([[1, 3, 0, 0], [0, 1, 1, 2]])  # second row has no padding
    index, mask = copy_indices(fert)
    assert index.tolist() == [[0, 1, 1, 1], [1, 2, 3, 3]]
    assert mask.tolist() == [[True] * 4, [True] * 4]
    fert = torch.tensor([[1, 0], [2, 1]])
    index, mask = copy_indices(fert)
    assert mask.tolist() == [[True, False, False], [True, True, True]]
    assert index.tolist() == [[0, 0, 0], [0, 0, 1]]
    index, mask = copy_indices(fert, max_len=2)
    assert index.shape == (2, 2)


def test_fertility_copy_equals_repeat_interleave():
    g = torch.Generator().manual_seed(0)
    fert = torch.randint(0, 4, (6, 9), generator=g)
    index, mask = copy_indices(fert)
    for b in range(6):
        expected = torch.repeat_interleave(torch.arange(9), fert[b])
        assert torch.equal(index[b][mask[b]], expected)
        assert int(mask[b].sum()) == int(fert[b].sum())


def test_uniform_copy():
    index, mask = uniform_indices(torch.tensor([4, 2]), torch.tensor([8, 3]))
    # round(t * S / T), halves to even, capped at S - 1: S=4, T=8 -> 0 0 1 2 2 2 3 3; S=2, T=3 -> 0 1 1
    assert index[0].tolist() == [0, 0, 1, 2, 2, 2, 3, 3]
    assert index[1][:3].tolist() == [0, 1, 1]
    assert mask[1].tolist() == [True, True, True, False, False, False, False, False]
    assert int(index.max()) <= 3


def test_sample_fertilities_argmax_first_and_padding():
    log_probs = torch.log(torch.tensor([[[0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.0, 0.0, 1.0]]]) + 1e-12)
    mask = torch.tensor([[True, True, False]])
    g = torch.Generator().manual_seed(1)
    s = sample_fertilities(log_probs, mask, 200, generator=g)
    assert s.shape == (1, 200, 3)
    assert s[0, 0].tolist() == [1, 0, 0]  # argmax, padding position zeroed
    assert (s[0, :, 2] == 0).all()
    # the draws follow the distribution of position 0 (0.1 / 0.8 / 0.1)
    frac_one = (s[0, 1:, 0] == 1).float().mean().item()
    assert 0.7 < frac_one < 0.9


def test_average_fertilities():
    probs = torch.tensor([[[0.5, 0.0, 0.5], [0.0, 0.2, 0.8]]])
    assert average_fertilities(probs.log(), torch.tensor([[True, True]])).tolist() == [[1, 2]]


def test_select_best_ties_to_argmax_candidate():
    scores = torch.tensor([[-3.0, -1.0, -1.0], [-2.0, -float("inf"), -5.0]])
    assert select_best(scores).tolist() == [1, 0]
