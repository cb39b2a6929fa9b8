"""Scoring: WER as Kaldi's compute-wer prints it, BLEU and chrF through sacrebleu."""
