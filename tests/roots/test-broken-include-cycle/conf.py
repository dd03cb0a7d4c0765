"""Shared settings: the BROKEN_FENCED preset (tests/presets.py); the included part is no page."""

from presets import BROKEN_FENCED

globals().update(BROKEN_FENCED)
exclude_patterns = ["part.md"]
