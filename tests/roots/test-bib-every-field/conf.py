"""Shared settings: the BROKEN preset (tests/presets.py), with the edition's own style."""

from presets import BROKEN

globals().update(BROKEN)
bibtex_default_style = "edition"
bibtex_cite_id = "bib-{key}"
