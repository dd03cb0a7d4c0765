"""Shared settings: the BROKEN preset (tests/presets.py), in furo, whose navigation shows titles."""

from presets import BROKEN

globals().update(BROKEN)
html_theme = "furo"
