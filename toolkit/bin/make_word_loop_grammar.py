"""Write G.fst for a word loop: any sequence of the words, each word and the end equally likely.

With V words every word has probability 1/(V+1) and so does the end of the sentence: the
FST Kaldi's arpa2fst makes from an equal-probability unigram ARPA model (a digit loop when
the words are the digits). Word ids come from <words.txt> (lang/words.txt). The words are
those of --word-list (one a line) or, without it, every word of words.txt except <eps>,
#N, <s>, </s> and the words in --exclude.
"""
from __future__ import annotations

from toolkit import cli
from toolkit.errors import InputError
from toolkit.io.fst import write_fst
from toolkit.lang.grammar import default_loop_words, make_word_loop_grammar
from toolkit.lang.symbols import SymbolTable, read_symbol_table
from toolkit.lang.vocabulary import read_vocabulary
from toolkit.log import get_logger

log = get_logger(__name__)


def read_word_list(path: str, symbols: SymbolTable) -> list[str]:
    """The words of a word list in order, repeats dropped; each must be in `symbols`."""
    vocab = read_vocabulary(word_lists=[path])
    for word, origin in vocab.items():
        if word not in symbols:
            raise InputError(f"word '{word}' is not in {symbols.name}", origin.path, origin.line)
    return list(vocab)


def build_parser():
    p = cli.make_parser(__name__, __doc__)
    p.add_argument("--word-list", metavar="FILE", help="the words of the loop, one a line")
    p.add_argument("--exclude", default="!SIL <UNK>",
                   help="space-separated words left out when --word-list is not given")
    p.add_argument("words_txt", help="word symbol table (lang/words.txt)")
    p.add_argument("G_fst", help="output grammar FST")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    symbols = read_symbol_table(args.words_txt)
    if args.word_list:
        words = read_word_list(args.word_list, symbols)
    else:
        words = default_loop_words(symbols, args.exclude.split())
    G = make_word_loop_grammar(words, symbols)
    write_fst(G, args.G_fst)
    shown = " ".join(words[:20]) + (" ..." if len(words) > 20 else "")
    log.info("%s: loop over %d words: %s", args.G_fst, len(words), shown)
    return 0


if __name__ == "__main__":
    cli.exit_with(main)
