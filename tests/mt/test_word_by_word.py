from toolkit.bin import translate_word_by_word
from toolkit.mt.word_by_word import Coverage, translate_line, translate_lines

LEXICON = {"click": ["cliquer", "claquer"], "the": ["le", "la"], "button": ["bouton"], "open": ["ouvrir"],
           "homme": ["man"], "l'": ["the"], "e-mail": ["courriel"]}


def test_first_translation_capital_carried_unknown_and_punctuation_copied():
    coverage = Coverage()
    assert translate_line("Click the OK button, then Open!", LEXICON, coverage) == \
        "Cliquer le OK bouton , then Ouvrir !"
    assert (coverage.word_tokens, coverage.translated) == (6, 4)
    assert translate_line("Send an e-mail.", LEXICON) == "Send an courriel ."


def test_elisions_are_looked_up_as_split():
    assert translate_line("L'homme", LEXICON) == "The man"
    assert translate_line("l'homme", {"homme": ["man"]}) == "l'man"


def test_lines_and_coverage():
    lines, coverage = translate_lines(["Open the file", "", "?"], LEXICON)
    assert lines == ["Ouvrir le file", "", "?"]
    assert (coverage.word_tokens, coverage.translated, coverage.rate) == (3, 2, 2 / 3)
    assert Coverage().rate == 0.0


def test_step_writes_one_line_per_input_line(tmp_path):
    lexicon, src, out = tmp_path / "lex.tsv", tmp_path / "in.en", tmp_path / "out.fr"
    lexicon.write_text("open\touvrir\nthe\tle\nthe\tla\n", encoding="utf-8")
    src.write_text("Open the door\n\nthe\n", encoding="utf-8")
    assert translate_word_by_word.main([str(lexicon), str(src), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "Ouvrir le door\n\nle\n"
