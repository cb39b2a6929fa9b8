from toolkit.text.sentences import split_sentences


def test_splits_at_sentence_ends():
    text = ('Hello world. It costs 3.5 euros, see foo.txt! Really? "Quoted." (Parens.) 2 more. '
            "The end... Next one")
    assert split_sentences(text) == ["Hello world.", "It costs 3.5 euros, see foo.txt!", "Really?", '"Quoted."',
                                     "(Parens.)", "2 more.", "The end...", "Next one"]


def test_keeps_abbreviations_initials_and_lowercase_continuations():
    text = ("Use e.g. Vim or i.e. Emacs, etc. Not here. Mr. Smith met Dr. Who vs. Mrs. Jones, cf. Table 2. "
            "J. R. R. Tolkien wrote it. The file ends in .txt. and so on.")
    assert split_sentences(text) == ["Use e.g. Vim or i.e. Emacs, etc. Not here.",
                                     "Mr. Smith met Dr. Who vs. Mrs. Jones, cf. Table 2.",
                                     "J. R. R. Tolkien wrote it.", "The file ends in .txt. and so on."]


def test_french_guillemets_and_abbreviations():
    text = ("Il dit « Bonjour. » Puis il part ! Voir p. ex. La page de M. Dupont et Mme Durand. "
            "« Citation. » « Autre. » Fin")
    assert split_sentences(text) == ["Il dit « Bonjour. »", "Puis il part !",
                                     "Voir p. ex. La page de M. Dupont et Mme Durand.", "« Citation. »",
                                     "« Autre. »", "Fin"]


def test_blank_and_unsplittable():
    assert split_sentences("   ") == []
    assert split_sentences(" no end here ") == ["no end here"]
    assert split_sentences("Version 2. 0 errors.") == ["Version 2.", "0 errors."]
