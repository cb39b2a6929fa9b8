from toolkit.text.language_id import guess_language


def test_guesses_by_function_words():
    assert guess_language("The file is opened for reading by the process.") == "en"
    assert guess_language("Le fichier est ouvert en lecture par le processus.") == "fr"
    assert guess_language("L'option qu'il a indiquée n'existe pas.") == "fr"
    assert guess_language("systemctl status --now") is None
    assert guess_language("the le") is None
