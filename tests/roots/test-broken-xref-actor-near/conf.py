"""Shared settings: the BROKEN_FENCED preset (tests/presets.py)."""

from presets import BROKEN_FENCED

globals().update(BROKEN_FENCED)
