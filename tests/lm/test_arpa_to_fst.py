"""G.fst from ARPA: path weights equal -ln of the ARPA sentence probability (shortest path through
G composed with the sentence, and the back-off walk), structure by hand, OOV handling, and the same
FST as Kaldi's own arpa2fst code (through kaldilm)."""
from __future__ import annotations

import gzip
import math
from pathlib import Path

import kaldifst
import pytest

from toolkit.errors import ToolkitError
from toolkit.io.fst import read_fst, write_fst
from toolkit.lang.symbols import SymbolTable, write_symbol_table
from toolkit.lm.arpa import ArpaLM, read_arpa, write_arpa
from toolkit.lm.arpa_to_fst import arpa_to_fst
from toolkit.lm.ngram import train_kneser_ney
from toolkit.lm.perplexity import sentence_perplexity
from toolkit.lm.text import read_sentences

DATA = Path(__file__).parent / "data"
LN10 = math.log(10.0)

# Every listed n-gram is more likely than its back-off path, so the shortest path through G
# is the ARPA path.
TINY = (DATA / "tiny_bigram.arpa").read_text()


def words_table(lm: ArpaLM, drop: tuple[str, ...] = ()) -> SymbolTable:
    """A Kaldi words.txt for the model: <eps> 0, the words, #0, <s>, </s>."""
    words = [w for w in lm.vocabulary() if w not in ("<s>", "</s>", *drop)]
    return SymbolTable.from_symbols(["<eps>", *words, "#0", "<s>", "</s>"], "words.txt")


def arcs(fst: kaldifst.StdFst, state: int) -> dict[int, tuple[int, float, int]]:
    """{ilabel: (olabel, weight, nextstate)}; asserts G is deterministic on input labels."""
    out = {}
    it = kaldifst.ArcIterator(fst, state)
    while not it.done:
        a = it.value
        assert a.ilabel not in out, f"state {state} has two arcs on {a.ilabel}"
        out[a.ilabel] = (a.olabel, a.weight.value, a.nextstate)
        it.next()
    return out


def walk_cost(G: kaldifst.StdFst, labels: list[int], backoff: int) -> float:
    """Cost of the sentence by ARPA semantics: a word's arc if there is one, else the back-off arc."""
    state, cost = G.start, 0.0
    for label in labels:
        while label not in (out := arcs(G, state)):
            cost += out[backoff][1]
            state = out[backoff][2]
        cost += out[label][1]
        state = out[label][2]
    while G.final(state).value == math.inf:
        out = arcs(G, state)
        cost += out[backoff][1]
        state = out[backoff][2]
    return cost + G.final(state).value


def shortest_path_cost(G: kaldifst.StdFst, labels: list[int]) -> float:
    """Weight of the best path of G whose output is `labels` (back-off arcs output <eps>)."""
    sentence = kaldifst.make_linear_acceptor(labels)
    # G's output labels are not sorted (back-off arcs output <eps>): match on the sentence's side.
    path = kaldifst.shortest_path(kaldifst.compose(G, sentence, match_side="right"))
    ok, _, olabels, weight = kaldifst.get_linear_symbol_sequence(path)
    assert ok and olabels == labels
    return weight.value


@pytest.fixture
def tiny(tmp_path) -> ArpaLM:
    path = tmp_path / "tiny.arpa"
    path.write_text(TINY)
    return read_arpa(path)


def test_tiny_structure_by_hand(tiny):
    symbols = words_table(tiny)
    a, b, unk, backoff = symbols.ids(["a", "b", "<unk>", "#0"])
    G = arpa_to_fst(tiny, symbols)
    assert G.num_states == 4  # histories (), <s>, a, b; <unk> has no n-grams of its own
    start = arcs(G, G.start)
    assert set(start) == {a, backoff}
    assert start[a][:2] == (a, pytest.approx(0.3 * LN10))
    assert start[backoff][:2] == (0, pytest.approx(0.5 * LN10))  # #0:<eps>
    null = start[backoff][2]
    assert G.final(null).value == pytest.approx(1.0 * LN10)
    unigrams = arcs(G, null)
    assert set(unigrams) == {a, b, unk}
    assert unigrams[unk] == (unk, pytest.approx(1.5 * LN10), null)  # bypassed <unk> state
    b_state = arcs(G, start[a][2])[b][2]
    assert G.final(b_state).value == pytest.approx(0.4 * LN10)
    assert math.isinf(G.final(G.start).value)


@pytest.mark.parametrize("sentence", [[], ["a"], ["a", "b"], ["b", "a"], ["a", "b", "a", "b"], ["b", "<unk>", "b"]])
def test_tiny_sentence_weight_is_minus_ln_arpa_probability(tiny, sentence):
    symbols = words_table(tiny)
    G = arpa_to_fst(tiny, symbols)
    expected = -LN10 * sentence_perplexity(tiny, sentence).logprob
    labels = symbols.ids(sentence)
    assert shortest_path_cost(G, labels) == pytest.approx(expected, abs=1e-4)
    assert walk_cost(G, labels, symbols.id("#0")) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_walk_through_written_G_matches_arpa(tmp_path, order):
    sentences = [s.words for s in read_sentences(DATA / "synthetic_corpus.txt")]
    lm = train_kneser_ney(sentences[:250], order=order, unk="<unk>")
    symbols = words_table(lm)
    write_fst(arpa_to_fst(lm, symbols), tmp_path / "G.fst")
    G = read_fst(tmp_path / "G.fst")
    assert G.is_ilabel_sorted
    backoff = symbols.id("#0")
    for words in sentences[250:]:
        words = [w if w in lm else "<unk>" for w in words]
        expected = -LN10 * sentence_perplexity(lm, words).logprob
        assert walk_cost(G, symbols.ids(words), backoff) == pytest.approx(expected, abs=1e-4 * (len(words) + 1))
        # No path for the sentence is more costly than the ARPA one.
        assert shortest_path_cost(G, symbols.ids(words)) <= expected + 1e-4


