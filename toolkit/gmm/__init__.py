"""GMM acoustic models: diagonal GMMs for all pdfs, their statistics, ML update, mixing up, the model file."""
