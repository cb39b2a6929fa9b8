"""Synthetic speech for speech recipes: voices as speakers, text to 16 kHz audio, additive noise."""
