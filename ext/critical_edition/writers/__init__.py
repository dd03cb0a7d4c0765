"""Writers: per-builder visitors for the toolkit's nodes, registered in one place.

Each node gets a visitor pair for html and latex (html also serves epub); other builders,
plain text among them, render the node's children (``passthrough``) or skip it: a claim is
its words alone, its card left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes

from .. import nodes as ed
from . import html, latex

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def passthrough(self: Any, node: nodes.Node) -> None:
    """Render nothing for the node itself; its children are rendered as usual."""


def skip(self: Any, node: nodes.Node) -> None:
    """Leave the node and its children out."""
    raise nodes.SkipNode


#: Builders that render a node's children, or leave it out with them: plain text among them.
_OTHER = ("text", "man", "texinfo", "xml", "pseudoxml")


def setup(app: Sphinx) -> None:
    """Register the visitors of every node for every builder."""
    table = {
        ed.claim: (
            html.visit_claim,
            html.depart_claim,
            latex.visit_claim,
            latex.depart_claim,
            True,
        ),
        ed.claim_block: (
            html.visit_claim_block,
            html.depart_claim_block,
            latex.visit_claim_block,
            latex.depart_claim,
            True,
        ),
        ed.claim_card: (
            html.visit_claim_card,
            html.depart_claim_card,
            latex.visit_claim_card,
            latex.depart_claim_card,
            False,
        ),
        ed.actor_entry: (
            html.visit_actor_entry,
            html.depart_actor_entry,
            latex.visit_actor_entry,
            latex.depart_actor_entry,
            True,
        ),
        ed.claim_status: (
            html.visit_claim_status,
            html.depart_claim_status,
            latex.visit_claim_status,
            passthrough,
            True,
        ),
        ed.not_a_claim: (
            passthrough,
            passthrough,
            passthrough,
            passthrough,
            True,
        ),
    }
    for node_class, (hv, hd, lv, ld, keep_children) in table.items():
        other = (passthrough, passthrough) if keep_children else (skip, None)
        app.add_node(
            node_class,
            html=(hv, hd),
            latex=(lv, ld),
            **dict.fromkeys(_OTHER, other),  # type: ignore[arg-type]
        )
