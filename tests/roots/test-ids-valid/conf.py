"""Shared settings: the BROKEN_FENCED preset (tests/presets.py), with the quick-start's anchors."""

from presets import BROKEN_FENCED

globals().update(BROKEN_FENCED)
bibtex_cite_id = "bib-{key}"
