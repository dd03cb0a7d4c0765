"""Shared settings: the BROKEN preset (tests/presets.py), then a name never defined."""

from presets import BROKEN

globals().update(BROKEN)

html_title = project_title
