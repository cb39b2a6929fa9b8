import pytest
import torch

from toolkit.mt.fertility import copy_indices, sample_fertilities
from toolkit.mt.nat import (
    NatConfig,
    NonAutoregressiveTransformer,
    load_nat,
    nat_search,
    noisy_parallel_decode,
    save_nat,
)
from toolkit.mt.search import score_sequences
from toolkit.mt.transformer import Transformer, TransformerConfig
from toolkit.mt.vocab import EOS, PAD

V = 12


def tiny(**kw) -> NonAutoregressiveTransformer:
    torch.manual_seed(0)
    cfg = dict(vocab_size=V, d_model=32, heads=2, ffn_dim=64, encoder_layers=1, decoder_layers=1, dropout=0.0,
               max_positions=32, max_fertility=3)
    cfg.update(kw)
    return NonAutoregressiveTransformer(NatConfig(**cfg))


def test_decoder_inputs_are_source_embeddings_copied_by_fertility():
    model = tiny().eval()
    src = torch.tensor([[5, 6, 7, EOS]])
    index, mask = model.copy_plan(src, torch.tensor([[2, 0, 1, 0]]))
    assert index.tolist() == [[0, 0, 2]] and mask.all()
    # the copied embeddings of positions 0 and 1 are the same (e1, e1), position 2 is e3
    emb = model.embedding.table(src) * model.embedding.scale
    copied = emb[0, index[0]]
    assert torch.equal(copied[0], copied[1]) and torch.equal(copied[2], emb[0, 2])
    memory, pad = model.encode(src)
    assert model.decode(src, memory, pad, index, mask).shape == (1, 3, V)


def test_padding_does_not_change_a_sentence_s_outputs():
    model = tiny().eval()
    a = torch.tensor([[5, 6, EOS]])
    b = torch.tensor([[5, 6, EOS, PAD, PAD], [7, 8, 9, 10, EOS]])
    fa = torch.tensor([[1, 2, 0]])
    fb = torch.tensor([[1, 2, 0, 0, 0], [1, 1, 1, 2, 0]])
    with torch.no_grad():
        la = model.decode(a, *model.encode(a), *model.copy_plan(a, fa))
        lb = model.decode(b, *model.encode(b), *model.copy_plan(b, fb))
    torch.testing.assert_close(la[0], lb[0, :3], atol=1e-5, rtol=1e-5)


def test_cached_positional_queries_and_keys_follow_the_parameters():
    model = tiny(decoder_layers=2).eval()
    src = torch.tensor([[5, 6, 7, EOS]])
    plan = model.copy_plan(src, torch.tensor([[2, 1, 3, 0]]))

    def logits(grad: bool) -> torch.Tensor:
        with torch.set_grad_enabled(grad):
            return model.decode(src, *model.encode(src), *plan).detach()

    torch.testing.assert_close(logits(False), logits(True))  # cached (sliced) = projected in the call
    first = logits(False)
    with torch.no_grad():
        model.layers[1].pos_attn.k_proj.weight.mul_(3.0)  # an optimizer step or load_state_dict does this
    changed = logits(False)
    assert not torch.allclose(changed, first)
    torch.testing.assert_close(changed, logits(True))


