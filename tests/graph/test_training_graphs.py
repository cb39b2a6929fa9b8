"""Training graphs: equal alignment length and phone structure, zero weights, transcripts L cannot produce."""
import numpy as np
import pytest

from toolkit.errors import ToolkitError
from toolkit.graph.training_graphs import TrainingGraphCompiler
from toolkit.hmm.alignment import equal_alignment, split_to_phones
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.fst import read_fst
from toolkit.io.fst_arrays import fst_to_arrays


@pytest.fixture(scope="module")
def compiler(digits):
    lang, ctx, tm = digits
    return TrainingGraphCompiler(tm, ctx, read_fst(lang.L), lang.disambig)


def test_equal_alignment_of_two_words(digits, compiler):
    lang, _, tm = digits
    graph = compiler.compile(lang.words.ids(["two", "oh"]))
    t = fst_to_arrays(graph)
    assert set(t.olabel.tolist()) - {0} == set(lang.words.ids(["two", "oh"]))
    for T, seed in ((40, 1), (100, 2), (250, 3)):
        ali = equal_alignment(graph, T, seed)
        assert ali is not None and len(ali) == T
        segs = split_to_phones(tm, ali)
        names = [lang.phones.symbol(s.phone) for s in segs]
        assert [n for n in names if n != "SIL"] == ["T_B", "UW_E", "OW_S"]
        assert all(s.num_frames >= 3 for s in segs if s.phone != lang.optional_silence)  # 3-state HMMs
        assert sum(s.num_frames for s in segs) == T
    # two words need at least 3 phones x 3 states = 9 frames
    assert equal_alignment(graph, 8, 0) is None
    assert equal_alignment(graph, 9, 0) is not None


def test_transition_probabilities_are_left_out_by_default(digits, compiler):
    lang, ctx, tm = digits
    words = lang.words.ids(["two", "oh"])
    before = fst_to_arrays(compiler.compile(words))
    counts = np.random.default_rng(0).integers(5, 50, size=tm.num_tids + 1)
    changed = TransitionModel.from_arrays(tm.to_arrays())
    changed.update(counts)
    after = fst_to_arrays(TrainingGraphCompiler(changed, ctx, read_fst(lang.L), lang.disambig).compile(words))
    np.testing.assert_array_equal(before.weight, after.weight)  # only L's silence costs
    with_probs = TrainingGraphCompiler(changed, ctx, read_fst(lang.L), lang.disambig, transition_scale=1.0,
                                       self_loop_scale=1.0).compile(words)
    assert fst_to_arrays(with_probs).weight.sum() > before.weight.sum()


def test_two_prons_and_scales(digits):
    lang, ctx, tm = digits
    compiler = TrainingGraphCompiler(tm, ctx, read_fst(lang.L), lang.disambig, transition_scale=1.0,
                                     self_loop_scale=1.0)
    graph = compiler.compile(lang.words.ids(["zero"]))
    phones = set()
    for seed in range(30):
        phones |= {lang.phones.symbol(s.phone) for s in split_to_phones(tm, equal_alignment(graph, 40, seed))}
    assert {"IH_I", "IY_I"} <= phones  # both pronunciations of 'zero' are in the graph
    assert fst_to_arrays(graph).weight.max() > 0


def test_unknown_word_id(digits, compiler):
    lang, _, _ = digits
    with pytest.raises(ToolkitError, match="cannot produce"):
        compiler.compile([lang.words.id("#0")])
