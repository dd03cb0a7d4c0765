"""Writers' shared pieces (write phase): the named visitor table and its two generic visitors.

Each node of the toolkit names its visitors per builder in a :class:`NodeVisitors` record;
:func:`critical_edition.writers.register` adds them all. Builders without a visitor of their
own (plain text unless given, man, texinfo, xml, pseudoxml) render the node's children
(:func:`passthrough`) or leave it out with them (:func:`skip`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from docutils import nodes

#: A visit or depart function of a translator (``self`` is the translator).
Visitor = Callable[[Any, Any], None]
#: A visit function and its depart function (``None`` when the visit raises ``SkipNode``).
VisitorPair = tuple[Visitor, Visitor | None]


def passthrough(self: Any, node: nodes.Node) -> None:
    """Render nothing for the node itself; its children are rendered as usual."""


def skip(self: Any, node: nodes.Node) -> None:
    """Leave the node and its children out."""
    raise nodes.SkipNode


@dataclass(frozen=True)
class NodeVisitors:
    """The visitors of one node class, by builder format."""

    #: HTML (also EPUB and every other HTML builder).
    html: VisitorPair
    #: LaTeX.
    latex: VisitorPair
    #: Plain text; ``None``: like the other builders.
    text: VisitorPair | None = None
    #: Other builders render the node's children (True) or leave the node out (False).
    keep_children: bool = True

    def fallback(self) -> VisitorPair:
        """The pair for builders without a visitor of their own."""
        return (passthrough, passthrough) if self.keep_children else (skip, None)


#: The builder formats that get :meth:`NodeVisitors.fallback` (plain text unless it has its own).
OTHER_FORMATS = ("man", "texinfo", "xml", "pseudoxml")


#: On a card: web search engines leave its words out of the page's snippet, as Sphinx's search
#: page does (the cards carry "no-search" for its index; previews.js drops them from excerpts).
NO_SNIPPET = {"data-nosnippet": ""}
