"""Word alignment: IBM Model 1, fast_align's reparameterised Model 2, symmetrisation, fertilities.

Both models run as vectorised EM over every link of every sentence pair at once (numpy only).
Alignments are read and written in Pharaoh format (`i-j`, 0-based source i, target j);
fertilities supervise the non-autoregressive Transformer (Gu et al. 2017).
"""
