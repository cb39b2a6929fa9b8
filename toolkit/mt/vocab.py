"""The joint SentencePiece vocabulary of a translation system (ids pad=0, unk=1, bos=2, eos=3).

Both languages share one model, so one embedding table can serve the encoder, the decoder
and the output projection. Text the model has never seen is mapped to <unk>, one id per
run of unknown characters; `encode` counts those runs and which characters they held so
that callers can report them (a corpus full of <unk> is a data-preparation bug).
"""
from __future__ import annotations

import collections
import os
from dataclasses import dataclass, field

import sentencepiece as spm

from toolkit.errors import InputError

PAD, UNK, BOS, EOS = 0, 1, 2, 3
SPECIAL_IDS = {"pad": PAD, "unk": UNK, "bos": BOS, "eos": EOS}


def language_token(lang: str) -> str:
    """The control piece that starts a decoder's output in `lang` (train_sentencepiece --language-tokens)."""
    return f"<2{lang}>"


@dataclass
class UnknownCounts:
    """Running count of <unk> tokens: how many, in how many sentences, and the characters they covered."""

    tokens: int = 0
    sentences: int = 0
    chars: collections.Counter = field(default_factory=collections.Counter)

    def summary(self, top: int = 10) -> str:
        shown = ", ".join(f"{c!r}x{n}" for c, n in self.chars.most_common(top))
        where = f" (characters: {shown})" if shown else ""
        return f"{self.tokens} <unk> tokens in {self.sentences} sentences{where}"


class Vocabulary:
    """A SentencePiece model with the toolkit's special ids; `encode` gives ids without bos/eos."""

    def __init__(self, model_path: str | os.PathLike):
        self.path = os.fspath(model_path)
        if not os.path.isfile(self.path):
            raise InputError("no such SentencePiece model", self.path)
        self.sp = spm.SentencePieceProcessor()
        try:
            self.sp.load(self.path)
        except (OSError, RuntimeError) as e:
            raise InputError(f"not a SentencePiece model ({e})", self.path) from None
        found = {"pad": self.sp.pad_id(), "unk": self.sp.unk_id(), "bos": self.sp.bos_id(), "eos": self.sp.eos_id()}
        if found != SPECIAL_IDS:
            raise InputError(f"special ids {found}, expected {SPECIAL_IDS} (train it with train_sentencepiece)",
                             self.path)

    def __len__(self) -> int:
        return self.sp.get_piece_size()

    def encode(self, text: str, unknown: UnknownCounts | None = None) -> list[int]:
        """Piece ids of `text` (no bos/eos); <unk> runs are added to `unknown` when given."""
        ids = self.sp.encode(text)
        if unknown is not None and UNK in ids:
            pieces = self.sp.encode(text, out_type=str)  # an <unk> piece is the surface text it covers
            unknown.sentences += 1
            for i, p in zip(ids, pieces):
                if i == UNK:
                    unknown.tokens += 1
                    unknown.chars.update(p.replace("\u2581", ""))
        return ids

    def pieces(self, text: str) -> list[str]:
        """The pieces of `text` as strings (for token-level files such as the aligner's input)."""
        return self.sp.encode(text, out_type=str)

    def all_pieces(self) -> list[str]:
        """Every piece of the vocabulary as a string, index = id."""
        return [self.sp.id_to_piece(i) for i in range(len(self))]

    def language_id(self, lang: str) -> int:
        """Id of the start token of `lang`; InputError if the model was trained without it."""
        piece = language_token(lang)
        i = self.sp.piece_to_id(piece)
        if i == UNK or not self.sp.is_control(i):
            raise InputError(f"no language token {piece} (train_sentencepiece --language-tokens)", self.path)
        return i

    def decode(self, ids: list[int]) -> str:
        """Detokenized text of `ids`; pad, bos and eos are dropped, <unk> shows as sentencepiece's ' ⁇ '."""
        return self.sp.decode([i for i in ids if i not in (PAD, BOS, EOS)])
