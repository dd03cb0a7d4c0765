"""Shared settings: the BROKEN preset (tests/presets.py), then a call of sys.exit()."""

import sys

from presets import BROKEN

globals().update(BROKEN)
if "html_theme" in globals():
    sys.exit("no theme")
