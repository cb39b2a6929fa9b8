"""The lang directory (Kaldi's data/lang): made by prepare_lang from a dictionary directory, read by later steps.

Contents, as utils/prepare_lang.sh writes them:
  phones.txt      <eps> 0, silence phones, non-silence phones, then #0 .. #N
  words.txt       <eps> 0, the words in C order, then #0, <s>, </s>
  oov.txt/.int    the word that out-of-vocabulary words map to
  topo            HMM topologies (text form)
  L.fst           lexicon FST for training (optional silence, no disambiguation symbols)
  L_disambig.fst  lexicon FST for graph building (disambiguation symbols, #0 self-loops)
  phones/         silence, nonsilence, optional_silence, disambig, context_indep (.txt .int .csl),
                  sets, extra_questions, roots (.txt .int), wdisambig.txt, wdisambig_phones.int,
                  wdisambig_words.int, align_lexicon (.txt .int), word_boundary (.txt .int;
                  only with word-position-dependent phones)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from toolkit.errors import InputError
from toolkit.io.atomic import atomic_dir, atomic_write
from toolkit.io.fst import write_fst
from toolkit.lang.dict_dir import DictDir
from toolkit.lang.disambig import add_disambig_symbols, disambig_symbols
from toolkit.lang.lexicon import LexiconEntry
from toolkit.lang.lexicon_fst import make_lexicon_fst
from toolkit.lang.phones import WORD_BOUNDARY_KINDS, make_phone_sets, with_word_positions, word_boundary
from toolkit.lang.symbols import SymbolTable, read_symbol_table, write_symbol_table
from toolkit.lang.topology import Topology, make_topology, read_topology, write_topology
from toolkit.log import get_logger

log = get_logger(__name__)

WORD_DISAMBIG = "#0"


def _write_lines(path: Path, rows: Iterable[Sequence[object]]) -> None:
    with atomic_write(path) as f:
        for row in rows:
            f.write(" ".join(map(str, row)) + "\n")


def prepare_lang(
    d: DictDir,
    oov_word: str,
    lang_dir: str | os.PathLike,
    *,
    position_dependent_phones: bool = True,
    sil_prob: float = 0.5,
    num_sil_states: int = 5,
    num_nonsil_states: int = 3,
    share_silence_phones: bool = False,
    share_state_roots: bool = True,
) -> None:
    """Write the lang directory for dictionary `d` to `lang_dir`, replacing it atomically."""
    if oov_word not in {e.word for e in d.lexicon}:
        raise InputError(f"the OOV word '{oov_word}' has no entry in the lexicon")
    sets = make_phone_sets(d, position_dependent_phones, share_silence_phones, share_state_roots)
    if position_dependent_phones:
        lexicon = [LexiconEntry(e.word, with_word_positions(e.phones), e.prob) for e in d.lexicon]
    else:
        lexicon = list(d.lexicon)
    prons, max_lex_disambig = add_disambig_symbols([e.phones for e in lexicon])
    # One symbol more than the lexicon needs: it follows the optional silence in L_disambig.
    sil_disambig_index = max_lex_disambig + 1
    disambig = disambig_symbols(sil_disambig_index)
    lexicon_disambig = [LexiconEntry(e.word, pron, e.prob) for e, pron in zip(lexicon, prons)]

    phones = SymbolTable.from_symbols(["<eps>", *sets.silence, *sets.nonsilence, *disambig], "phones.txt")
    word_list = sorted({e.word for e in lexicon})
    words = SymbolTable.from_symbols(["<eps>", *word_list, WORD_DISAMBIG, "<s>", "</s>"], "words.txt")

    silence_ids = phones.ids(sets.silence)
    nonsilence_ids = phones.ids(sets.nonsilence)
    topology = make_topology(nonsilence_ids, silence_ids, num_nonsil_states, num_sil_states)
    sil_phone = sets.optional_silence if sil_prob > 0 else None
    L = make_lexicon_fst(lexicon, phones, words, sil_prob=sil_prob, sil_phone=sil_phone)
    L_disambig = make_lexicon_fst(
        lexicon_disambig,
        phones,
        words,
        sil_prob=sil_prob,
        sil_phone=sil_phone,
        sil_disambig=disambig[sil_disambig_index],
        word_disambig=[WORD_DISAMBIG],
    )
    # align_lexicon: `word word phones`, plus the optional silence as <eps>; C-sorted, unique.
    align_lines = sorted(
        {f"{e.word} {e.word} {' '.join(e.phones)}" for e in lexicon} | {f"<eps> <eps> {sets.optional_silence}"}
    )

    with atomic_dir(lang_dir) as tmp:
        ph = tmp / "phones"
        ph.mkdir()
        write_symbol_table(tmp / "phones.txt", phones)
        write_symbol_table(tmp / "words.txt", words)
        _write_lines(tmp / "oov.txt", [[oov_word]])
        _write_lines(tmp / "oov.int", [[words.id(oov_word)]])
        write_topology(tmp / "topo", topology)
        write_fst(L, tmp / "L.fst")
        write_fst(L_disambig, tmp / "L_disambig.fst")
        lists = {
            "silence": sets.silence,
            "nonsilence": sets.nonsilence,
            "optional_silence": [sets.optional_silence],
            "disambig": disambig,
            "context_indep": sets.context_indep,
        }
        for name, symbols in lists.items():
            _write_lines(ph / f"{name}.txt", [[s] for s in symbols])
            ids = phones.ids(symbols)
            _write_lines(ph / f"{name}.int", [[i] for i in ids])
            _write_lines(ph / f"{name}.csl", [[":".join(map(str, ids))]])
        for name, rows in (("sets", sets.sets), ("extra_questions", sets.extra_questions)):
            _write_lines(ph / f"{name}.txt", rows)
            _write_lines(ph / f"{name}.int", [phones.ids(r) for r in rows])
        _write_lines(ph / "roots.txt", [[shared, split, *r] for shared, split, r in sets.roots])
        _write_lines(ph / "roots.int", [[shared, split, *phones.ids(r)] for shared, split, r in sets.roots])
        _write_lines(ph / "wdisambig.txt", [[WORD_DISAMBIG]])
        _write_lines(ph / "wdisambig_phones.int", [[phones.id(WORD_DISAMBIG)]])
        _write_lines(ph / "wdisambig_words.int", [[words.id(WORD_DISAMBIG)]])
        _write_lines(ph / "align_lexicon.txt", [[line] for line in align_lines])
        _write_lines(
            ph / "align_lexicon.int",
            [words.ids(f[:2]) + phones.ids(f[2:]) for f in (line.split() for line in align_lines)],
        )
        if position_dependent_phones:
            boundary = [(p, word_boundary(p)) for p in sets.silence + sets.nonsilence]
            _write_lines(ph / "word_boundary.txt", boundary)
            _write_lines(ph / "word_boundary.int", [(phones.id(p), b) for p, b in boundary])
    log.info(
        "prepared %s: %d words, %d phones (+%d disambiguation symbols), L.fst %d states",
        lang_dir, len(word_list), len(sets.silence) + len(sets.nonsilence), len(disambig), L.num_states,
    )


@dataclass
class LangDir:
    """What later steps need from a lang directory, as integer ids."""

    path: Path
    phones: SymbolTable
    words: SymbolTable
    topology: Topology
    silence: list[int]
    nonsilence: list[int]
    optional_silence: int
    disambig: list[int]
    context_indep: list[int]
    wdisambig_phones: list[int]
    wdisambig_words: list[int]
    oov: int
    sets: list[list[int]]
    extra_questions: list[list[int]]
    roots: list[tuple[str, str, list[int]]]
    word_boundary: dict[int, str] | None

    @property
    def L(self) -> Path:
        return self.path / "L.fst"

    @property
    def L_disambig(self) -> Path:
        return self.path / "L_disambig.fst"


def _read_int_rows(path: Path, skip: int = 0) -> list[list]:
    """Rows of a phones/*.int file: the first `skip` fields stay text, the rest are integers."""
    if not path.is_file():
        raise InputError("no such file", path)
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            fields = line.split()
            try:
                rows.append(fields[:skip] + [int(x) for x in fields[skip:]])
            except ValueError:
                raise InputError(f"expected integers, got {line.strip()!r}", path, n) from None
    return rows


def _read_int_list(path: Path) -> list[int]:
    return [i for row in _read_int_rows(path) for i in row]


def _read_word_boundary(path: Path) -> dict[int, str] | None:
    """{phone id: begin|end|internal|singleton|nonword}, or None where the file is absent."""
    if not path.is_file():
        return None
    out = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            fields = line.split()
            if len(fields) != 2 or not fields[0].isdigit() or fields[1] not in WORD_BOUNDARY_KINDS:
                raise InputError(f"expected 'phone-id {'|'.join(WORD_BOUNDARY_KINDS)}', got {line.strip()!r}", path, n)
            out[int(fields[0])] = fields[1]
    return out


def read_lang_dir(path: str | os.PathLike) -> LangDir:
    """Read a lang directory and check that its parts agree (as validate_lang.pl's main checks).

    Checks: the topology covers exactly the silence and non-silence phones; sets.int
    partitions them; disambiguation symbols are phones.txt's #N entries and not in the
    topology; the OOV word is in words.txt.
    """
    root = Path(path)
    if not root.is_dir():
        raise InputError("no such lang directory", root)
    ph = root / "phones"
    phones = read_symbol_table(root / "phones.txt")
    words = read_symbol_table(root / "words.txt")
    topology = read_topology(root / "topo")
    lang = LangDir(
        path=root,
        phones=phones,
        words=words,
        topology=topology,
        silence=_read_int_list(ph / "silence.int"),
        nonsilence=_read_int_list(ph / "nonsilence.int"),
        optional_silence=_read_int_list(ph / "optional_silence.int")[0],
        disambig=_read_int_list(ph / "disambig.int"),
        context_indep=_read_int_list(ph / "context_indep.int"),
        wdisambig_phones=_read_int_list(ph / "wdisambig_phones.int"),
        wdisambig_words=_read_int_list(ph / "wdisambig_words.int"),
        oov=_read_int_list(root / "oov.int")[0],
        sets=_read_int_rows(ph / "sets.int"),
        extra_questions=_read_int_rows(ph / "extra_questions.int"),
        roots=[(r[0], r[1], r[2:]) for r in _read_int_rows(ph / "roots.int", skip=2)],
        word_boundary=_read_word_boundary(ph / "word_boundary.int"),
    )
    real = set(lang.silence) | set(lang.nonsilence)
    if lang.optional_silence not in lang.silence:
        raise InputError("the optional silence is not a silence phone", ph / "optional_silence.int")
    if set(lang.silence) & set(lang.nonsilence):
        raise InputError("a phone is both silence and non-silence", ph / "silence.int")
    if set(topology.phones) != real:
        raise InputError("the topology does not cover exactly the silence and non-silence phones", root / "topo")
    in_sets = [p for s in lang.sets for p in s]
    if sorted(in_sets) != sorted(real):
        raise InputError("sets do not partition the silence and non-silence phones", ph / "sets.int")
    for i in lang.disambig:
        if not phones.symbol(i).startswith("#") or i in real:
            raise InputError(f"phone {i} ({phones.symbol(i)}) is not a disambiguation symbol", ph / "disambig.int")
    if lang.oov not in {i for _, i in words.items()}:
        raise InputError(f"OOV id {lang.oov} is not in words.txt", root / "oov.int")
    return lang
