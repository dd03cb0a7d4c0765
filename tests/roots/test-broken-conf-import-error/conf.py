"""Shared settings: the BROKEN preset (tests/presets.py), then a module not installed."""

from presets import BROKEN

import sphinx_no_such_theme

globals().update(BROKEN)
