"""Word embeddings in word2vec's text format: a header line `N D`, then `word v1 ... vD` per line.

Rows keep their file order, which by convention is most frequent word first (word2vec and
fastText write them so, and `read_vectors(limit=...)` relies on it to keep the frequent words).
Reading checks the header, every row's width and number, and repeated words, naming file and
line; writing is atomic.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from toolkit.errors import InputError, ToolkitError
from toolkit.io.atomic import atomic_write


def read_vectors(path: str | os.PathLike, limit: int | None = None) -> tuple[list[str], np.ndarray]:
    """The words of a word2vec text file and their vectors: (N,) words, (N, D) float32.

    With `limit`, only the first `limit` rows are read (the rest of the file is not checked).
    """
    try:
        with open(path, encoding="utf-8", newline="\n") as f:
            header = f.readline()
            try:
                n, dim = (int(x) for x in header.split())
            except ValueError:
                n = dim = -1
            if n < 0 or dim <= 0:
                raise InputError(f"bad header {header.strip()[:40]!r}: expected `N D`, integers N >= 0, D > 0", path, 1)
            wanted = n if limit is None else min(n, limit)
            words: list[str] = []
            vectors = np.empty((wanted, dim), dtype=np.float32)
            seen: dict[str, int] = {}
            for lineno, line in enumerate(f, start=2):
                if len(words) == wanted:
                    if limit is None:
                        raise InputError(f"more rows than the {n} the header announces", path, lineno)
                    break
                parts = line.rstrip("\r\n").rstrip(" ").split(" ")
                if len(parts) != dim + 1 or not parts[0]:
                    raise InputError(f"expected a word and {dim} values, found {len(parts) - 1} after "
                                     f"{parts[0][:30]!r}", path, lineno)
                word = parts[0]
                if word in seen:
                    raise InputError(f"word {word!r} repeated (first at line {seen[word]})", path, lineno)
                try:
                    vectors[len(words)] = np.array(parts[1:], dtype=np.float32)
                except ValueError:
                    raise InputError(f"non-numeric value in the vector of {word!r}", path, lineno) from None
                seen[word] = lineno
                words.append(word)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e})", path) from None
    if len(words) < wanted:
        raise InputError(f"{len(words)} rows, but the header announces {n}", path)
    if not np.isfinite(vectors).all():
        row = int(np.nonzero(~np.isfinite(vectors).all(axis=1))[0][0])
        raise InputError(f"non-finite value in the vector of {words[row]!r}", path, row + 2)
    return words, vectors


def write_vectors(path: str | os.PathLike, words: Sequence[str], vectors: np.ndarray) -> None:
    """Write `words` with their rows of `vectors` (N, D) in word2vec text format, atomically.

    Values are written with 7 significant digits (float32 survives a round trip to ~1e-7 relative).
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != len(words):
        raise ToolkitError(f"{len(words)} words but vectors of shape {vectors.shape}")
    for word in words:
        if not word or len(word.split()) != 1 or word != word.strip():
            raise ToolkitError(f"word {word!r} cannot be written in word2vec text format (empty or white space)")
    with atomic_write(path) as f:
        f.write(f"{vectors.shape[0]} {vectors.shape[1]}\n")
        for word, row in zip(words, vectors):
            f.write(word + " " + " ".join(f"{x:.7g}" for x in row.tolist()) + "\n")
