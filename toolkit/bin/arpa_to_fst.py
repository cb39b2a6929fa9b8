"""Convert an ARPA model into the grammar transducer G.fst, as Kaldi's `arpa2fst --disambig-symbol=#0
--read-symbol-table=words.txt` does.

States are histories, the start state is the `<s>` history, `</s>` becomes final weights,
weights are -ln(10) * log10 prob, and back-off arcs carry the disambiguation symbol on the
input side and <eps> on the output side. Word ids come from WORDS_TXT (lang/words.txt). A
word of the model that WORDS_TXT lacks is an error naming it; with --skip-oov-ngrams true
the n-grams containing such words are left out instead, as arpa2fst does. Arcs are sorted
on input labels.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.io.fst import write_fst
from toolkit.lang.symbols import read_symbol_table
from toolkit.lm.arpa import BOS, EOS, read_arpa
from toolkit.lm.arpa_to_fst import arpa_to_fst
from toolkit.log import get_logger

log = get_logger(__name__)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--disambig-symbol", default="#0", help="input label of the back-off arcs")
    p.add_argument("--bos-symbol", default=BOS, help="beginning-of-sentence word of the model")
    p.add_argument("--eos-symbol", default=EOS, help="end-of-sentence word of the model")
    p.add_argument("--skip-oov-ngrams", choices=("true", "false"), default="false",
                   help="true: leave out n-grams with words missing from WORDS_TXT instead of failing")
    p.add_argument("arpa", help="ARPA model (plain or .gz)")
    p.add_argument("words_txt", help="word symbol table (lang/words.txt)")
    p.add_argument("G_fst", help="output grammar FST")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lm = read_arpa(args.arpa)
    symbols = read_symbol_table(args.words_txt)
    G = arpa_to_fst(lm, symbols, args.disambig_symbol, args.bos_symbol, args.eos_symbol,
                    skip_oov=args.skip_oov_ngrams == "true")
    write_fst(G, args.G_fst)
    log.info("%s: %d states from %s (n-grams per order: %s)", args.G_fst, G.num_states, args.arpa,
             " ".join(map(str, lm.counts())))
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
