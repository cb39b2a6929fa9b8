"""Corpus BLEU and chrF of detokenized text through sacrebleu, with sacrebleu's signatures."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Sequence

from sacrebleu.metrics import BLEU, CHRF

from toolkit.errors import InputError, ToolkitError
from toolkit.io.table import read_table, resolve_rxfilename

TOKENIZERS = tuple(BLEU.TOKENIZERS)
"""BLEU's tokenizers, as sacrebleu names them (13a is its default)."""


@dataclass(frozen=True)
class CorpusScores:
    """Scores of one system; `*_line` are sacrebleu's own renderings (`BLEU = ...`, `chrF2 = ...`)."""

    bleu: float
    chrf: float
    bleu_signature: str
    chrf_signature: str
    bleu_line: str
    chrf_line: str
    n_sentences: int
    brevity_penalty: float = 1.0   # BLEU's, from the hypothesis and reference lengths
    length_ratio: float = 1.0      # hypothesis tokens / reference tokens (sacrebleu's tokenizer)

    def as_json(self) -> dict:
        """The fields a results file records."""
        return {
            "bleu": self.bleu,
            "chrf": self.chrf,
            "bleu_signature": self.bleu_signature,
            "chrf_signature": self.chrf_signature,
            "n_sentences": self.n_sentences,
            "brevity_penalty": self.brevity_penalty,
            "length_ratio": self.length_ratio,
        }


def corpus_scores(
    hyps: Sequence[str], refs: Sequence[Sequence[str]], tokenize: str = "13a", lowercase: bool = False
) -> CorpusScores:
    """Corpus BLEU (tokenizer `tokenize`) and chrF2 (sacrebleu's defaults) of `hyps`.

    refs: one stream per reference set, each aligned with `hyps` (sacrebleu's layout).
    `lowercase` applies to both metrics.
    """
    if tokenize not in TOKENIZERS:
        raise ToolkitError(f"unknown BLEU tokenizer '{tokenize}' (expected one of: {', '.join(TOKENIZERS)})")
    if not refs:
        raise ToolkitError("no reference streams")
    for n, stream in enumerate(refs, start=1):
        if len(stream) != len(hyps):
            raise ToolkitError(f"reference stream {n} has {len(stream)} sentences, hypotheses have {len(hyps)}")
    if not hyps:
        raise ToolkitError("no sentences to score")
    bleu = BLEU(tokenize=tokenize, lowercase=lowercase)
    chrf = CHRF(lowercase=lowercase)
    bleu_score = bleu.corpus_score(list(hyps), [list(s) for s in refs])
    chrf_score = chrf.corpus_score(list(hyps), [list(s) for s in refs])
    return CorpusScores(
        bleu=float(bleu_score.score),
        chrf=float(chrf_score.score),
        bleu_signature=str(bleu.get_signature()),
        chrf_signature=str(chrf.get_signature()),
        bleu_line=str(bleu_score),
        chrf_line=str(chrf_score),
        n_sentences=len(hyps),
        brevity_penalty=float(bleu_score.bp),
        length_ratio=bleu_score.sys_len / bleu_score.ref_len if bleu_score.ref_len else 0.0,
    )


def read_lines(path: str | os.PathLike) -> list[str]:
    """Lines of a plain text file, trailing white space removed (as the sacrebleu command does)."""
    try:
        with open(path, encoding="utf-8") as f:
            return [line.rstrip() for line in f]
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not valid UTF-8 ({e.reason})", path) from None


def read_line_aligned(hyp_path: str, ref_paths: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Hypotheses and reference streams from plain files, line n of each being sentence n."""
    hyps = read_lines(hyp_path)
    refs = [read_lines(p) for p in ref_paths]
    for path, stream in zip(ref_paths, refs):
        if len(stream) != len(hyps):
            raise InputError(f"{len(stream)} lines, but the hypothesis file {hyp_path} has {len(hyps)}", path)
    return hyps, refs


def read_keyed(hyp_path: str, ref_paths: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Hypotheses and reference streams from Kaldi text files (`key words...`), in hypothesis key order.

    Every file must hold exactly the hypothesis file's keys.
    """
    hyp_table = read_table(hyp_path)
    refs = []
    for path in ref_paths:
        table = read_table(path)
        missing = [k for k in hyp_table if k not in table]
        if missing:
            raise InputError(
                f"no reference for key '{missing[0]}' of {resolve_rxfilename(hyp_path)}"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                resolve_rxfilename(path),
            )
        extra = [k for k in table if k not in hyp_table]
        if extra:
            raise InputError(
                f"key '{extra[0]}' has no hypothesis in {resolve_rxfilename(hyp_path)}"
                + (f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""),
                resolve_rxfilename(path),
            )
        refs.append([table[k] for k in hyp_table])
    return list(hyp_table.values()), refs
