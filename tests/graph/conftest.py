"""Digits lang directories (the recipe's CMU lexicon, with and without the second 'zero') and models for them."""
import pytest

from toolkit.hmm.context import monophone_context
from toolkit.hmm.transition_model import TransitionModel
from toolkit.io.fst import write_fst
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.grammar import make_word_loop_grammar
from toolkit.lang.lang_dir import prepare_lang, read_lang_dir
from toolkit.lang.lexicon import LexiconEntry as E

DIGITS = {
    "oh": "OW", "zero": "Z IH R OW", "one": "W AH N", "two": "T UW", "three": "TH R IY", "four": "F AO R",
    "five": "F AY V", "six": "S IH K S", "seven": "S EH V AH N", "eight": "EY T", "nine": "N AY N",
}


def digits_lang(root, second_zero: bool):
    entries = [E("!SIL", ("SIL",)), E("<UNK>", ("SPN",))]
    entries += [E(w, tuple(p.split())) for w, p in DIGITS.items()]
    if second_zero:
        entries.append(E("zero", ("Z", "IY", "R", "OW")))
    phones = sorted({p for e in entries[2:] for p in e.phones})
    d = DictDir(entries, [["SIL"], ["SPN"]], [[p] for p in phones], "SIL")
    prepare_lang(d, "<UNK>", root)
    lang = read_lang_dir(root)
    write_fst(make_word_loop_grammar(list(DIGITS), lang.words), root / "G.fst")
    return read_lang_dir(root)


@pytest.fixture(scope="session")
def digits(tmp_path_factory):
    """(lang with G.fst, monophone ctx, transition model) for the recipe's lexicon (two prons of 'zero')."""
    lang = digits_lang(tmp_path_factory.mktemp("digits") / "lang_test", second_zero=True)
    ctx = monophone_context(lang.topology, lang.sets)
    return lang, ctx, TransitionModel.build(lang.topology, ctx)


@pytest.fixture(scope="session")
def digits_one_pron(tmp_path_factory):
    """As `digits` with one pronunciation per word, so that L o G is stochastic."""
    lang = digits_lang(tmp_path_factory.mktemp("digits1") / "lang_test", second_zero=False)
    ctx = monophone_context(lang.topology, lang.sets)
    return lang, ctx, TransitionModel.build(lang.topology, ctx)
