"""Text visitors: claims render as their words alone; cards are left out."""

from __future__ import annotations

from typing import Any

from docutils import nodes


def transparent(self: Any, node: nodes.Node) -> None:
    """Render the node's children only."""


def skip(self: Any, node: nodes.Node) -> None:
    """Leave the node out of plain text."""
    raise nodes.SkipNode
