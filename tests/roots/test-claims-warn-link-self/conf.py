"""Shared settings: the CLAIMS preset (tests/presets.py)."""

from presets import CLAIMS

globals().update(CLAIMS)
