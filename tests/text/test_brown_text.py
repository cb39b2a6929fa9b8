import pytest

from toolkit.errors import InputError
from toolkit.text.brown import brown_files, brown_sentences, detokenize, tagged_sentences


def test_detokenize():
    tokens = ["``", "Only", "a", "handful", "''", ",", "the", "jury", "said", "(", "twice", ")", ";", "it",
              "cost", "$50", "--", "`", "much", "'", "!"]
    assert detokenize(tokens) == '"Only a handful", the jury said (twice); it cost $50 -- \'much\'!'
    assert detokenize(["Atlanta's", "election", "?"]) == "Atlanta's election?"


def test_corpus_layout(tmp_path):
    (tmp_path / "ca01").write_text("\n\n\tThe/at jury/nn said/vbd ``/`` no/at ''/'' ./.\n\n\n\tYes/rb ./.\n")
    (tmp_path / "cb01").write_text("\tIt/pps rained/vbd ./.\n")
    (tmp_path / "cats.txt").write_text("ca01 news\n\ncb01 editorial\n")
    assert [p.name for p in brown_files(tmp_path)] == ["ca01", "cb01"]
    assert list(tagged_sentences(tmp_path / "ca01")) == [(3, ["The", "jury", "said", "``", "no", "''", "."]),
                                                         (6, ["Yes", "."])]
    assert list(brown_sentences(tmp_path)) == [("ca01", 'The jury said "no".'), ("ca01", "Yes."),
                                               ("cb01", "It rained.")]


def test_bad_layout_names_the_file(tmp_path):
    with pytest.raises(InputError, match="cats.txt: no such file"):
        brown_files(tmp_path)
    (tmp_path / "ca01").write_text("The/at dog\n")
    (tmp_path / "cats.txt").write_text("ca01 news\ncz99 none\n")
    with pytest.raises(InputError, match="cats.txt:2: lists 'cz99'"):
        brown_files(tmp_path)
    with pytest.raises(InputError, match="ca01:1: expected word/tag, got 'dog'"):
        list(tagged_sentences(tmp_path / "ca01"))
