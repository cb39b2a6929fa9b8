import pytest
import torch

from toolkit.errors import InputError
from toolkit.mt.transformer import (
    MultiheadAttention,
    Transformer,
    TransformerConfig,
    TransformerDecoderLayer,
    load_model,
    padding_or_none,
    save_model,
    sinusoidal_positions,
)


def tiny(pre_norm=True, **kw):
    torch.manual_seed(0)
    return Transformer(TransformerConfig(vocab_size=20, d_model=32, heads=4, ffn_dim=64, encoder_layers=2,
                                         decoder_layers=2, pre_norm=pre_norm, max_positions=32, **kw)).eval()


SRC = torch.tensor([[5, 6, 7, 8, 3], [9, 10, 3, 0, 0]])
TGT_IN = torch.tensor([[2, 11, 12, 13, 14], [2, 14, 15, 0, 0]])


@pytest.mark.parametrize("pre_norm", [True, False])
def test_incremental_decoding_matches_full_forward(pre_norm):
    m = tiny(pre_norm)
    full = torch.log_softmax(m(SRC, TGT_IN), -1)
    memory, mask = m.encode(SRC)
    cache = m.new_cache()
    steps = torch.stack([m.decode_step(TGT_IN[:, t], memory, mask, cache) for t in range(TGT_IN.shape[1])], 1)
    assert torch.allclose(full, steps, atol=1e-5)
    # a prefix of several tokens, then one more, through the same cache
    cache = m.new_cache()
    a = m.decode(TGT_IN[:, :3], memory, mask, cache)
    b = m.decode(TGT_IN[:, 3:], memory, mask, cache)
    assert torch.allclose(torch.cat([a, b], 1), m(SRC, TGT_IN), atol=1e-5)


def test_source_padding_does_not_change_the_result():
    m = tiny()
    alone = m(SRC[1:, :3], TGT_IN[1:, :3])
    batched = m(SRC, TGT_IN)[1:, :3]
    assert torch.allclose(alone, batched, atol=1e-5)


def test_padding_or_none():
    assert padding_or_none(None) is None and padding_or_none(torch.zeros(2, 3, dtype=torch.bool)) is None
    mask = torch.tensor([[False, False, True]])
    assert padding_or_none(mask) is mask


def test_decoder_is_causal():
    m = tiny()
    changed = TGT_IN.clone()
    changed[:, 4] = 7
    a, b = m(SRC, TGT_IN), m(SRC, changed)
    assert torch.allclose(a[:, :4], b[:, :4], atol=1e-6)
    assert not torch.allclose(a[0, 4], b[0, 4])


def test_shared_and_tied_embeddings():
    m = tiny()
    assert m.encoder.embedding.table is m.decoder.embedding.table
    assert m.output_projection.weight is m.decoder.embedding.table.weight
    u = tiny(share_embeddings=False, tie_output=False)
    assert u.encoder.embedding.table is not u.decoder.embedding.table
    assert u.output_projection.weight is not u.decoder.embedding.table.weight
    assert u.num_parameters() == m.num_parameters() + 2 * 20 * 32


def test_sinusoidal_positions_known_values():
    pe = sinusoidal_positions(5, 4)
    assert torch.allclose(pe[0], torch.tensor([0.0, 1.0, 0.0, 1.0]))
    p = 3.0
    expected = torch.tensor([torch.sin(torch.tensor(p)), torch.cos(torch.tensor(p)),
                             torch.sin(torch.tensor(p / 100)), torch.cos(torch.tensor(p / 100))])
    assert torch.allclose(pe[3], expected, atol=1e-6)


def test_non_causal_decoder_layer_with_positional_attention():
    torch.manual_seed(0)
    layer = TransformerDecoderLayer(16, 2, 32, dropout=0.0, positional_attention=True).eval()
    x, memory = torch.randn(2, 4, 16), torch.randn(2, 3, 16)
    pad = torch.tensor([[False] * 4, [False, False, True, True]])
    pos = sinusoidal_positions(4, 16)
    out = layer(x, memory, causal=False, self_pad_mask=pad, positions=pos)
    x2 = x.clone()
    x2[:, 3] += 1.0  # a later position changes an earlier one's output without the causal mask...
    out2 = layer(x2, memory, causal=False, self_pad_mask=pad, positions=pos)
    assert not torch.allclose(out[0, 0], out2[0, 0])
    assert torch.allclose(out[1, :2], out2[1, :2], atol=1e-6)  # ...unless it is padding


def test_shared_queries_and_keys_equal_the_repeated_sequence():
    torch.manual_seed(0)
    att = MultiheadAttention(16, 2).eval()
    seq, value = torch.randn(5, 16), torch.randn(3, 5, 16)
    pad = torch.tensor([[False] * 5, [False] * 3 + [True] * 2, [False] * 4 + [True]])
    repeated = seq.expand(3, -1, -1)
    torch.testing.assert_close(att.attend_shared(att.project_shared(seq), value, key_padding_mask=pad),
                               att(repeated, repeated, value, key_padding_mask=pad), rtol=1e-5, atol=1e-6)


def test_attention_against_hand_computation():
    torch.manual_seed(0)
    att = MultiheadAttention(8, 1).eval()
    q, k = torch.randn(1, 2, 8), torch.randn(1, 3, 8)
    pad = torch.tensor([[False, False, True]])
    Q, K, V = att.q_proj(q), att.k_proj(k), att.v_proj(k)
    w = (Q @ K.transpose(1, 2) / 8 ** 0.5).masked_fill(pad[:, None, :], float("-inf")).softmax(-1)
    assert torch.allclose(att(q, k, k, key_padding_mask=pad), att.out_proj(w @ V), atol=1e-6)


def test_save_load_round_trip(tmp_path):
    m = tiny(pre_norm=False)
    save_model(tmp_path / "m.pt", m, {"epoch": 3})
    back = load_model(tmp_path / "m.pt")
    assert back.config == m.config
    assert torch.equal(back(SRC, TGT_IN), m(SRC, TGT_IN))
    (tmp_path / "bad.pt").write_text("not a model")
    with pytest.raises(InputError, match="bad.pt"):
        load_model(tmp_path / "bad.pt")
