"""Parallel text: gettext catalogues, LibreOffice help pages, cleaning, held-out splits, corpus statistics."""
