"""Decoding and alignment with kaldi-decoder over graphs whose input labels are transition ids."""
