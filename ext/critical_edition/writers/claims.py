"""Visitor table of the claims' nodes (write phase): which HTML and LaTeX visitor draws each."""

from __future__ import annotations

from docutils import nodes

from critical_edition.core import nodes as ed
from critical_edition.writers import html, latex
from critical_edition.writers.base import NodeVisitors, passthrough

#: A claim is its words alone in plain text and the other formats; its card is left out.
VISITORS: dict[type[nodes.Element], NodeVisitors] = {
    ed.claim: NodeVisitors(
        html=(html.visit_claim, html.depart_claim),
        latex=(latex.visit_claim, latex.depart_claim),
    ),
    ed.claim_block: NodeVisitors(
        html=(html.visit_claim_block, html.depart_claim_block),
        latex=(latex.visit_claim_block, latex.depart_claim),
    ),
    ed.claim_card: NodeVisitors(
        html=(html.visit_claim_card, html.depart_claim_card),
        latex=(latex.visit_claim_card, latex.depart_claim_card),
        keep_children=False,
    ),
    # A card's lines: one run of text in HTML (see html.visit_card_label), roles in LaTeX.
    ed.card_line: NodeVisitors(
        html=(passthrough, passthrough),
        latex=(latex.visit_role, latex.depart_role),
    ),
    ed.card_label: NodeVisitors(
        html=(html.visit_card_label, html.depart_card_label),
        latex=(latex.visit_role, latex.depart_role),
    ),
    ed.actor_entry: NodeVisitors(
        html=(html.visit_actor_entry, html.depart_actor_entry),
        latex=(latex.visit_actor_entry, latex.depart_actor_entry),
    ),
    ed.claim_status: NodeVisitors(
        html=(html.visit_claim_status, html.depart_claim_status),
        latex=(latex.visit_claim_status, passthrough),
    ),
    ed.not_a_claim: NodeVisitors(
        html=(passthrough, passthrough),
        latex=(passthrough, passthrough),
    ),
}
