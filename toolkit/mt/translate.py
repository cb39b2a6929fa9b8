"""Translation of plain-text sentences with a trained model: encoding, length-sorted batches, search.

An empty input line gets an empty translation; a source longer than the model's positions is
cut (with a warning naming its line); <unk> pieces are counted. A batch whose search raises
(e.g. out of memory) is retried sentence by sentence, and a sentence that still fails is
reported by line and left untranslated (None) so that the others' work is kept.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial
from typing import Callable

import torch

from toolkit.errors import ToolkitError
from toolkit.io.atomic import atomic_write
from toolkit.log import get_logger
from toolkit.mt.batching import source_tensor, token_batches
from toolkit.mt.device import device_of
from toolkit.mt.search import Hypothesis, beam_search
from toolkit.mt.transformer import Transformer
from toolkit.mt.vocab import BOS, UnknownCounts, Vocabulary
from toolkit.progress import progress
from toolkit.text.parallel import read_lines

_log = get_logger(__name__)
Search = Callable[[list[list[int]]], list[list[Hypothesis]]]


@dataclass
class SearchOptions:
    beam: int = 5
    lenpen: float = 1.0
    nbest: int = 1
    max_len_a: float = 1.5
    max_len_b: int = 10
    min_len: int = 1                 # EOS barred before this many tokens
    bos: int = BOS                   # the decoder's start token (a language token for a multilingual one)
    max_sentences: int = 64          # sentences per batch
    max_tokens: int = 4096           # padded source tokens per batch


@dataclass
class TranslationReport:
    empty_lines: list[int] = field(default_factory=list)        # 1-based
    truncated_lines: list[int] = field(default_factory=list)
    failed_lines: list[int] = field(default_factory=list)
    unknown: UnknownCounts = field(default_factory=UnknownCounts)


def translate_lines(model: torch.nn.Module, vocab: Vocabulary, lines: list[str], options: SearchOptions,
                    where: str = "input", search: Search | None = None,
                    ) -> tuple[list[list[Hypothesis] | None], TranslationReport]:
    """The n-best hypotheses of every line (best first; [] for an empty line, None where search failed).

    `search` maps a batch of source piece lists to their n-best lists; by default the
    autoregressive `model`'s beam search with `options` (the NAT passes its own decoding).
    """
    if search is None:
        search = ar_search(model, options)
    report = TranslationReport()
    limit = model.config.max_positions - 1  # the source gets an EOS
    encoded: list[list[int]] = []
    for n, line in enumerate(lines, start=1):
        ids = vocab.encode(line, report.unknown) if line.strip() else []
        if not line.strip():
            report.empty_lines.append(n)
        if len(ids) > limit:
            _log.warning("%s:%d: %d pieces, cut to the model's %d", where, n, len(ids), limit)
            report.truncated_lines.append(n)
            ids = ids[:limit]
        encoded.append(ids)
    todo = [i for i, ids in enumerate(encoded) if ids]
    results: list[list[Hypothesis] | None] = [[] for _ in lines]
    batches = token_batches([len(encoded[i]) for i in todo], [0] * len(todo), options.max_tokens,
                            max_sentences=options.max_sentences)
    model.eval()
    for batch in progress(batches, "translating", unit="batch"):
        ids = [todo[j] for j in batch]
        try:
            hyps = search([encoded[i] for i in ids])
        except RuntimeError as e:
            _log.warning("a batch of %d sentences failed (%s); translating them one at a time", len(ids), e)
            hyps = []
            for i in ids:
                try:
                    hyps.extend(search([encoded[i]]))
                except RuntimeError as e1:
                    _log.error("%s:%d: translation failed (%s)", where, i + 1, e1)
                    report.failed_lines.append(i + 1)
                    hyps.append(None)
        for i, h in zip(ids, hyps):
            results[i] = h
    if report.unknown.tokens:
        _log.warning("%s: %s", where, report.unknown.summary())
    return results, report


def translate_file(model: torch.nn.Module, vocab: Vocabulary, input_path: str, output_path: str,
                   options: SearchOptions, search: Search | None = None,
                   ) -> tuple[list[list[Hypothesis] | None], TranslationReport]:
    """Translate INPUT (one sentence per line, empty lines allowed) with `translate_lines` and write
    the best translation of each line to OUTPUT atomically (empty for an empty or failed line);
    logs the time and what was empty, cut or failed."""
    if len(vocab) != model.config.vocab_size:
        raise ToolkitError(f"{vocab.path} has {len(vocab)} pieces but the model was trained with "
                           f"{model.config.vocab_size}")
    lines = read_lines(input_path, allow_empty=True)
    start = time.perf_counter()
    results, report = translate_lines(model, vocab, lines, options, where=input_path, search=search)
    seconds = time.perf_counter() - start
    with atomic_write(output_path) as f:
        for hyps in results:
            f.write((vocab.decode(hyps[0].tokens) if hyps else "") + "\n")
    _log.info("translated %d lines in %.1f s (%.1f sentences/s); %d empty, %d cut, %d failed", len(lines), seconds,
              len(lines) / max(seconds, 1e-9), len(report.empty_lines), len(report.truncated_lines),
              len(report.failed_lines))
    if report.failed_lines:
        _log.error("%s: translation failed on lines %s", input_path, " ".join(map(str, report.failed_lines)))
    return results, report


def ar_search(model: Transformer, options: SearchOptions) -> Search:
    """The autoregressive model's batched beam search (greedy with beam 1) with `options`."""
    return partial(_beam_search, model, options)


def _beam_search(model: Transformer, options: SearchOptions, seqs: list[list[int]]) -> list[list[Hypothesis]]:
    with torch.inference_mode():
        return beam_search(model, source_tensor(seqs, device_of(model)), options.beam, options.lenpen,
                           options.max_len_a, options.max_len_b, options.nbest, options.min_len, options.bos)
