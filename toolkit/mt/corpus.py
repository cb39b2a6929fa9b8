"""Parallel sets `DIR/<set>.<src>` / `DIR/<set>.<tgt>` read, checked and encoded with the joint vocabulary.

Bad files are errors naming the file (and line): different line counts, an empty line,
text that is not UTF-8. Pairs whose source or target is longer than `max_tokens` pieces
are skipped and counted (the model's positions end there); <unk> pieces are counted per side.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, fields

from toolkit.errors import InputError
from toolkit.log import get_logger
from toolkit.mt.vocab import UnknownCounts, Vocabulary
from toolkit.text.parallel import read_parallel_text

_log = get_logger(__name__)


def set_paths(data_dir: str | os.PathLike, name: str, src_lang: str, tgt_lang: str) -> tuple[str, str]:
    """(DIR/<name>.<src>, DIR/<name>.<tgt>)."""
    return (os.path.join(data_dir, f"{name}.{src_lang}"), os.path.join(data_dir, f"{name}.{tgt_lang}"))


@dataclass
class EncodedSet:
    """Piece ids of the kept pairs (no bos/eos) and each pair's 1-based line in the text files."""

    src: list[list[int]]
    tgt: list[list[int]]
    lines: list[int]
    skipped_long: int = 0
    src_unknown: UnknownCounts = field(default_factory=UnknownCounts)
    tgt_unknown: UnknownCounts = field(default_factory=UnknownCounts)

    def __len__(self) -> int:
        return len(self.src)

    def num_tokens(self) -> tuple[int, int]:
        """Total pieces of (source, target), without bos/eos."""
        return sum(map(len, self.src)), sum(map(len, self.tgt))

    def digest(self) -> str:
        """SHA-256 of what training sees: the pieces and any per-pair fields a subclass adds
        (fertilities, languages), not the line numbers or the skip and <unk> counts."""
        h = hashlib.sha256()
        for f in fields(self):
            if f.name not in _NOT_TRAINED_ON:
                h.update(f.name.encode())
                h.update(json.dumps(getattr(self, f.name), separators=(",", ":")).encode())
        return h.hexdigest()


_NOT_TRAINED_ON = {"lines", "skipped_long", "src_unknown", "tgt_unknown"}


def encode_parallel(vocab: Vocabulary, src_lines: list[str], tgt_lines: list[str], max_tokens: int) -> EncodedSet:
    """Encode every pair; pairs with a side longer than `max_tokens` pieces are skipped and counted."""
    out = EncodedSet([], [], [])
    for n, (s, t) in enumerate(zip(src_lines, tgt_lines), start=1):
        si = vocab.encode(s, out.src_unknown)
        ti = vocab.encode(t, out.tgt_unknown)
        if len(si) > max_tokens or len(ti) > max_tokens:
            out.skipped_long += 1
            continue
        out.src.append(si)
        out.tgt.append(ti)
        out.lines.append(n)
    return out


def load_parallel_set(data_dir: str | os.PathLike, name: str, src_lang: str, tgt_lang: str, vocab: Vocabulary,
                      max_tokens: int) -> EncodedSet:
    """Read, check and encode DIR/<name>.<src_lang> and .<tgt_lang>, logging what was skipped or unknown."""
    src_path, tgt_path = set_paths(data_dir, name, src_lang, tgt_lang)
    src, tgt = read_parallel_text(src_path, tgt_path)
    data = encode_parallel(vocab, src, tgt, max_tokens)
    if not data.src:
        raise InputError(f"no pair of at most {max_tokens} pieces per side", src_path)
    ns, nt = data.num_tokens()
    _log.info("%s: %d pairs (%d skipped as longer than %d pieces), %d source and %d target pieces",
              src_path.rsplit(".", 1)[0], len(data), data.skipped_long, max_tokens, ns, nt)
    for side, counts in (("source", data.src_unknown), ("target", data.tgt_unknown)):
        if counts.tokens:
            _log.warning("%s side of %s: %s", side, name, counts.summary())
    return data
