import math

import pytest
import torch

from toolkit.errors import ToolkitError
from toolkit.mt.batching import source_tensor
from toolkit.mt.search import (
    beam_search,
    greedy_search,
    length_normalised,
    score_sequences,
)
from toolkit.mt.transformer import Transformer, TransformerConfig
from toolkit.mt.vocab import BOS, EOS

SOURCES = [[5, 6, 7, 8], [9, 10], [11, 12, 13, 4, 5, 6], [7]]


def random_model(seed=0):
    torch.manual_seed(seed)
    return Transformer(TransformerConfig(vocab_size=16, d_model=32, heads=4, ffn_dim=64, encoder_layers=2,
                                         decoder_layers=2, max_positions=64)).eval()


def naive_greedy(model, src_ids, max_len, bos=BOS):
    """Reference: argmax by a full forward pass over the whole prefix at every step (no cache)."""
    src = source_tensor([src_ids])
    out = [bos]
    while len(out) - 1 < max_len:
        logits = model(src, torch.tensor([out]))[0, -1].clone()
        logits[0] = logits[BOS] = logits[bos] = float("-inf")  # PAD, BOS and the start token are never generated
        if len(out) == 1:
            logits[EOS] = float("-inf")  # min_len 1: no empty translation
        tok = int(logits.argmax())
        if tok == EOS:
            break
        out.append(tok)
    return out[1:]


def test_greedy_matches_naive_reference_and_beam_1():
    m = random_model()
    src = source_tensor(SOURCES)
    greedy = greedy_search(m, src, max_len_a=1.0, max_len_b=3)
    beam1 = beam_search(m, src, beam=1, lenpen=1.0, max_len_a=1.0, max_len_b=3)
    for ids, g, b in zip(SOURCES, greedy, beam1):
        assert g.tokens == naive_greedy(m, ids, len(ids) + 3)
        assert b[0].tokens == g.tokens
        assert len(g.tokens) <= len(ids) + 3


def test_search_and_scoring_start_from_the_given_token():
    m = random_model(4)
    src = source_tensor(SOURCES)
    greedy = greedy_search(m, src, max_len_a=1.0, max_len_b=3, bos=5)
    for ids, g in zip(SOURCES, greedy):
        assert g.tokens == naive_greedy(m, ids, len(ids) + 3, bos=5)
        assert 5 not in g.tokens
    scored = score_sequences(m, src, [g.tokens for g in greedy], bos=5)
    assert scored.tolist() == pytest.approx([g.log_prob for g in greedy], abs=1e-4)
    assert [g.tokens for g in greedy] != [g.tokens for g in greedy_search(m, src, max_len_a=1.0, max_len_b=3)]


@pytest.mark.parametrize("lenpen", [0.0, 1.0, 0.6])
def test_beam_scores_are_the_models_own(lenpen):
    m = random_model(1)
    src = source_tensor(SOURCES)
    nbest = beam_search(m, src, beam=4, lenpen=lenpen, max_len_a=1.0, max_len_b=4)
    flat = [(i, h) for i, hyps in enumerate(nbest) for h in hyps]
    rescored = score_sequences(m, src[[i for i, _ in flat]], [h.tokens for _, h in flat])
    for (i, h), lp in zip(flat, rescored.tolist()):
        assert h.log_prob == pytest.approx(lp, abs=1e-4)
        assert h.score == pytest.approx(h.log_prob / (len(h.tokens) + 1) ** lenpen, abs=1e-6)
    for hyps in nbest:
        assert len(hyps) == 4
        assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)
        assert len({tuple(h.tokens) for h in hyps}) == 4


def test_scoring_with_rows_encodes_each_source_once_and_agrees_with_repeated_sources():
    m = random_model(3)
    src = source_tensor(SOURCES)
    rows = torch.tensor([0, 0, 2, 1, 2])
    targets = [[5, 6], [7], [8, 9, 10], [6], []]
    shared = score_sequences(m, src, targets, rows)
    repeated = score_sequences(m, src[rows], targets)
    assert shared.tolist() == pytest.approx(repeated.tolist(), abs=1e-5)
    with pytest.raises(ToolkitError):
        score_sequences(m, src, targets, rows[:4])


def test_wider_beam_never_scores_worse_than_greedy_without_length_penalty():
    m = random_model(2)
    src = source_tensor(SOURCES)
    greedy = greedy_search(m, src, max_len_a=1.0, max_len_b=3)
    beam = beam_search(m, src, beam=8, lenpen=0.0, max_len_a=1.0, max_len_b=3)
    for g, b in zip(greedy, beam):
        assert b[0].log_prob >= g.log_prob - 1e-5


class StubModel:
    """Next-token distributions that depend only on the step: step 0 prefers token A (0.55) to EOS (0.4),
    later steps prefer EOS (0.6). So "" has log-prob log 0.4 = -0.92 and "A" log 0.55 + log 0.6 = -1.11:
    raw scores choose the empty output, per-token normalised ones (-0.92 vs -0.55) choose "A"."""

    V, A, B = 8, 4, 5

    def encode(self, src):
        return torch.zeros(src.shape[0], 1, 1), torch.zeros(src.shape[0], 1, dtype=torch.bool)

    def new_cache(self):
        return [{}]

    def decode_step(self, last, memory, mask, cache):
        step = cache[0].get("step", torch.zeros(len(last), dtype=torch.long))
        cache[0]["step"] = step + 1
        first = {EOS: 0.4, self.A: 0.55, self.B: 0.03}
        later = {EOS: 0.6, self.A: 0.3, self.B: 0.05}
        rows = []
        for s in step.tolist():
            p = torch.full((self.V,), 0.004)
            for tok, q in (first if s == 0 else later).items():
                p[tok] = q
            rows.append((p / p.sum()).log())
        return torch.stack(rows)


def test_length_normalisation_changes_the_choice():
    src = torch.tensor([[6, EOS]])
    raw = beam_search(StubModel(), src, beam=2, lenpen=0.0, min_len=0)[0][0]
    normalised = beam_search(StubModel(), src, beam=2, lenpen=1.0, min_len=0)[0][0]
    assert beam_search(StubModel(), src, beam=2, lenpen=0.0)[0][0].tokens != []  # min_len 1: never empty
    p = torch.full((StubModel.V,), 0.004)
    p[EOS], p[StubModel.A], p[StubModel.B] = 0.4, 0.55, 0.03
    p0 = p / p.sum()
    assert raw.tokens == [] and raw.log_prob == pytest.approx(math.log(p0[EOS]), abs=1e-6)
    assert normalised.tokens == [StubModel.A]
    assert normalised.score == pytest.approx(length_normalised(normalised.log_prob, 2, 1.0))
    assert normalised.score > length_normalised(raw.log_prob, 1, 1.0)


def test_output_length_limit_forces_eos():
    src = torch.tensor([[6, 7, EOS]])
    class NeverStops(StubModel):
        def decode_step(self, last, memory, mask, cache):
            lp = super().decode_step(last, memory, mask, cache)
            lp[:, EOS] = -30.0
            return lp
    hyps = beam_search(NeverStops(), src, beam=3, lenpen=1.0, max_len_a=2.0, max_len_b=1)
    assert all(len(h.tokens) == 5 for h in hyps[0])  # int(2.0 * 2 + 1)