def test_learns_a_toy_task_with_fertilities():
    # Target: every source token t in 4..9 written fert(t) = 1 + (t % 2) times; the model must learn
    # both the fertilities and the copied tokens (+1).
    g = torch.Generator().manual_seed(0)
    model = tiny(max_fertility=3)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)

    def make(n):
        srcs, tgts, ferts = [], [], []
        for _ in range(n):
            toks = torch.randint(4, 10, (int(torch.randint(2, 6, (1,), generator=g)),), generator=g).tolist()
            f = [1 + t % 2 for t in toks]
            srcs.append(toks + [EOS])
            ferts.append(f + [0])
            tgts.append([t + 1 for t, k in zip(toks, f) for _ in range(k)])
        pad = lambda seqs: torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True)
        return pad(srcs), pad(tgts), pad(ferts)

    for _ in range(300):
        src, tgt, fert = make(32)
        loss, stats = model.loss(src, tgt, fert, label_smoothing=0.0)
        opt.zero_grad()
        (loss / stats["tokens"]).backward()
        opt.step()
    model.eval()
    src, tgt, fert = make(50)
    hyps = model.translate(src)
    refs = [[t for t in row if t != PAD] for row in tgt.tolist()]
    assert sum(h == r for h, r in zip(hyps, refs)) >= 45
    # the reference fertilities give the reference length exactly
    assert [len(h) for h in model.translate(src, fertility=fert)] == [len(r) for r in refs]


def test_uniform_copy_uses_the_fertility_sum_as_length():
    model = tiny(decoder_input="uniform").eval()
    src = torch.tensor([[5, 6, 7, EOS]])
    index, mask = model.copy_plan(src, torch.tensor([[2, 0, 3, 0]]))
    assert index.shape == (1, 5) and mask.all()
    assert index[0].tolist() == [0, 1, 2, 2, 3]  # round(t * 4 / 5)


@pytest.mark.parametrize("lenpen", [0.0, 1.0])
def test_npd_returns_the_candidate_the_teacher_scores_best(lenpen):
    model = tiny().eval()
    torch.manual_seed(1)
    teacher = Transformer(TransformerConfig(vocab_size=V, d_model=32, heads=2, ffn_dim=64, encoder_layers=1,
                                            decoder_layers=1, dropout=0.0, max_positions=32)).eval()
    src = torch.tensor([[5, 6, 7, EOS], [8, 9, EOS, PAD]])
    # one sample: the argmax fertilities
    assert noisy_parallel_decode(model, teacher, src, 1, lenpen=lenpen) == model.translate(src)
    # many samples: the result is the best-scoring of the candidates drawn with the same generator
    best = noisy_parallel_decode(model, teacher, src, 20, torch.Generator().manual_seed(3), lenpen)
    memory, pad = model.encode(src)
    fert = sample_fertilities(model.fertility_log_probs(memory), ~pad, 20, torch.Generator().manual_seed(3))
    fert[:, :, 0] += fert.sum(2).eq(0).long()  # an all-zero sample gets one token, as NPD does
    for b in range(2):
        cands = model.translate(src[b:b + 1].repeat(20, 1), fertility=fert[b])
        log_probs = score_sequences(teacher, src[b:b + 1].repeat(20, 1), cands).tolist()
        scores = [lp / (len(c) + 1) ** lenpen for lp, c in zip(log_probs, cands)]
        assert best[b] == cands[max(range(20), key=lambda k: (scores[k], -k))]
        assert len({tuple(c) for c in cands}) > 1  # the samples do differ


def test_npd_search_keeps_the_sentence_order_across_its_groups():
    model = tiny().eval()
    teacher = Transformer(TransformerConfig(vocab_size=V, d_model=32, heads=2, ffn_dim=64, encoder_layers=1,
                                            decoder_layers=1, dropout=0.0, max_positions=32)).eval()
    seqs = [[5, 6, 7], [8, 9], [10], [4, 5, 6, 7, 8]]
    argmax = nat_search(model, "argmax")(seqs)
    grouped = nat_search(model, "npd", teacher, samples=1, max_candidates=1)(seqs)  # one sentence per pass
    assert [h[0].tokens for h in grouped] == [h[0].tokens for h in argmax]


def test_save_and_load_round_trip(tmp_path):
    model = tiny().eval()
    save_nat(tmp_path / "nat.pt", model)
    again = load_nat(tmp_path / "nat.pt")
    src = torch.tensor([[5, 6, EOS]])
    assert again.translate(src) == model.translate(src)
    index, _ = copy_indices(torch.tensor([[1, 1, 0]]))
    assert index.tolist() == [[0, 1]]
