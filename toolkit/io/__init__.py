"""File formats: every format has exactly one module here that reads and writes its bytes."""
