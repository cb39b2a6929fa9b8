"""Machine translation: SentencePiece vocabulary, parallel-corpus batching, the Transformer,
its training loop, search (greedy, beam), checkpoint averaging, and the non-autoregressive model."""
