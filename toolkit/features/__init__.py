"""Kaldi-compatible features: MFCC and fbank extraction, CMVN, deltas, splicing, and their data-directory jobs."""
