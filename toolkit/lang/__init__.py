"""Lexicons, the dictionary and lang directories, HMM topologies, and the L and G transducers."""
