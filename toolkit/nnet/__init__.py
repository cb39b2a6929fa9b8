"""Hybrid DNN-HMM acoustic models: networks over spliced frames that predict tied states (pdfs)."""
