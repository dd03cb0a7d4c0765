"""Shared settings: the BROKEN preset (tests/presets.py)."""

from presets import BROKEN

globals().update(BROKEN)
