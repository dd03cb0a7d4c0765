"""Switches (any phase): an environment variable that turns one of the toolkit's shortcuts off."""

from __future__ import annotations

import os


def switched_on(variable: str) -> bool:
    """Whether the environment variable *variable* leaves a shortcut on (it does unless it
    says ``0``, ``false``, ``no`` or ``off``)."""
    return os.environ.get(variable, "1").strip().lower() not in {"0", "false", "no", "off"}
