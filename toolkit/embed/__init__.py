"""Word embeddings: word2vec text files, skip-gram training, cross-lingual mapping (Procrustes, CSLS)."""
