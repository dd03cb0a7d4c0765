"""Shared settings: the BROKEN preset (tests/presets.py), with a folder outside allowed."""

from presets import BROKEN

globals().update(BROKEN)
edition_allowed_outside = ["../outside-shared"]
