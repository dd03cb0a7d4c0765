"""Shared settings: the BROKEN preset (tests/presets.py), with the edition style, which prints archiveurl."""

from presets import BROKEN

globals().update(BROKEN)
bibtex_default_style = "edition"
