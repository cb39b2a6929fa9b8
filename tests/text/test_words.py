from toolkit.text.words import is_word, join_tokens, tokens, words


def test_french_elisions_split_after_the_apostrophe():
    assert tokens("L'homme qu’il voit jusqu'à l'aube.") == ["L'", "homme", "qu'", "il", "voit", "jusqu'", "à",
                                                           "l'", "aube", "."]
    assert words("L'homme qu’il voit") == ["l'", "homme", "qu'", "il", "voit"]


def test_inner_hyphens_and_apostrophes_stay_in_the_word():
    assert tokens("Don't e-mail me: 3.5 % (now)!") == ["Don't", "e-mail", "me", ":", "3", ".", "5", "%", "(",
                                                       "now", ")", "!"]
    assert words("Don't e-mail me!") == ["don't", "e-mail", "me"]
    assert tokens("a_b -x- 'q'") == ["a", "_", "b", "-", "x", "-", "'", "q", "'"]


def test_is_word():
    assert is_word("été") and is_word("3") and is_word("l'")
    assert not is_word(",") and not is_word("'") and not is_word("_")


def test_join_undoes_the_elision_split_and_spaces_the_rest():
    assert join_tokens(tokens("L'homme, qu'il voit.")) == "L'homme , qu'il voit ."
    assert join_tokens(["'", "q", "'", "x"]) == "' q ' x"
    assert join_tokens([]) == ""
