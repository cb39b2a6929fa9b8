import pytest
import torch

from toolkit.mt.noise import add_noise, local_permutation, split_words, word_starts

PIECES = ["<pad>", "<unk>", "<s>", "</s>", "▁the", "▁cat", "s", "▁sat", "▁on", "▁mat", "te", "d", "."]
STARTS = word_starts(PIECES)
# "▁the ▁cat s ▁sat ▁on ▁the ▁mat te d ." -> words the | cats | sat | on | the | matted.
SENTENCE = [4, 5, 6, 7, 8, 4, 9, 10, 11, 12]


def test_words_are_cut_at_word_start_pieces():
    assert STARTS.tolist() == [True, True, True, True, True, True, False, True, True, True, False, False, False]
    assert split_words(SENTENCE, STARTS) == [[4], [5, 6], [7], [8], [4], [9, 10, 11, 12]]
    assert split_words([6, 5], STARTS) == [[6], [5]]  # a leading continuation piece is a word of its own


@pytest.mark.parametrize("k", [0, 1, 3])
def test_no_word_moves_more_than_k_places(k):
    g = torch.Generator().manual_seed(0)
    moved = 0
    for _ in range(500):
        order = local_permutation(12, k, g)
        assert sorted(order) == list(range(12))
        assert all(abs(new - old) <= k for new, old in enumerate(order))
        moved = max(moved, max(abs(new - old) for new, old in enumerate(order)))
    assert moved == k  # and the bound is reached


def test_pieces_of_a_word_move_together_and_words_drop_at_the_rate():
    g = torch.Generator().manual_seed(1)
    words = split_words(SENTENCE, STARTS)
    kept = 0
    for _ in range(2000):
        noisy = add_noise(SENTENCE, STARTS, drop_prob=0.1, shuffle_k=3, generator=g)
        out = split_words(noisy, STARTS)
        assert all(w in words for w in out)  # whole words only: "cats" and "matted." are never split
        kept += len(out)
    assert kept / (2000 * len(words)) == pytest.approx(0.9, abs=0.015)


def test_no_noise_is_the_identity_and_a_sentence_never_empties():
    assert add_noise(SENTENCE, STARTS, drop_prob=0.0, shuffle_k=0) == SENTENCE
    g = torch.Generator().manual_seed(2)
    for _ in range(50):
        assert len(split_words(add_noise(SENTENCE, STARTS, drop_prob=1.0, generator=g), STARTS)) == 1
    assert add_noise([], STARTS) == []
