"""Shared settings: the CLAIMS preset (tests/presets.py), with author-year citations."""

from presets import CLAIMS

globals().update(CLAIMS)
bibtex_reference_style = "author_year"
