"""Speech and language recipes in the style of Kaldi: a library of steps driven by shell recipes."""

__version__ = "0.1.0"