def test_words_missing_from_words_txt(tiny):
    with pytest.raises(ToolkitError, match=r"1 word\(s\) of the model are not in words.txt: b"):
        arpa_to_fst(tiny, words_table(tiny, drop=("b",)))
    symbols = words_table(tiny, drop=("b",))
    G = arpa_to_fst(tiny, symbols, skip_oov=True)
    a, backoff = symbols.ids(["a", "#0"])
    # "a b" and "b </s>" are gone: after a, only back-off remains, so "a" leads to a bypassed state.
    start = arcs(G, G.start)
    null = start[backoff][2]
    assert start[a][2] == null and start[a][1] == pytest.approx((0.3 + 0.25) * LN10)
    assert set(arcs(G, null)) == set(symbols.ids(["a", "<unk>"]))


def test_bad_models_and_tables(tiny):
    with pytest.raises(ToolkitError, match="no disambiguation symbol '#0'"):
        arpa_to_fst(tiny, SymbolTable.from_symbols(["<eps>", "a", "b", "<unk>"], "words.txt"))
    no_bos = ArpaLM([{k: v for k, v in tiny.ngrams[0].items() if k != ("<s>",)}, {}])
    with pytest.raises(ToolkitError, match="no <s> unigram"):
        arpa_to_fst(no_bos, words_table(tiny))

def test_ngrams_arpa2fst_leaves_out(tiny, caplog):
    # "a <s>" and "</s> a" are malformed; "x b" has no history "x". Left out as arpa2fst does.
    odd = ArpaLM([dict(tiny.ngrams[0]), {**tiny.ngrams[1], ("a", "<s>"): (-0.1, 0.0), ("</s>", "a"): (-0.1, 0.0),
                                         ("x", "b"): (-0.1, 0.0)}])
    symbols = words_table(tiny)
    G, reference = arpa_to_fst(odd, symbols), arpa_to_fst(tiny, symbols)
    assert same_fst(G, reference, symbols.id("#0")) == reference.num_states == 4
    assert "left out 2 n-gram(s) with <s> other than first" in caplog.text
    assert "left out 1 n-gram(s) whose history is not in the model" in caplog.text


def same_fst(G: kaldifst.StdFst, K: kaldifst.StdFst, backoff: int) -> int:
    """Walk G and K (e.g. Kaldi's) in step from their start states; return the number of states matched.

    kaldilm leaves out Kaldi's RemoveRedundantStates, so K may have states whose only arc is
    the back-off arc; they are passed through (adding the weight), as that step would.
    """

    def through(state: int, weight: float) -> tuple[int, float]:
        while math.isinf(K.final(state).value) and K.num_arcs(state) == 1 and backoff in (out := arcs(K, state)):
            weight += out[backoff][1]
            state = out[backoff][2]
        return state, weight

    match = {G.start: K.start}
    queue = [G.start]
    while queue:
        g = queue.pop()
        k = match[g]
        assert K.final(k).value == pytest.approx(G.final(g).value, abs=1e-4)
        g_arcs, k_arcs = arcs(G, g), arcs(K, k)
        assert g_arcs.keys() == k_arcs.keys()
        for label, (olabel, weight, g_next) in g_arcs.items():
            k_next, k_weight = through(k_arcs[label][2], k_arcs[label][1])
            assert (olabel, weight) == (k_arcs[label][0], pytest.approx(k_weight, abs=1e-4))
            if g_next in match:
                assert match[g_next] == k_next
            else:
                match[g_next] = k_next
                queue.append(g_next)
    assert len(match) == G.num_states
    return len(match)


@pytest.mark.parametrize("source", ["ours", "lmplz_o4", "ours_skip_oov"])
def test_same_fst_as_kaldi_arpa2fst(tmp_path, source):
    kaldilm = pytest.importorskip("kaldilm")
    arpa = tmp_path / "lm.arpa"
    if source == "lmplz_o4":
        arpa.write_bytes(gzip.decompress((DATA / "synthetic_corpus.lmplz_o4.arpa.gz").read_bytes()))
        lm = read_arpa(arpa)
    else:
        lm = train_kneser_ney([s.words for s in read_sentences(DATA / "synthetic_corpus.txt")], order=3, unk="<unk>")
        write_arpa(arpa, lm)
        lm = read_arpa(arpa)
    vocabulary = lm.vocabulary()
    drop = tuple(vocabulary[5:40:3]) if source == "ours_skip_oov" else ()
    symbols = words_table(lm, drop)
    write_symbol_table(tmp_path / "words.txt", symbols)
    kaldilm.arpa2fst(str(arpa), str(tmp_path / "K.fst"), disambig_symbol="#0",
                     read_symbol_table=str(tmp_path / "words.txt"), max_arpa_warnings=0)
    K = kaldifst.StdVectorFst.read(str(tmp_path / "K.fst"))
    G = arpa_to_fst(lm, symbols, skip_oov=bool(drop))
    assert same_fst(G, K, symbols.id("#0")) > 500
