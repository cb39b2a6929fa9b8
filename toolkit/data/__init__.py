"""Data directories in Kaldi's layout: read, write, validate, fix, split, subset, combine."""
