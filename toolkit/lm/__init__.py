"""Back-off n-gram language models: Kneser-Ney estimation, ARPA files, perplexity, and G.fst."""
