"""Shared settings: the APPARATUS_WARNINGS preset (tests/presets.py)."""

from presets import APPARATUS_WARNINGS

globals().update(APPARATUS_WARNINGS)
