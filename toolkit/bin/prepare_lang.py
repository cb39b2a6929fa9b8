"""Prepare a lang directory from a dictionary directory, as Kaldi's utils/prepare_lang.sh.

Writes phones.txt, words.txt (with <eps>, #0, <s>, </s>), oov.txt/.int, topo, L.fst,
L_disambig.fst and phones/ (silence, nonsilence, optional_silence, disambig,
context_indep, sets, extra_questions, roots, wdisambig*, align_lexicon, word_boundary).
<oov-word> must be a word of the lexicon (e.g. <UNK>). The FSTs are OpenFst binaries
that Kaldi's tools and kaldifst read.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.lang.dict_dir import read_dict_dir
from toolkit.lang.lang_dir import prepare_lang


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--position-dependent-phones", choices=("true", "false"), default="true",
                   help="mark phones with their place in the word (_B _E _I _S)")
    p.add_argument("--sil-prob", type=float, default=0.5,
                   help="probability of optional silence at the start, between words and at the end (0: none)")
    p.add_argument("--num-sil-states", type=int, default=5, help="emitting states of silence HMMs")
    p.add_argument("--num-nonsil-states", type=int, default=3, help="emitting states of non-silence HMMs")
    p.add_argument("--share-silence-phones", choices=("true", "false"), default="false",
                   help="one set of pdfs for all silence phones")
    p.add_argument("--share-state-roots", choices=("true", "false"), default="true",
                   help="one tree root for all HMM states of a phone (false: one root per state)")
    p.add_argument("dict_dir", help="dictionary directory (lexicon.txt, silence_phones.txt, ...)")
    p.add_argument("oov_word", help="word that out-of-vocabulary words map to, e.g. '<UNK>'")
    p.add_argument("lang_dir", help="output lang directory")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    prepare_lang(
        read_dict_dir(args.dict_dir),
        args.oov_word,
        args.lang_dir,
        position_dependent_phones=args.position_dependent_phones == "true",
        sil_prob=args.sil_prob,
        num_sil_states=args.num_sil_states,
        num_nonsil_states=args.num_nonsil_states,
        share_silence_phones=args.share_silence_phones == "true",
        share_state_roots=args.share_state_roots == "true",
    )
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
