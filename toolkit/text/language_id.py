"""Tell English from French text by its function words.

Translated documentation keeps some paragraphs untranslated (the French Debian Reference
has English paragraphs, French man pages a few English strings): a monolingual corpus must
drop them, or it would share sentences with the other side. A line votes for a language
with each of its words that is a function word of that language only (words that both
languages have, like "a", "on", "plus", "son", are in neither list); the language with more
votes wins, a tie (including no votes) decides nothing.
"""
from __future__ import annotations

from toolkit.text.words import words

FUNCTION_WORDS = {
    "en": frozenset("""
        the of and to in is that it for with are be this by not or from which you if can
        was were have has had will would should could when at its their they them there
        these those what who how all any into than then also only such each other may
        must does do did been being we our your he she his her him i my no yes so about
        after before between through over under while where why here just both very
        """.split()),
    "fr": frozenset("""
        le la les de des du un une et est en que qui dans pour sur pas par ne au aux ce cette
        ces sont il ils elle elles avec ou se sa ses leur leurs mais être été vous nous je tu
        lui y dont où quand comme aussi alors sans sous entre chaque tout tous toute toutes
        peut doit fait très même autre autres l' d' qu' n' s' c' j' m' ont était avoir
        votre vos notre nos cet celui celle ceci cela ça si déjà après avant
        """.split()),
}


def guess_language(line: str) -> str | None:
    """'en' or 'fr' when one language has more function words in `line`, else None."""
    votes = {lang: 0 for lang in FUNCTION_WORDS}
    for word in words(line):
        for lang, vocabulary in FUNCTION_WORDS.items():
            if word in vocabulary:
                votes[lang] += 1
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    if ranked[0][1] > ranked[1][1]:
        return ranked[0][0]
    return None
